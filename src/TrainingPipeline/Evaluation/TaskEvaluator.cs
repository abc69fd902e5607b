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
    double? Temperature = null, int? MaxNewTokens = null, int? Difficulty = null, int? Shots = null)
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
        Shots = Shots,
        WrittenAt = DateTime.UtcNow,
    };
}

/// <summary>
/// How to evaluate: distinct problems per family, difficulty, completions sampled per problem (n of Chen et al. 2021),
/// the k of pass@k (k ≤ n), and whether to also decode greedily. <paramref name="ProblemSide"/> is the side of the
/// family's problem space scored: <c>eval</c> (always, for every generalisation measure) or <c>train</c> (problems
/// training draws from: the in-distribution score RL optimises, like for like with its training reward; rows are
/// labelled <c>train_problems</c>). <paramref name="Shots"/> solved train-split problems of the same family precede
/// each prompt (in-context examples). <paramref name="MorePassK"/> adds pass@k rows for further k's beside
/// <paramref name="PassK"/> (e.g. 1…64 for a pass@k curve).
/// </summary>
public sealed record TaskEvalOptions(int Problems, int Difficulty, int Samples, int PassK, int MaxNewTokens, double Temperature, long Seed,
    bool Greedy = true, ProblemSplit ProblemSide = ProblemSplit.Eval, int Shots = 0, IReadOnlyList<int>? MorePassK = null)
{
    /// <summary>Every k of pass@k to report (k ≥ 2; k = 1 is pass@1), ascending, without repeats.</summary>
    public IReadOnlyList<int> PassKs => [.. new[] { PassK }.Concat(MorePassK ?? []).Where(k => k >= 2).Distinct().Order()];

    /// <summary>The largest k asked for: it needs at least as many samples per problem.</summary>
    public int LargestK => Math.Max(PassK, MorePassK is { Count: > 0 } more ? more.Max() : 0);
}

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
        if (options.LargestK > options.Samples)
            throw new ArgumentException($"pass@{options.LargestK} needs at least {options.LargestK} samples per problem, got {options.Samples}");
        var codec = new TaskCodec(tokenizer);
        var problems = Problems(family, options);
        int samples = options.Samples;
        var greedy = new double[problems.Count];
        var correct = new int[problems.Count];
        using var rng = new Generator((ulong)ProblemSeed(options.Seed, family.Name, -1));
        // All problems are generated together, in batches (Sampler), each prompt prefilled once for all its samples.
        var prompts = EncodePrompts(family, tokenizer, problems, options);
        if (ContextProblem(family, prompts, options, model.Config.ContextLength) is { } tooLong)
            throw new InvalidOperationException($"{tooLong.Problem}; {tooLong.Fix}");
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
        var metrics = SampledMetrics(family.Name, correct, samples, options.PassKs)
            .Select(m => m with { Temperature = options.Temperature, MaxNewTokens = options.MaxNewTokens, Difficulty = difficulty, Shots = options.Shots })
            .ToList();
        if (options.Greedy)
            metrics.Add(Summarize(family.Name, GreedyAccuracy, greedy, 1) with { Temperature = 0, MaxNewTokens = options.MaxNewTokens, Difficulty = difficulty, Shots = options.Shots });
        return metrics;
    }

    /// <summary>
    /// The prompt of problem <paramref name="index"/>: its own prompt, after <see cref="TaskEvalOptions.Shots"/> solved
    /// examples when asked for. Each example is a train-split problem of the same family and difficulty with its
    /// reference solution, as a pre-training document writes it (prompt + solution), ended by a blank line, the
    /// separator generation stops at (<see cref="TaskCodec.StopSequences"/>). Examples differ from problem to problem
    /// (drawn from the problem's own seed); as in training corpora, none states an eval problem in a worked step, and
    /// none is the problem asked (or its equivalent).
    /// </summary>
    public static string PromptText(ITaskFamily family, TaskProblem problem, int index, TaskEvalOptions options)
    {
        if (options.Shots == 0) return problem.Prompt;
        int difficulty = Math.Min(options.Difficulty, family.MaxDifficulty);
        var asked = ProblemKeys.Key(problem);
        var keys = new HashSet<string>(StringComparer.Ordinal) { asked };
        var examples = new List<string>(options.Shots);
        var seed = SplitMix64.Combine(ProblemSeed(options.Seed, family.Name, 1), index);
        for (int draw = 0; examples.Count < options.Shots; draw++)
        {
            if (draw == ProblemSplits.MaxDrawsWithoutNew)
                throw new BadInputException("evaluation", "--shots",
                    $"task family '{family.Name}' at difficulty {difficulty} has fewer than {options.Shots} train-split problems to show besides the one asked",
                    "use fewer --shots or a higher difficulty");
            var example = ProblemSplits.Generate(family, SplitMix64.Combine(seed, draw), difficulty, ProblemSplit.Train);
            var text = (example.Prompt + example.Solution).TrimEnd('\n') + "\n\n";
            if (keys.Add(ProblemKeys.Key(example)) && !ProblemSplits.StatesAnEvalProblem(text)) examples.Add(text);
        }
        return string.Concat(examples) + problem.Prompt;
    }

    /// <summary>The token ids of every problem's prompt (<see cref="PromptText"/>), in order.</summary>
    public static int[][] EncodePrompts(ITaskFamily family, ITextTokenizer tokenizer, IReadOnlyList<TaskProblem> problems, TaskEvalOptions options) =>
        [.. problems.Select((p, i) => tokenizer.Encode(PromptText(family, p, i, options)))];

    /// <summary>
    /// Why these prompts cannot be evaluated in a context of <paramref name="contextLength"/>, or null. A prompt that
    /// leaves no room in the context cannot be answered: scoring it 0 would make pass@1 fall with prompt length for
    /// reasons that are not the model's, so it is an error, as in the RL stage. With in-context examples the whole
    /// completion must fit too: a sliding window would silently drop the first examples.
    /// </summary>
    public static (string Problem, string Fix)? ContextProblem(ITaskFamily family, IReadOnlyList<int[]> prompts, TaskEvalOptions options,
        int contextLength)
    {
        int longest = prompts.Max(p => p.Length);
        if (options.Shots == 0 && longest >= contextLength)
            return ($"a {family.Name} evaluation prompt of {longest} tokens does not fit the context of {contextLength}",
                "use a longer model.context_length or a lower rl.difficulty");
        if (options.Shots > 0 && longest + options.MaxNewTokens > contextLength)
            return ($"a {family.Name} evaluation prompt with {options.Shots} solved examples is {longest} tokens, " +
                $"which with {options.MaxNewTokens} new tokens exceeds the context of {contextLength}",
                "use fewer --shots, a lower --max-new-tokens or difficulty, or a model with a longer context_length");
        return null;
    }

    private static bool Solves(ITaskFamily family, TaskProblem problem, TaskCodec codec, int[] completion) =>
        family.Score(problem, codec.DecodeCompletion(completion)).Reward >= 1;

    /// <summary>
    /// pass@1 and (k ≥ 2) pass@k from per-problem counts of correct completions out of <paramref name="samples"/>:
    /// per problem c/n and the unbiased 1 − C(n−c, k)/C(n, k), then the mean over problems with its standard error
    /// over problems (sample standard deviation / √problems). The evaluator's own aggregation.
    /// </summary>
    public static List<TaskMetric> SampledMetrics(string family, IReadOnlyList<int> correct, int samples, int passK) =>
        SampledMetrics(family, correct, samples, [passK]);

    /// <summary>pass@1 and pass@k for each k ≥ 2 of <paramref name="passKs"/>, from the same per-problem counts.</summary>
    public static List<TaskMetric> SampledMetrics(string family, IReadOnlyList<int> correct, int samples, IReadOnlyList<int> passKs)
    {
        var passAt1 = correct.Select(c => (double)c / samples).ToArray();
        var metrics = new List<TaskMetric> { Summarize(family, PassAt1, passAt1, samples) };
        // pass@1 is the k = 1 case of the same estimator: one row per metric name.
        foreach (var k in passKs.Where(k => k > 1).Distinct().Order())
            metrics.Add(Summarize(family, $"pass@{k}", [.. correct.Select(c => Advantages.PassAtK(samples, c, k))], samples));
        return metrics;
    }

    /// <summary>The distinct problems an evaluation with these options scores, in order: eval-split problems unless
    /// the options ask for the train side.</summary>
    public static IReadOnlyList<TaskProblem> Problems(ITaskFamily family, TaskEvalOptions options, string source = "evaluation",
        string field = "eval_problems") =>
        ProblemSplits.DrawDistinct(family, ProblemSeed(options.Seed, family.Name, 0), Math.Min(options.Difficulty, family.MaxDifficulty),
            options.ProblemSide, options.Problems, source, field);

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
