using System.Text.Json.Nodes;
using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using static TrainingPipeline.Tests.Config.TestPlans;

namespace TrainingPipeline.Tests.Config;

/// <summary>Issue 18: the ScaleRL recipe's options: validation and run identity.</summary>
public class ScaleRlOptionsTests
{
    private static PipelineSpec Load(string json) => SpecLoader.Load(json, "test.json", SpecLoaderTests.Catalogs).Single().Spec;

    private static string WithRl(string options) => SpecLoaderTests.Valid.Replace("\"steps\": 3", "\"steps\": 3, " + options);

    [Theory]
    [InlineData("\"loss\": \"ppo\"", "$.rl.loss", "")]
    [InlineData("\"cispo_max_ratio\": 4", "$.rl.cispo_max_ratio", "set rl.loss to \\\"cispo\\\"")]
    [InlineData("\"loss\": \"cispo\", \"cispo_max_ratio\": 1", "$.rl.cispo_max_ratio", "e.g. 4")]
    [InlineData("\"loss\": \"cispo\", \"cispo_max_ratio\": -2", "$.rl.cispo_max_ratio", "e.g. 4")]
    [InlineData("\"loss_aggregation\": \"prompts\"", "$.rl.loss_aggregation", "")]
    [InlineData("\"advantage_normalization\": \"batch\", \"algorithm\": \"rloo\"", "$.rl.advantage_normalization", "use rl.algorithm \\\"grpo\\\"")]
    [InlineData("\"advantage_normalization\": \"batch\", \"scale_by_std\": false", "$.rl.advantage_normalization", "scale_by_std to true")]
    [InlineData("\"zero_variance_filter\": true, \"algorithm\": \"reinforce\", \"group_size\": 2", "$.rl.zero_variance_filter", "\\\"rloo\\\"")]
    [InlineData("\"zero_variance_filter\": 1", "$.rl.zero_variance_filter", "")]
    [InlineData("\"drop_solved_threshold\": 0", "$.rl.drop_solved_threshold", "use 0.9")]
    [InlineData("\"drop_solved_threshold\": 1.5", "$.rl.drop_solved_threshold", "use 0.9")]
    public void ImpossibleOptionsNameTheirPathAndFix(string options, string path, string fix)
    {
        var e = Assert.Throws<BadInputException>(() => Load(WithRl(options)));
        Assert.Contains(path, e.Message);
        Assert.Contains(fix.Replace("\\\"", "\""), e.Message);
        Assert.Contains("test.json", e.Message);
    }

    [Fact]
    public void TheScaleRlRecipeAsDocumentedLoads()
    {
        var rl = Load(WithRl("\"loss\": \"cispo\", \"loss_aggregation\": \"prompt\", \"advantage_normalization\": \"batch\", " +
            "\"zero_variance_filter\": true, \"drop_solved_threshold\": 0.9")).Rl!;
        Assert.Equal(PolicyLossKind.Cispo, rl.Loss);
        Assert.Equal(RlSection.DefaultCispoMaxRatio, rl.EffectiveCispoMaxRatio);
        Assert.Equal(LossAggregation.Prompt, rl.LossAggregation);
        Assert.Equal(AdvantageNormalization.Batch, rl.AdvantageNormalization);
        Assert.True(rl.ZeroVarianceFilter);
        Assert.Equal(0.9, rl.DropSolvedThreshold);
    }

    [Fact]
    public void EveryOptionAtItsDefaultKeepsEveryIdAndIsAbsentFromTheConfig()
    {
        var plain = Plan(SpecLoaderTests.Valid);
        var explicitDefaults = Plan(WithRl("\"loss\": \"clipped_surrogate\", \"advantage_normalization\": \"group\", \"zero_variance_filter\": false"));
        Assert.Equal(plain.Runs.Select(r => r.Id), explicitDefaults.Runs.Select(r => r.Id));
        Assert.Equal(plain.Runs.Select(r => r.LegacyId), explicitDefaults.Runs.Select(r => r.LegacyId));
        foreach (var key in new[] { "\"loss\"", "cispo_max_ratio", "advantage_normalization", "zero_variance_filter", "drop_solved_threshold" })
            Assert.DoesNotContain(key, plain.Runs[^1].ConfigJson);
    }

    [Theory]
    [InlineData("\"loss\": \"cispo\"")]
    [InlineData("\"loss\": \"cispo\", \"cispo_max_ratio\": 5")]
    [InlineData("\"loss_aggregation\": \"prompt\"")]
    [InlineData("\"advantage_normalization\": \"batch\"")]
    [InlineData("\"zero_variance_filter\": true")]
    [InlineData("\"drop_solved_threshold\": 0.9")]
    public void EachOptionAwayFromItsDefaultChangesOnlyTheRlRunsId(string options)
    {
        var (a, b) = (Plan(SpecLoaderTests.Valid), Plan(WithRl(options)));
        for (int i = 0; i < a.Runs.Count; i++)
            Assert.Equal(a.Runs[i].Stage == RunStage.Rl, a.Runs[i].Id != b.Runs[i].Id);
        var identity = JsonNode.Parse(b.Runs[^1].ConfigJson)!["identity"]!["rl"]!.AsObject();
        Assert.Contains(identity, p => options.Contains($"\"{p.Key}\""));
    }

    [Fact]
    public void CispoWritesItsBoundResolvedSoTheDefaultAndAnExplicitFourAreOneRun()
    {
        var implicitBound = Plan(WithRl("\"loss\": \"cispo\""));
        var explicitBound = Plan(WithRl("\"loss\": \"cispo\", \"cispo_max_ratio\": 4"));
        Assert.Equal(implicitBound.Runs[^1].Id, explicitBound.Runs[^1].Id);
        var identity = JsonNode.Parse(implicitBound.Runs[^1].ConfigJson)!["identity"]!["rl"]!;
        Assert.Equal(4.0, (double)identity["cispo_max_ratio"]!);
    }
}
