using System.Diagnostics;
using TrainingPipeline.Model;
using static TorchSharp.torch;

namespace TrainingPipeline.Bench;

/// <summary>
/// Greedy generation through the pipeline's <see cref="Sampler"/> (<c>sample_S_nocache</c>, <c>sample_S_kv</c>):
/// batch 32, prompt 16 random tokens, 64 new tokens; new tokens per second, prefill included.
/// </summary>
public static class SamplingThroughput
{
    public const int Batch = 32;
    public const int PromptLength = 16;
    public const int NewTokens = 64;

    public sealed record Result(double TokensPerSecond, int Rounds, double Seconds, int[] FirstRow);

    public static Result Measure(BenchShape shape, AttentionKernel attention, bool useKvCache, int seed, double minimumSeconds = 2.0,
        Precision precision = Precision.Fp32)
    {
        manual_seed(seed);
        using var model = new Gpt(shape.Model(attention), precision);
        // Drawn from libtorch's generator so the Python peer, seeded alike, gets the same prompts (and, with the same
        // initial weights, must pick the same tokens: a cheap check that both stacks run the same model).
        using var promptTensor = randint(BenchShape.VocabSize, new long[] { Batch, PromptLength }, generator: new Generator((ulong)seed));
        var flat = promptTensor.data<long>().ToArray();
        var prompts = Enumerable.Range(0, Batch)
            .Select(row => flat.Skip(row * PromptLength).Take(PromptLength).Select(t => (int)t).ToArray())
            .ToArray();
        var options = new SamplingOptions(NewTokens, Temperature: 0, UseKvCache: useKvCache);

        var first = Sampler.Generate(model, prompts, options, null); // warm-up
        int rounds = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            Sampler.Generate(model, prompts, options, null);
            rounds++;
        }
        while (clock.Elapsed.TotalSeconds < minimumSeconds);
        double seconds = clock.Elapsed.TotalSeconds;
        return new Result((double)rounds * Batch * NewTokens / seconds, rounds, seconds, first.Tokens[0]);
    }
}
