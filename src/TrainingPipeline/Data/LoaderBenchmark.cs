using System.Diagnostics;

namespace TrainingPipeline.Data;

/// <summary>Throughput of a batch source alone (no model): how many tokens per second it can deliver.</summary>
public sealed record LoaderThroughput(long Batches, long Tokens, double Seconds, double TokensPerSecond);

public static class LoaderBenchmark
{
    /// <summary>
    /// Draws batches into one reused pair of buffers for at least <paramref name="minimumSeconds"/> (after a short
    /// warm-up) and reports delivered tokens (input positions) per second.
    /// </summary>
    public static LoaderThroughput Measure(IBatchSource source, double minimumSeconds = 1.0)
    {
        var size = source.BatchSize * source.ContextLength;
        var inputs = new long[size];
        var targets = new long[size];
        for (var i = 0; i < 3; i++) source.Next(inputs, targets);
        long batches = 0;
        var stopwatch = Stopwatch.StartNew();
        do
        {
            source.Next(inputs, targets);
            batches++;
        }
        while (stopwatch.Elapsed.TotalSeconds < minimumSeconds);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var tokens = batches * size;
        return new LoaderThroughput(batches, tokens, seconds, tokens / seconds);
    }
}
