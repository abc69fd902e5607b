using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Model;
using TrainingPipeline.Tasks;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Evaluation;

public sealed class TaskEvaluatorTests
{
    [Theory]
    [InlineData(1, new[] { "pass@1", "pass@1_sampled" })]
    [InlineData(3, new[] { "pass@1", "pass@1_sampled", "pass@3" })]
    public void MetricNamesAreDistinctSoEachIsOneRowOfTheEvalsTable(int k, string[] expected)
    {
        manual_seed(1);
        using var model = new Gpt(new ModelConfig(1, 2, 16, 32, ByteTokenizer.Instance.VocabSize));
        var metrics = TaskEvaluator.Evaluate(model, ByteTokenizer.Instance, TaskRegistry.Get("addition"),
            new TaskEvalOptions(Problems: 2, Difficulty: 1, PassK: k, MaxNewTokens: 3, Temperature: 1.0, Seed: 3), CPU);
        Assert.Equal(expected, metrics.Select(m => m.Metric));
        Assert.All(metrics, m => Assert.Equal(2, m.N));
    }
}
