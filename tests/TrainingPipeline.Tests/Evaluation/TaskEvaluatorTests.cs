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
}
