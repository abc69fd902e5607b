using System.Text;
using System.Text.Json;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// The one-object JSON the <c>analyze fit --json</c> command prints: law, n_points, params, ci95, objective, plus
/// derived quantities, what the intervals resampled (<c>resampling_unit</c>: run, points or none) and why there is none,
/// the evaluation-noise standard errors, the bootstrap's bookkeeping and the backtest with its run-level interval.
/// Non-finite numbers are written as null. A failed fit (e.g. a sigmoid ceiling below the data) writes null params
/// and derived values, its numbers only under <c>failed_fit_values</c>, so no reader takes them for a result.
/// The <c>eval_stderr</c> values are a lower bound (evaluation noise only, not run-to-run), as <c>eval_stderr_note</c> says.
/// </summary>
public static class FitJson
{
    public static string Write(FittedLaw fitted)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("law", fitted.Law);
            json.WriteNumber("n_points", fitted.PointCount);
            json.WriteNumber("discarded_early_points", fitted.DiscardedEarlyPoints);
            json.WriteString("resampling_unit", fitted.ResamplingUnit);
            json.WriteString("interval_method", fitted.IntervalMethod);
            // The count is named after what was resampled: pre-training fits count lineages, not runs.
            json.WriteNumber(fitted.ReplicateUnit == RunLevelIntervals.Lineage ? "lineages" : "runs", fitted.Runs);
            NullableString(json, "interval_note", fitted.IntervalNote);
            NullableString(json, "failed", fitted.FailureNote);
            json.WriteStartObject("params");
            foreach (var p in fitted.Parameters) Number(json, p.Name, fitted.Failed ? double.NaN : p.Value);
            json.WriteEndObject();
            if (fitted.Failed)
            {
                json.WriteStartObject("failed_fit_values");
                foreach (var p in fitted.Parameters.Concat(fitted.Derived)) Number(json, p.Name, p.Value);
                json.WriteEndObject();
            }
            json.WriteStartObject("ci95");
            foreach (var p in fitted.Parameters) Interval(json, p);
            json.WriteEndObject();
            json.WriteStartObject("eval_stderr");
            foreach (var p in fitted.Parameters) Number(json, p.Name, p.EvalStdError);
            json.WriteEndObject();
            json.WriteString("eval_stderr_note", EvalStdErrorNote);
            Number(json, "objective", fitted.Fit.Objective);
            json.WriteStartObject("derived");
            foreach (var d in fitted.Derived)
            {
                json.WriteStartObject(d.Name);
                Number(json, "value", fitted.Failed ? double.NaN : d.Value);
                Interval(json, d with { Name = "ci95" });
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteStartObject("bootstrap");
            json.WriteNumber("requested", fitted.BootstrapRequested);
            json.WriteNumber("succeeded", fitted.BootstrapSucceeded);
            json.WriteString("resampling_unit", fitted.ResamplingUnit);
            json.WriteEndObject();
            if (fitted.Backtest is { } b)
            {
                json.WriteStartObject("backtest");
                Number(json, "cutoff_compute", b.CutoffCompute);
                json.WriteNumber("train_points", b.TrainPoints);
                json.WriteNumber("held_out_points", b.HeldOutPoints);
                Number(json, "rmse", b.RootMeanSquaredError);
                Number(json, "mae", b.MeanAbsoluteError);
                Interval(json, new ParameterEstimate("rmse_ci95", b.RootMeanSquaredError, b.RmseLow, b.RmseHigh));
                json.WriteString("resampling_unit", b.ResamplingUnit);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("backtest");
                json.WriteString("backtest_note", fitted.BacktestNote);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public const string EvalStdErrorNote = "lower bound: evaluation noise only, not run-to-run";

    private static void NullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void Interval(Utf8JsonWriter json, ParameterEstimate estimate)
    {
        if (!double.IsFinite(estimate.CiLow) || !double.IsFinite(estimate.CiHigh))
        {
            json.WriteNull(estimate.Name);
            return;
        }
        json.WriteStartArray(estimate.Name);
        json.WriteNumberValue(estimate.CiLow);
        json.WriteNumberValue(estimate.CiHigh);
        json.WriteEndArray();
    }
}
