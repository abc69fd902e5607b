using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TrainingPipeline.Tests.Cli;

/// <summary>
/// Issue 14's done-when: <c>analyze fit --law rl-loglinear --input X --col run=R --json</c> reports
/// <c>"resampling_unit": "run"</c>, and on a single run reports no run-level interval.
/// </summary>
public sealed class AnalyzeFitRunColumnTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tp-fitrun-" + Guid.NewGuid().ToString("N"));

    public AnalyzeFitRunColumnTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Csv(int runs)
    {
        var text = new StringBuilder("R,flops,pass@1\n");
        for (var r = 0; r < runs; r++)
            for (var step = 1; step <= 8; step++)
                text.Append(CultureInfo.InvariantCulture, $"seed{r},{1e12 * step},{0.1 + 0.05 * Math.Log2(step) + 0.01 * ((r * 7 + step) % 3)}\n");
        var path = Path.Combine(_folder, $"r{runs}.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static (int Exit, string Out, string Err) Fit(string input, params string[] extra) =>
        InProcessCli.Run(["analyze", "fit", "--law", "rl-loglinear", "--input", input, "--bootstrap", "50", .. extra]);

    [Fact]
    public void ARunColumnMakesTheRunTheResamplingUnit()
    {
        var (exit, output, error) = Fit(Csv(3), "--col", "run=R", "--json");
        Assert.True(exit == 0, error);
        Assert.Equal("run", JsonDocument.Parse(output).RootElement.GetProperty("resampling_unit").GetString());
    }

    [Fact]
    public void OneRunHasNoRunLevelInterval()
    {
        var (exit, output, error) = Fit(Csv(1), "--col", "run=R", "--json");
        Assert.True(exit == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("none", json.GetProperty("resampling_unit").GetString());
        Assert.Equal("no run-level interval: n runs < 3 (have 1)", json.GetProperty("interval_note").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ci95").GetProperty("b").ValueKind);
    }

    [Fact]
    public void WithoutARunColumnTheTableWarns()
    {
        var (exit, output, error) = Fit(Csv(3));
        Assert.True(exit == 0, error);
        Assert.Contains("resampling unit points", output);
        Assert.Contains("warning: points were resampled as if independent", output);
    }

    [Fact]
    public void DiscardBelowLeavesOutTheEarlyRegimeAndRejectsAnImpossibleFraction()
    {
        var (exit, output, error) = Fit(Csv(3), "--col", "run=R", "--discard-below", "0.3", "--json");
        Assert.True(exit == 0, error);
        Assert.Equal(6, JsonDocument.Parse(output).RootElement.GetProperty("discarded_early_points").GetInt32()); // steps 1 and 2 of 8, per run
        var bad = Fit(Csv(3), "--discard-below", "1.5");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--discard-below", bad.Err);
    }
}
