using System.Text.Json;
using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

public class FitJsonTests
{
    private static FittedLaw Fitted()
    {
        var points = SyntheticData.LogLinear(seed: 0);
        return LawAnalysis.Run(new RlLogLinearLaw(), points, "g", new FitOptions(Bootstrap: 0, BacktestFraction: 0), "test");
    }

    [Fact]
    public void AFailedFitWritesNullParamsAndKeepsItsNumbersOnlyUnderFailedFitValues()
    {
        var fitted = Fitted() with { FailureNote = "failed fit: the ceiling lies below the observed maximum" };
        var json = JsonDocument.Parse(FitJson.Write(fitted)).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("params").GetProperty("b").ValueKind);
        Assert.Equal(fitted.Parameter("b").Value, json.GetProperty("failed_fit_values").GetProperty("b").GetDouble());
        Assert.StartsWith("failed fit", json.GetProperty("failed").GetString());
    }

    [Fact]
    public void ASuccessfulFitWritesItsParamsAndLabelsTheEvaluationNoiseAsALowerBound()
    {
        var fitted = Fitted();
        var json = JsonDocument.Parse(FitJson.Write(fitted)).RootElement;
        Assert.Equal(fitted.Parameter("b").Value, json.GetProperty("params").GetProperty("b").GetDouble());
        Assert.False(json.TryGetProperty("failed_fit_values", out _));
        Assert.Equal("lower bound: evaluation noise only, not run-to-run", json.GetProperty("eval_stderr_note").GetString());
    }

    [Fact]
    public void ThePointCountIsNamedAfterTheResamplingUnit()
    {
        var lineages = JsonDocument.Parse(FitJson.Write(Fitted() with { ReplicateUnit = RunLevelIntervals.Lineage, Runs = 5 })).RootElement;
        Assert.Equal(5, lineages.GetProperty("lineages").GetInt32());
        Assert.False(lineages.TryGetProperty("runs", out _));
        var runs = JsonDocument.Parse(FitJson.Write(Fitted() with { ReplicateUnit = RunLevelIntervals.Run, Runs = 4 })).RootElement;
        Assert.Equal(4, runs.GetProperty("runs").GetInt32());
    }

    [Fact]
    public void TwoLineagesAreCountedAsLineagesAlthoughThereIsNoInterval()
    {
        var points = SyntheticData.LossCompute(seed: 0).Select((p, i) => p with { Cluster = $"lineage{i % 2}" }).ToList();
        var fitted = LawAnalysis.Run(new LossComputeLaw(LossComputeLaw.CoarseGrid), points, "pretrain",
            new FitOptions(Bootstrap: 20, BacktestFraction: 0, EarlyComputeFraction: 0, ReplicateUnit: RunLevelIntervals.Lineage), "test");
        Assert.Equal(("none", "lineage", 2), (fitted.ResamplingUnit, fitted.ReplicateUnit, fitted.Runs));
        var json = JsonDocument.Parse(FitJson.Write(fitted)).RootElement;
        Assert.Equal(2, json.GetProperty("lineages").GetInt32());
        Assert.Equal("no run-level interval: n lineages < 3 (have 2)", json.GetProperty("interval_note").GetString());
    }
}
