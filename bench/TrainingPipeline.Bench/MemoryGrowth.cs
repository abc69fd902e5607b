using TorchSharp;
using TrainingPipeline.Model;
using static TorchSharp.torch;

namespace TrainingPipeline.Bench;

/// <summary>
/// Leak check (<c>memory</c>): resident set size after warm-up versus after 1,000 training steps of config S, with
/// samples in between so a steady climb can be told apart from allocator noise. Also counts TorchSharp tensors that
/// are still alive, which catches a leak of small tensors long before it shows in RSS. <c>memory_rl</c> does the same
/// over <c>rl_step_S</c> steps (<see cref="RlStepRig"/>: batched sampling with the KV cache, then an update).
/// </summary>
public static class MemoryGrowth
{
    public const int WarmupSteps = 50;
    public const int Checkpoints = 4;

    public sealed record Result(double RssWarmMb, double RssEndMb, double[] RssAtCheckpointsMb, long LiveTensorsWarm, long LiveTensorsEnd, int Steps, double Seconds);

    public static Result Measure(AttentionKernel attention, int steps, int seed)
    {
        using var rig = new TrainingRig(BenchShape.S, attention, seed);
        return Measure(() => rig.Step(), steps);
    }

    public static Result MeasureRl(AttentionKernel attention, int steps, int seed, Precision precision = Precision.Fp32)
    {
        using var rig = new RlStepRig(attention, seed, precision);
        return Measure(() => rig.Step(), steps);
    }

    private static Result Measure(Action step, int steps)
    {
        for (int i = 0; i < WarmupSteps; i++) step();
        double warm = ResidentMegabytes();
        long liveWarm = LiveTensors();
        var samples = new List<double>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 1; i <= steps; i++)
        {
            step();
            if (i % Math.Max(1, steps / Checkpoints) == 0) samples.Add(ResidentMegabytes());
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new Result(warm, ResidentMegabytes(), [.. samples], liveWarm, LiveTensors(), steps, seconds);
    }

    /// <summary>VmRSS of this process. Collects managed garbage first so finalizer-owned native memory is counted fairly.</summary>
    public static double ResidentMegabytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            return kilobytes / 1024.0;
        }
        throw new InvalidOperationException("/proc/self/status has no VmRSS line (not Linux?)");
    }

    private static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
}
