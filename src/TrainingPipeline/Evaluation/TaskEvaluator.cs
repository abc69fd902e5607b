using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;
using TrainingPipeline.Training;
using static TorchSharp.torch;

namespace TrainingPipeline.Evaluation;

/// <summary>One metric on one task family.</summary>
public sealed record TaskMetric(string Family, string Metric, double Value, long N, double Stderr)
{
    /// <summary>This metric as an <c>evals</c> row of a run at <paramref name="step"/>, with the run's FLOPs so far.</summary>
    public EvalRecord ToRecord(string stage, long step, TrainingState state, string split) => new()
    {
        Stage = stage,
        Step = step,
        Flops = state.ParentFlops + state.RunFlops,
        RunFlops = state.RunFlops,
        EvalSet = Family,
        Split = split,
        Metric = Metric,
        Value = Value,
        N = N,
        Stderr = Stderr,
        WrittenAt = DateTime.UtcNow,
    };
}

/// <summary>How to evaluate: problems per family, difficulty, samples per problem for pass@k.</summary>
public sealed record TaskEvalOptions(int Problems, int Difficulty, int PassK, int MaxNewTokens, double Temperature, long Seed);

/// <summary>
/// Task accuracy of a model on gym families: pass@1 with greedy decoding, and from n = 2k samples per problem the
/// mean per-sample accuracy (pass@1_sampled) and, for k ≥ 2, the unbiased pass@k estimator. Evaluation problems come
/// from their own seed stream, so they are the same at every step and for every run with the same seed.
/// </summary>
public static class TaskEvaluator
{
    public static IReadOnlyList<TaskMetric> Evaluate(Gpt model, ITextTokenizer tokenizer, ITaskFamily family, TaskEvalOptions options, Device device)
    {
        var codec = new TaskCodec(tokenizer);
        var problems = Enumerable.Range(0, options.Problems)
            .Select(i => family.Generate(ProblemSeed(options.Seed, family.Name, i), Math.Min(options.Difficulty, family.MaxDifficulty)))
            .ToList();
        int samples = 2 * options.PassK;
        var greedy = new double[problems.Count];
        var sampledMean = new double[problems.Count];
        var passK = new double[problems.Count];
        using var rng = new Generator((ulong)ProblemSeed(options.Seed, family.Name, -1));
        for (int i = 0; i < problems.Count; i++)
        {
            var prompt = codec.EncodePrompt(problems[i]);
            int room = Math.Min(options.MaxNewTokens, model.Config.ContextLength - prompt.Length);
            if (room <= 0) continue; // a prompt longer than the context scores 0
            var greedyOut = Sampler.Generate(model, new[] { prompt },
                new SamplingOptions(room, Temperature: 0, StopSequences: codec.StopSequences), null);
            greedy[i] = family.Score(problems[i], codec.DecodeCompletion(greedyOut.Tokens[0])).Reward >= 1 ? 1 : 0;
            var sampled = Sampler.Generate(model, Enumerable.Repeat(prompt, samples).ToList(),
                new SamplingOptions(room, Temperature: options.Temperature, StopSequences: codec.StopSequences), rng);
            int correct = sampled.Tokens.Count(t => family.Score(problems[i], codec.DecodeCompletion(t)).Reward >= 1);
            sampledMean[i] = (double)correct / samples;
            passK[i] = Advantages.PassAtK(samples, correct, options.PassK);
            FaultInjection.At(FaultInjection.Sites.EvalTask);
        }
        var metrics = new List<TaskMetric>
        {
            Summarize(family.Name, "pass@1", greedy),
            Summarize(family.Name, "pass@1_sampled", sampledMean),
        };
        // With k = 1 the unbiased estimator is the sampled accuracy itself, and a row named pass@1 would collide with
        // the greedy one (same key in the evals table): write pass@k for k ≥ 2 only.
        if (options.PassK > 1) metrics.Add(Summarize(family.Name, $"pass@{options.PassK}", passK));
        return metrics;
    }

    /// <summary>A problem seed from a stream that training never draws from.</summary>
    public static long ProblemSeed(long seed, string family, int index) =>
        SplitMix64.Combine(SplitMix64.Combine(seed ^ 0x45564C /* "EVL" */, (long)StableHash.Fnv1a64(family)), index);

    private static TaskMetric Summarize(string family, string metric, double[] values)
    {
        double mean = values.Average();
        double stderr = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
        return new TaskMetric(family, metric, mean, values.Length, stderr);
    }
}
