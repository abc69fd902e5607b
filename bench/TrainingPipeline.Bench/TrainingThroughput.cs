using System.Diagnostics;
using TrainingPipeline.Model;

namespace TrainingPipeline.Bench;

/// <summary>Training tokens per second for one shape (<c>train_S</c>, <c>train_M</c>).</summary>
public static class TrainingThroughput
{
    public const int WarmupSteps = 3;

    public sealed record Result(double TokensPerSecond, int Steps, double Seconds, float FirstLoss, float LastLoss, double TrainingFlopsPerToken);

    public static Result Measure(BenchShape shape, AttentionKernel attention, int steps, int seed, Precision precision = Precision.Fp32)
    {
        using var rig = new TrainingRig(shape, attention, seed, precision);
        float firstLoss = rig.Step();
        for (int i = 1; i < WarmupSteps; i++) rig.Step();
        float lastLoss = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) lastLoss = rig.Step();
        double seconds = clock.Elapsed.TotalSeconds;
        return new Result((double)steps * shape.TokensPerStep / seconds, steps, seconds, firstLoss, lastLoss, rig.Config.TrainingFlopsPerToken);
    }
}
