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
/// how many completions were sampled per problem (null for metrics that are not per-problem samples). A task metric
/// also carries the settings behind it (temperature, 0 for greedy; completion-length limit; difficulty), so that a row
/// says how it was measured.
/// </summary>
public sealed record TaskMetric(string Family, string Metric, double Value, long N, double Stderr, long? SamplesPerProblem = null,
    double? Temperature = null, int? MaxNewTokens = null, int? Difficulty = null)
{
    /// <summary>This metric as an <c>evals</c> row of a run at <paramref name="step"/>, with the run's FLOPs so far.</summary>
    public EvalRecord ToRecord(RunStage stage, long step, TrainingState state, string split) => new()
    {
        Stage = stage.ToString(),
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
        Temperature = Temperature,
        MaxNewTokens = MaxNewTokens,
        Difficulty = Difficulty,
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
        var correct = new int[problems.Count];
        using var rng = new Generator((ulong)ProblemSeed(options.Seed, family.Name, -1));
        // All problems are generated together, in batches (Sampler), each prompt prefilled once for all its samples.
        var prompts = problems.Select(codec.EncodePrompt).ToArray();
        // A prompt that leaves no room in the context cannot be answered: scoring it 0 would make pass@1 fall with
        // prompt length for reasons that are not the model's, so it is an error, as in the RL stage.
        int longest = prompts.Max(p => p.Length);
        if (longest >= model.Config.ContextLength)
            throw new InvalidOperationException($"a {family.Name} evaluation prompt of {longest} tokens does not fit the context of " +
                $"{model.Config.ContextLength}; use a longer model.context_length or a lower rl.difficulty");
        if (options.Greedy)
        {
            var greedyOut = Sampler.Generate(model, prompts,
                new SamplingOptions(options.MaxNewTokens, Temperature: 0, StopSequences: codec.StopSequences), null);
            for (int i = 0; i < problems.Count; i++) greedy[i] = Solves(family, problems[i], codec, greedyOut.Tokens[i]) ? 1 : 0;
        }
        var sampled = Sampler.Generate(model, prompts,
            new SamplingOptions(options.MaxNewTokens, Temperature: options.Temperature, StopSequences: codec.StopSequences), rng, samples);
        for (int i = 0; i < problems.Count; i++)
            correct[i] = Enumerable.Range(i * samples, samples).Count(row => Solves(family, problems[i], codec, sampled.Tokens[row]));
        FaultInjection.At(FaultInjection.Sites.EvalTask);
        int difficulty = Math.Min(options.Difficulty, family.MaxDifficulty);
        var metrics = SampledMetrics(family.Name, correct, samples, options.PassK)
            .Select(m => m with { Temperature = options.Temperature, MaxNewTokens = options.MaxNewTokens, Difficulty = difficulty })
            .ToList();
        if (options.Greedy)
            metrics.Add(Summarize(family.Name, GreedyAccuracy, greedy, 1) with { Temperature = 0, MaxNewTokens = options.MaxNewTokens, Difficulty = difficulty });
        return metrics;
    }

    private static bool Solves(ITaskFamily family, TaskProblem problem, TaskCodec codec, int[] completion) =>
        family.Score(problem, codec.DecodeCompletion(completion)).Reward >= 1;

    /// <summary>
    /// pass@1 and (k ≥ 2) pass@k from per-problem counts of correct completions out of <paramref name="samples"/>:
    /// per problem c/n and the unbiased 1 − C(n−c, k)/C(n, k), then the mean over problems with its standard error
    /// over problems (sample standard deviation / √problems). The evaluator's own aggregation.
    /// </summary>
    public static List<TaskMetric> SampledMetrics(string family, IReadOnlyList<int> correct, int samples, int passK)
    {
        var passAt1 = correct.Select(c => (double)c / samples).ToArray();
        var metrics = new List<TaskMetric> { Summarize(family, PassAt1, passAt1, samples) };
        // pass@1 is the k = 1 case of the same estimator: one row per metric name.
        if (passK > 1) metrics.Add(Summarize(family, $"pass@{passK}", [.. correct.Select(c => Advantages.PassAtK(samples, c, passK))], samples));
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
