using System.Globalization;
using System.Text;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;
using TrainingPipeline.Analysis.Reporting;

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
    /// <summary>The report card (<see cref="ReportCard"/>), printed first.</summary>
    public IReadOnlyList<ReportCardRow> Card { get; init; } = [];

    /// <summary>The report card, then a plain-text table with one line per parameter, then the notes, for the command line.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        if (Card.Count > 0)
        {
            // A terminal is too narrow for the card's six columns: one block per row, the figures indented under it.
            text.AppendLine("Report card");
            foreach (var row in Card)
            {
                text.AppendLine(string.Join(" · ", new[] { row.Stage.PadRight(16), row.Ran, row.Volume, row.WallTime }.Where(c => c.Length > 0)));
                if (row.BeforeAfter.Length > 0) text.AppendLine("    " + row.BeforeAfter);
                text.AppendLine("    → " + row.Reading);
            }
            text.AppendLine();
        }
        var rows = new List<string[]> { new[] { "law", "group", "parameter", "value", "95% CI", "resampled", "n", "backtest RMSE" } };
        foreach (var law in Laws)
        {
            foreach (var p in law.Parameters.Concat(law.Derived))
                rows.Add([law.Law, law.Group, p.Name, law.Failed ? "failed fit" : Format(p.Value), IntervalOrNote(law, p), law.ResamplingUnit,
                    law.PointCount.ToString(CultureInfo.InvariantCulture), law.Backtest is { } b ? Format(b.RootMeanSquaredError) : "-"]);
        }
        foreach (var inflection in Inflections)
        {
            var group = $"{inflection.Group} vs {inflection.XLabel}";
            foreach (var p in new[] { inflection.Breakpoint, inflection.SlopeBefore, inflection.SlopeAfter })
                rows.Add(["hinge", group, p.Name, Format(p.Value), Interval(p), inflection.ResamplingUnit, inflection.PointCount.ToString(CultureInfo.InvariantCulture), "-"]);
            rows.Add(["hinge", group, "p (vs straight line)", Format(inflection.PValue), "", inflection.ResamplingUnit, inflection.PointCount.ToString(CultureInfo.InvariantCulture), "-"]);
        }
        AppendTable(text, rows);
        var lawNotes = new AnalysisNotes();
        foreach (var law in Laws.Where(l => l.IntervalNote is not null || l.Failed))
        {
            var note = law.FailureNote ?? law.IntervalNote!;
            lawNotes.Add(note, $"{law.Law} on {law.Group}: {note}", $"{law.Law} on {law.Group}");
        }
        foreach (var note in lawNotes.Lines().Concat(Notes)) text.AppendLine("note: " + note);
        text.AppendLine($"report: {ReportHtmlPath}");
        text.AppendLine($"fits:   {FitsPath}");
        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, IReadOnlyList<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows) text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
    }

    internal static string Format(double value) =>
        double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The interval, or why there is none (e.g. "no run-level interval: n runs &lt; 3"), with the evaluation-noise s.e. when known.</summary>
    internal static string IntervalOrNote(FittedLaw law, ParameterEstimate p) =>
        law.Failed || double.IsFinite(p.CiLow) ? IntervalText(law, p)
        : (law.IntervalNote ?? "n/a") + (double.IsFinite(p.EvalStdError) ? $"; eval-noise s.e. {Format(p.EvalStdError)} (lower bound: evaluation noise only, not run-to-run)" : "");

    /// <summary>
    /// A law parameter's interval as the report card, the report's tables and this summary all print it: "[lo, hi]";
    /// "n/a" without one; a failed fit's withheld; and a zero-width interval as what it is, never "[x, x]" (which would read
    /// as a value known exactly): at a bound of the fit's search range (<see cref="ParameterEstimate.SearchBound"/>) or,
    /// elsewhere, every refit giving the same value.
    /// </summary>
    internal static string IntervalText(FittedLaw law, ParameterEstimate p) =>
        law.Failed ? FailedFitWithheld
        : !double.IsFinite(p.CiLow) ? "n/a"
        : !p.HasZeroWidthInterval ? Interval(p)
        : p.SearchBound is { } bound ? $"(at the search bound {Format(bound)}, no interval)"
        : "(every refit gave the same value, no interval)";

    /// <summary>What a failed fit's values and intervals print as: they are not estimates of anything.</summary>
    internal const string FailedFitWithheld = "withheld (failed fit)";

    internal static string Interval(ParameterEstimate p) =>
        double.IsFinite(p.CiLow) ? $"[{Format(p.CiLow)}, {Format(p.CiHigh)}]" : "n/a";
}
