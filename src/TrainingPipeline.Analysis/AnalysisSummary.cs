using System.Globalization;
using System.Text;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;

namespace TrainingPipeline.Analysis;

/// <summary>
/// What the analysis stage produced: every fitted law (law, group, parameters with 95% intervals, backtest error),
/// the inflection analyses, notes on what could not be fitted and why, and the paths of the written files.
/// </summary>
public sealed record AnalysisSummary(
    string AnalysisId,
    IReadOnlyList<FittedLaw> Laws,
    IReadOnlyList<InflectionAnalysis> Inflections,
    IReadOnlyList<string> Notes,
    string ReportMarkdownPath,
    string ReportHtmlPath,
    string FitsPath)
{
    /// <summary>A plain-text table, one line per parameter, for the command line.</summary>
    public string ToTable()
    {
        var rows = new List<string[]> { new[] { "law", "group", "parameter", "value", "95% CI", "n", "backtest RMSE" } };
        foreach (var law in Laws)
        {
            foreach (var p in law.Parameters.Concat(law.Derived))
                rows.Add([law.Law, law.Group, p.Name, Format(p.Value), Interval(p), law.PointCount.ToString(CultureInfo.InvariantCulture),
                    law.Backtest is { } b ? Format(b.RootMeanSquaredError) : "-"]);
        }
        foreach (var inflection in Inflections)
        {
            var group = $"{inflection.Group} vs {inflection.XLabel}";
            foreach (var p in new[] { inflection.Breakpoint, inflection.SlopeBefore, inflection.SlopeAfter })
                rows.Add(["hinge", group, p.Name, Format(p.Value), Interval(p), inflection.PointCount.ToString(CultureInfo.InvariantCulture), "-"]);
            rows.Add(["hinge", group, "p (vs no break)", Format(inflection.PValue), "", inflection.PointCount.ToString(CultureInfo.InvariantCulture), "-"]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows) text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        foreach (var note in Notes) text.AppendLine("note: " + note);
        text.AppendLine($"report: {ReportHtmlPath}");
        text.AppendLine($"fits:   {FitsPath}");
        return text.ToString();
    }

    internal static string Format(double value) =>
        double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : "n/a";

    internal static string Interval(ParameterEstimate p) =>
        double.IsFinite(p.CiLow) ? $"[{Format(p.CiLow)}, {Format(p.CiHigh)}]" : "n/a";
}
