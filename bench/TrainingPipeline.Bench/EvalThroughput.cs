using System.Diagnostics;
using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Model;
using TrainingPipeline.Tasks;
using static TorchSharp.torch;

namespace TrainingPipeline.Bench;

/// <summary>
/// Task evaluation through the pipeline's <see cref="TaskEvaluator"/> (<c>eval_S</c>): 512 distinct eval-split
/// addition problems at difficulty 3, each decoded greedily and sampled 8 times at temperature 1, with the RL stage's
/// default completion limit (<c>rl.max_new_tokens</c>, 24), on config S with the byte tokenizer's vocabulary (257) and
/// random weights; problems per second. Random weights rarely emit the stop sequence, so nearly every completion runs
/// to the limit: the most work an evaluation of these problems can cost.
/// </summary>
public static class EvalThroughput
{
    public const int Problems = 512;
    public const int Difficulty = 3;
    public const int Samples = 8;
    public const int PassK = 4;
    private const int WarmupProblems = 4;

    /// <summary>The RL stage's default completion limit, which its evaluations use.</summary>
    public static int MaxNewTokens => new RlSection(new Dictionary<string, double>()).MaxNewTokens;

    public sealed record Result(double ProblemsPerSecond, double Seconds, int Problems, double PassAt1, double GreedyAccuracy);

    public static Result Measure(AttentionKernel attention, int seed, Precision precision = Precision.Fp32)
    {
        manual_seed(seed);
        var config = BenchShape.S.Model(attention) with { VocabSize = ByteTokenizer.Instance.VocabSize };
        using var model = new Gpt(config, precision);
        var family = TaskRegistry.Get("addition");
        var options = new TaskEvalOptions(Problems, Difficulty, Samples, PassK, MaxNewTokens, Temperature: 1.0, Seed: seed, Greedy: true);

        TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, family, options with { Problems = WarmupProblems }, CPU);
        var clock = Stopwatch.StartNew();
        var metrics = TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, family, options, CPU);
        double seconds = clock.Elapsed.TotalSeconds;
        return new Result(Problems / seconds, seconds, Problems,
            metrics.Single(m => m.Metric == TaskEvaluator.PassAt1).Value, metrics.Single(m => m.Metric == TaskEvaluator.GreedyAccuracy).Value);
    }
}
