using System.Net;
using System.Text;

namespace TrainingPipeline.Analysis.Reporting;

/// <summary>
/// Renders a <see cref="ReportDocument"/> as one self-contained HTML file: images are inlined as base64 PNG data
/// URIs and the style sheet is embedded, so the file can be mailed or archived alone.
/// </summary>
public static class HtmlReport
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
        "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}img{max-width:100%}" +
        "figcaption{font-size:13px;color:#555}" +
        "#report-card-table td,#report-card-table th{text-align:left;vertical-align:top}#report-card-table{font-size:13px}";

    public static string Render(ReportDocument document)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>{Encode(document.Title)}</title><style>{Style}</style></head><body>");
        html.AppendLine($"<h1>{Encode(document.Title)}</h1>");
        foreach (var section in document.Sections)
        {
            html.AppendLine($"<section id=\"{Encode(section.Id)}\"><h2>{Encode(section.Heading)}</h2>");
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case ParagraphBlock p:
                        html.AppendLine($"<p>{Encode(p.Text)}</p>");
                        break;
                    case TableBlock t:
                        html.Append(t.Id is { } id ? $"<table id=\"{Encode(id)}\"><thead><tr>" : "<table><thead><tr>");
                        foreach (var h in t.Header) html.Append($"<th>{Encode(h)}</th>");
                        html.AppendLine("</tr></thead><tbody>");
                        foreach (var row in t.Rows)
                            html.AppendLine("<tr>" + string.Concat(row.Select(c => $"<td>{Encode(c)}</td>")) + "</tr>");
                        html.AppendLine("</tbody></table>");
                        break;
                    case FigureBlock f:
                        html.AppendLine($"<figure><img alt=\"{Encode(f.Figure.Title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(f.Figure.Png)}\">");
                        html.AppendLine($"<figcaption>{Encode(f.Figure.Caption)}</figcaption></figure>");
                        break;
                }
            }
            html.AppendLine("</section>");
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
