using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;
using TrainingPipeline.Training;
using static TorchSharp.torch;

namespace TrainingPipeline.Evaluation;

/// <summary>
/// One metric on one task family: the mean over <paramref name="N"/> problems, its standard error over problems, and
/// how many completions were sampled per problem (null for metrics that are not per-problem samples).
/// </summary>
public sealed record TaskMetric(string Family, string Metric, double Value, long N, double Stderr, long? SamplesPerProblem = null)
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
        SamplesPerProblem = SamplesPerProblem,
        WrittenAt = DateTime.UtcNow,
    };
}

/// <summary>
/// How to evaluate: distinct eval-split problems per family, difficulty, completions sampled per problem (n of
/// Chen et al. 2021), the k of pass@k (k ≤ n), and whether to also decode greedily.
/// </summary>
public sealed record TaskEvalOptions(int Problems, int Difficulty, int Samples, int PassK, int MaxNewTokens, double Temperature, long Seed,
    bool Greedy = true);

/// <summary>
/// Task accuracy of a model on gym families, with the literature's names: <c>pass@1</c> is the unbiased estimate from
/// n sampled completions per problem (the mean of c/n, Chen et al. 2021), <c>pass@k</c> (k ≥ 2) the unbiased
/// 1 − C(n−c, k)/C(n, k), and <c>greedy_accuracy</c> the accuracy of greedy decoding. Problems are distinct problems
/// of the family's <c>eval</c> split (<see cref="ProblemSplits"/>), drawn without replacement in an order fixed by the
/// seed, so they are the same at every step and never a training problem.
/// </summary>
public static class TaskEvaluator
{
    public const string PassAt1 = "pass@1";
    public const string GreedyAccuracy = "greedy_accuracy";

    public static IReadOnlyList<TaskMetric> Evaluate(Gpt model, ITextTokenizer tokenizer, ITaskFamily family, TaskEvalOptions options, Device device)
    {
        if (options.PassK > options.Samples)
            throw new ArgumentException($"pass@{options.PassK} needs at least {options.PassK} samples per problem, got {options.Samples}");
        var codec = new TaskCodec(tokenizer);
        var problems = Problems(family, options);
        int samples = options.Samples;
        var greedy = new double[problems.Count];
        var passAt1 = new double[problems.Count];
        var passK = new double[problems.Count];
        using var rng = new Generator((ulong)ProblemSeed(options.Seed, family.Name, -1));
        for (int i = 0; i < problems.Count; i++)
        {
            var prompt = codec.EncodePrompt(problems[i]);
            int room = Math.Min(options.MaxNewTokens, model.Config.ContextLength - prompt.Length);
            if (room <= 0) continue; // a prompt longer than the context scores 0
            if (options.Greedy)
            {
                var greedyOut = Sampler.Generate(model, new[] { prompt },
                    new SamplingOptions(room, Temperature: 0, StopSequences: codec.StopSequences), null);
                greedy[i] = family.Score(problems[i], codec.DecodeCompletion(greedyOut.Tokens[0])).Reward >= 1 ? 1 : 0;
            }
            var sampled = Sampler.Generate(model, Enumerable.Repeat(prompt, samples).ToList(),
                new SamplingOptions(room, Temperature: options.Temperature, StopSequences: codec.StopSequences), rng);
            int correct = sampled.Tokens.Count(t => family.Score(problems[i], codec.DecodeCompletion(t)).Reward >= 1);
            passAt1[i] = (double)correct / samples;
            passK[i] = Advantages.PassAtK(samples, correct, options.PassK);
            FaultInjection.At(FaultInjection.Sites.EvalTask);
        }
        var metrics = new List<TaskMetric> { Summarize(family.Name, PassAt1, passAt1, samples) };
        // pass@1 is the k = 1 case of the same estimator: one row per metric name.
        if (options.PassK > 1) metrics.Add(Summarize(family.Name, $"pass@{options.PassK}", passK, samples));
        if (options.Greedy) metrics.Add(Summarize(family.Name, GreedyAccuracy, greedy, 1));
        return metrics;
    }

    /// <summary>The distinct eval-split problems an evaluation with these options scores, in order.</summary>
    public static IReadOnlyList<TaskProblem> Problems(ITaskFamily family, TaskEvalOptions options, string source = "evaluation",
        string field = "eval_problems") =>
        ProblemSplits.DrawDistinct(family, ProblemSeed(options.Seed, family.Name, 0), Math.Min(options.Difficulty, family.MaxDifficulty),
            ProblemSplit.Eval, options.Problems, source, field);

    /// <summary>A seed from a stream that training never draws from (the split, not the stream, keeps them apart).</summary>
    public static long ProblemSeed(long seed, string family, int index) =>
        SplitMix64.Combine(SplitMix64.Combine(seed ^ 0x45564C /* "EVL" */, (long)StableHash.Fnv1a64(family)), index);

    private static TaskMetric Summarize(string family, string metric, double[] values, long samplesPerProblem)
    {
        double mean = values.Average();
        double stderr = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
        return new TaskMetric(family, metric, mean, values.Length, stderr, samplesPerProblem);
    }
}
