using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Evaluation;

public sealed class TaskEvaluatorTests
{
    [Theory]
    [InlineData(1, new[] { "pass@1", "greedy_accuracy" })]
    [InlineData(3, new[] { "pass@1", "pass@3", "greedy_accuracy" })]
    public void MetricNamesAreTheLiteraturesAndEachRowCarriesItsSamplesPerProblem(int k, string[] expected)
    {
        manual_seed(1);
        using var model = new Gpt(new ModelConfig(1, 2, 16, 32, ByteTokenizer.Instance.VocabSize));
        var metrics = TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, TaskRegistry.Get("addition"),
            new TaskEvalOptions(Problems: 2, Difficulty: 1, Samples: 5, PassK: k, MaxNewTokens: 3, Temperature: 1.0, Seed: 3), CPU);
        Assert.Equal(expected, metrics.Select(m => m.Metric));
        Assert.All(metrics, m => Assert.Equal(2, m.N));
        Assert.Equal(5, metrics.Single(m => m.Metric == "pass@1").SamplesPerProblem);
        Assert.Equal(1, metrics.Single(m => m.Metric == "greedy_accuracy").SamplesPerProblem);
        Assert.Equal(5, metrics.Single(m => m.Metric == "pass@1").ToRecord(RunStage.Rl, 0, new TrainingPipeline.Training.TrainingState("r", 0, 0, 0, 0, 0, 0, null, "/tmp"), "in_distribution").SamplesPerProblem);
    }

    /// <summary>Addition's problems, scored by a coin a random model can win: a completion whose first character has an even code.</summary>
    private sealed class CoinFamily : ITaskFamily
    {
        private readonly ITaskFamily _addition = TaskRegistry.Get("addition");
        public List<(string Prompt, string Completion)> Scored { get; } = [];
        public string Name => "coin";
        public TaskCategory Category => TaskCategory.Math;
        public string Description => "test";
        public string PromptFormat => _addition.PromptFormat;
        public string AnswerFormat => "any";
        public int MaxDifficulty => _addition.MaxDifficulty;
        public TaskProblem Generate(long seed, int difficulty) => _addition.Generate(seed, difficulty);

        public Verdict Score(TaskProblem problem, string completion)
        {
            Scored.Add((problem.Prompt, completion));
            return completion.Length > 0 && completion[0] % 2 == 0 ? Verdict.Correct() : Verdict.Wrong();
        }
    }

    /// <summary>
    /// Issue 13 (referee item 7): pass@1 is sampled end to end. A fixed random model at T = 1 writes different
    /// completions for one prompt, and pass@1 differs from greedy accuracy; evaluating at T = 0 makes every sample the
    /// greedy completion (checked: this test fails with Temperature 0).
    /// </summary>
    [Fact]
    public void PassAt1SamplesAtTheTemperatureAndDiffersFromGreedyAccuracy()
    {
        manual_seed(5);
        using var model = new Gpt(new ModelConfig(1, 2, 16, 32, ByteTokenizer.Instance.VocabSize));
        var family = new CoinFamily();
        var metrics = TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, family,
            new TaskEvalOptions(Problems: 20, Difficulty: 2, Samples: 8, PassK: 1, MaxNewTokens: 4, Temperature: 1.0, Seed: 3), CPU);
        // Per problem: one greedy completion, then 8 samples.
        var samplesOfFirst = family.Scored.Skip(1).Take(8).Select(s => s.Completion).ToList();
        Assert.True(samplesOfFirst.Distinct().Count() > 1, "eight samples at T = 1 were identical: " + string.Join(" | ", samplesOfFirst));
        double passAt1 = metrics.Single(m => m.Metric == TaskEvaluator.PassAt1).Value;
        double greedy = metrics.Single(m => m.Metric == TaskEvaluator.GreedyAccuracy).Value;
        Assert.NotEqual(greedy, passAt1, 6);
        Assert.InRange(passAt1, 0.05, 0.95);
    }

    [Fact]
    public void EvaluationScoresDistinctEvalSplitProblemsOnly()
    {
        // Addition at difficulty 2 has 8,100 problems; 300 draws with replacement from the old seed stream repeated
        // problems and included training problems.
        var options = new TaskEvalOptions(Problems: 300, Difficulty: 2, Samples: 8, PassK: 4, MaxNewTokens: 3, Temperature: 1.0, Seed: 3);
        var problems = TaskEvaluator.Problems(TaskRegistry.Get("addition"), options);
        Assert.Equal(300, problems.Count);
        Assert.Equal(300, problems.Select(p => p.Prompt).Distinct().Count());
        Assert.All(problems, p => Assert.Equal(ProblemSplit.Eval, ProblemSplits.Of(p.Prompt)));
    }

    [Fact]
    public void PassAtKAggregationOverProblemsIsTheUnbiasedEstimatorAndItsStandardErrorOverProblems()
    {
        // c = {8, 0, 4} correct of n = 8 samples: per-problem pass@1 {1, 0, 0.5}, pass@4 {1, 0, 1 − C(4,4)/C(8,4)}.
        var metrics = TaskEvaluator.SampledMetrics("addition", [8, 0, 4], samples: 8, passK: 4);
        var passAt1 = metrics.Single(m => m.Metric == "pass@1");
        Assert.Equal(0.5, passAt1.Value, 12);
        Assert.Equal(0.5 / Math.Sqrt(3), passAt1.Stderr, 12); // sample sd 0.5 over 3 problems
        Assert.Equal(0.2887, passAt1.Stderr, 4);
        Assert.Equal((3L, 8L), (passAt1.N, passAt1.SamplesPerProblem!.Value));
        var passAt4 = metrics.Single(m => m.Metric == "pass@4");
        Assert.Equal((1 + 0 + 69.0 / 70) / 3, passAt4.Value, 12);
        Assert.Equal(["pass@1", "pass@4"], metrics.Select(m => m.Metric));
        Assert.Equal(["pass@1"], TaskEvaluator.SampledMetrics("addition", [8, 0, 4], samples: 8, passK: 1).Select(m => m.Metric));
    }

    [Fact]
    public void PassAtKAboveTheSamplesIsRefused()
    {
        using var model = new Gpt(new ModelConfig(1, 2, 16, 32, ByteTokenizer.Instance.VocabSize));
        Assert.Throws<ArgumentException>(() => TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, TaskRegistry.Get("addition"),
            new TaskEvalOptions(Problems: 2, Difficulty: 1, Samples: 2, PassK: 4, MaxNewTokens: 3, Temperature: 1.0, Seed: 3), CPU));
    }

    [Fact]
    public void AProblemWhosePromptFillsTheContextIsAnErrorNotAZero()
    {
        // Scoring an unanswerable prompt 0 would lower pass@1 with prompt length, not with the model.
        using var model = new Gpt(new ModelConfig(1, 2, 16, 8, ByteTokenizer.Instance.VocabSize));
        var error = Assert.Throws<InvalidOperationException>(() => TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, TaskRegistry.Get("addition"),
            new TaskEvalOptions(Problems: 2, Difficulty: 1, Samples: 2, PassK: 1, MaxNewTokens: 3, Temperature: 1.0, Seed: 3), CPU));
        Assert.Contains("does not fit the context of 8", error.Message);
    }

    private static TaskEvalOptions Options(int problems = 40, int shots = 0, ProblemSplit side = ProblemSplit.Eval) =>
        new(Problems: problems, Difficulty: 2, Samples: 4, PassK: 1, MaxNewTokens: 8, Temperature: 1.0, Seed: 3, ProblemSide: side, Shots: shots);

    [Fact]
    public void TrainSideProblemsAreDistinctTrainSplitProblemsNeverAnEvalOne()
    {
        var family = TaskRegistry.Get("addition");
        var train = TaskEvaluator.Problems(family, Options(problems: 300, side: ProblemSplit.Train));
        var eval = TaskEvaluator.Problems(family, Options(problems: 300));
        Assert.Equal(300, train.Select(ProblemKeys.Key).Distinct().Count());
        Assert.All(train, p => Assert.Equal(ProblemSplit.Train, ProblemSplits.Of(p)));
        Assert.Empty(train.Select(ProblemKeys.Key).Intersect(eval.Select(ProblemKeys.Key)));
    }

    [Fact]
    public void ShotsPrecedeThePromptWithSolvedTrainSplitProblemsThatNeverRepeatIt()
    {
        var family = TaskRegistry.Get("list-ops");
        var problems = TaskEvaluator.Problems(family, Options());
        Assert.Equal(problems[0].Prompt, TaskEvaluator.PromptText(family, problems[0], 0, Options()));
        var texts = problems.Select((p, i) => TaskEvaluator.PromptText(family, p, i, Options(shots: 3))).ToList();
        for (int i = 0; i < problems.Count; i++)
        {
            Assert.EndsWith("\n\n" + problems[i].Prompt, texts[i], StringComparison.Ordinal);
            // Three examples, each prompt + solution and a blank line: the separator generation stops at.
            var examples = texts[i][..^problems[i].Prompt.Length].Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, examples.Length);
            foreach (var example in examples)
            {
                var prompt = example[..(example.IndexOf('\n', StringComparison.Ordinal) + 1)];
                Assert.Equal(ProblemSplit.Train, ProblemSplits.Of(prompt));
                Assert.NotEqual(problems[i].Prompt, prompt);
                Assert.Contains("Answer: ", example, StringComparison.Ordinal);
            }
        }
        // Examples differ from problem to problem, and are the same on every call (fixed by the seed).
        Assert.True(texts.Select(t => t[..t.IndexOf("\n\n", StringComparison.Ordinal)]).Distinct().Count() > 30);
        Assert.Equal(texts, problems.Select((p, i) => TaskEvaluator.PromptText(family, p, i, Options(shots: 3))));
    }

    [Fact]
    public void EveryMetricRowOfAFewShotEvaluationSaysItsShots()
    {
        manual_seed(1);
        using var model = new Gpt(new ModelConfig(1, 2, 16, 128, ByteTokenizer.Instance.VocabSize));
        var metrics = TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, TaskRegistry.Get("list-ops"), Options(problems: 3, shots: 2), CPU);
        Assert.All(metrics, m => Assert.Equal(2, m.Shots));
        Assert.Equal(2, metrics[0].ToRecord(RunStage.Eval, 0, new TrainingPipeline.Training.TrainingState("r", 0, 0, 0, 0, 0, 0, null, "/tmp"), "held_out").Shots);
    }

    [Fact]
    public void FewShotPromptsMustLeaveRoomForTheWholeCompletion()
    {
        // A zero-shot list-ops prompt (about 20 bytes) fits 64 positions; with 4 examples the prompt and 8 new tokens do not.
        using var model = new Gpt(new ModelConfig(1, 2, 16, 64, ByteTokenizer.Instance.VocabSize));
        var family = TaskRegistry.Get("list-ops");
        Assert.NotEmpty(TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, family, Options(problems: 2), CPU));
        var error = Assert.Throws<InvalidOperationException>(() => TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, family, Options(problems: 2, shots: 4), CPU));
        Assert.Contains("with 4 solved examples", error.Message, StringComparison.Ordinal);
        Assert.Contains("use fewer --shots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralKsGiveOnePassAtKRowEachFromTheSameSamples()
    {
        var metrics = TaskEvaluator.SampledMetrics("addition", [8, 0, 4, 1], samples: 8, passKs: [8, 2, 4, 1, 2]);
        Assert.Equal(["pass@1", "pass@2", "pass@4", "pass@8"], metrics.Select(m => m.Metric));
        // pass@k rises with k, and pass@n is the share of problems solved at least once.
        Assert.True(metrics.Zip(metrics.Skip(1)).All(p => p.First.Value < p.Second.Value));
        Assert.Equal(0.75, metrics[^1].Value, 12);
        var options = Options() with { PassK = 4, MorePassK = [16, 2] };
        Assert.Equal([2, 4, 16], options.PassKs);
        Assert.Equal(16, options.LargestK);
    }
}
