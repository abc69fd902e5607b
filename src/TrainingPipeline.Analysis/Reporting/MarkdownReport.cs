using System.Text;

namespace TrainingPipeline.Analysis.Reporting;

/// <summary>Renders a <see cref="ReportDocument"/> as Markdown; figures link to PNG files saved beside it.</summary>
public static class MarkdownReport
{
    public static string Render(ReportDocument document)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {document.Title}").AppendLine();
        foreach (var section in document.Sections)
        {
            md.AppendLine($"## {section.Heading}").AppendLine();
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case ParagraphBlock p:
                        md.AppendLine(p.Text).AppendLine();
                        break;
                    case TableBlock t:
                        md.AppendLine("| " + string.Join(" | ", t.Header.Select(Escape)) + " |");
                        md.AppendLine("|" + string.Concat(t.Header.Select(_ => "---|")));
                        foreach (var row in t.Rows) md.AppendLine("| " + string.Join(" | ", row.Select(Escape)) + " |");
                        md.AppendLine();
                        break;
                    case FigureBlock f:
                        md.AppendLine($"![{f.Figure.Title}]({f.Figure.FileName})").AppendLine();
                        md.AppendLine($"*{f.Figure.Caption}*").AppendLine();
                        break;
                }
            }
        }
        return md.ToString();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|");
}
