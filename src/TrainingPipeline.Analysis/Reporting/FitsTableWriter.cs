using Parquet.Schema;
using Parquet.Serialization;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;

namespace TrainingPipeline.Analysis.Reporting;

/// <summary>
/// Writes the <c>fits</c> table (docs/results-schema.md): one row per parameter or derived quantity, into
/// <c>fits/analysis_id=&lt;id&gt;/part-00000-analysis.parquet</c>, via a temporary file renamed into place so a
/// crash never leaves a half-written part file.
/// </summary>
public static class FitsTableWriter
{
    public static ParquetSchema Schema { get; } = new(
        new DataField<string>("law"), new DataField<string>("group"), new DataField<string>("parameter"),
        new DataField<double>("value"), new DataField<double>("ci_low"), new DataField<double>("ci_high"),
        new DataField<long>("n_points"), new DataField<double>("objective"), new DataField<double?>("backtest_error"),
        new DataField<DateTime>("written_at"), new DataField<string>("resampling_unit"), new DataField<string>("interval_note"),
        new DataField<double?>("eval_stderr"), new DataField<long>("runs"));

    public static string Write(string fitsDirectory, string analysisId, IReadOnlyList<FittedLaw> laws,
        IReadOnlyList<InflectionAnalysis> inflections, DateTime writtenAt)
    {
        var rows = new List<IDictionary<string, object?>>();
        foreach (var law in laws)
        {
            foreach (var estimate in law.Parameters.Concat(law.Derived))
                rows.Add(Row(law.Law, law.Group, law.Failed ? Withheld(estimate) : estimate, law.PointCount, law.Fit.Objective,
                    law.Backtest?.RootMeanSquaredError, writtenAt, law.ResamplingUnit, JoinNotes(law.FailureNote, law.IntervalNote), law.Runs));
        }
        foreach (var inflection in inflections)
        {
            var group = $"{inflection.Group} vs {inflection.XLabel}";
            foreach (var estimate in new[] { inflection.Breakpoint, inflection.SlopeBefore, inflection.SlopeAfter })
                rows.Add(Row("hinge", group, estimate, inflection.PointCount, inflection.Fit.SumOfSquares, null, writtenAt,
                    inflection.ResamplingUnit, estimate == inflection.Breakpoint ? inflection.BreakpointNote : null, inflection.Runs));
            rows.Add(Row("hinge", group, new ParameterEstimate("p_value_vs_no_break", inflection.PValue, double.NaN, double.NaN),
                inflection.PointCount, inflection.Fit.SumOfSquares, null, writtenAt, inflection.ResamplingUnit, JoinNotes(inflection.NullModel, inflection.DesignNote), inflection.Runs));
        }
        var folder = Path.Combine(fitsDirectory, $"analysis_id={analysisId}");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "part-00000-analysis.parquet");
        var temporary = Path.Combine(folder, ".part-00000-analysis.parquet.tmp"); // hidden: hive readers skip it
        using (var stream = File.Create(temporary))
            ParquetSerializer.SerializeUntypedAsync(rows, Schema, stream).GetAwaiter().GetResult();
        File.Move(temporary, path, overwrite: false);
        return path;
    }

    /// <summary>A failed fit's values are not estimates of anything (docs/analysis.md, "Failed sigmoid fits"): NaN, not the numbers.</summary>
    private static ParameterEstimate Withheld(ParameterEstimate estimate) =>
        estimate with { Value = double.NaN, CiLow = double.NaN, CiHigh = double.NaN, EvalStdError = double.NaN };

    /// <summary>Both notes, so the failure does not hide why an interval is missing (or the reverse).</summary>
    internal static string? JoinNotes(params string?[] notes) =>
        notes.Where(n => !string.IsNullOrEmpty(n)).ToArray() is { Length: > 0 } present ? string.Join("; ", present) : null;

    private static Dictionary<string, object?> Row(string law, string group, ParameterEstimate estimate, int points,
        double objective, double? backtest, DateTime writtenAt, string unit, string? note, int runs) => new()
        {
            ["law"] = law,
            ["group"] = group,
            ["parameter"] = estimate.Name,
            ["value"] = estimate.Value,
            ["ci_low"] = estimate.CiLow,
            ["ci_high"] = estimate.CiHigh,
            ["n_points"] = (long)points,
            ["objective"] = objective,
            ["backtest_error"] = backtest,
            ["written_at"] = writtenAt,
            ["resampling_unit"] = unit,
            ["interval_note"] = note,
            ["eval_stderr"] = double.IsFinite(estimate.EvalStdError) ? estimate.EvalStdError : null,
            ["runs"] = (long)runs,
        };
}
