using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Training;
using static TrainingPipeline.Tests.Config.TestPlans;

namespace TrainingPipeline.Tests.Config;

/// <summary>The options of issue 13's RL fixes and the phase learning-rate schedule: validation and run identity.</summary>
public class RlAndPhaseScheduleOptionsTests
{
    private static PipelineSpec Load(string json) => SpecLoader.Load(json, "test.json", SpecLoaderTests.Catalogs).Single().Spec;

    [Theory]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"algorithm\": \"reinforce\", \"group_size\": 1, \"dynamic_sampling\": true", "$.rl.dynamic_sampling", "group_size ≥ 2")]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"dynamic_sampling\": true, \"dynamic_sampling_max_rounds\": 0", "$.rl.dynamic_sampling_max_rounds", "e.g. 8")]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"overlong_buffer\": 4", "$.rl.overlong_buffer", "set rl.overlong_penalty")]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"overlong_penalty\": 1, \"overlong_buffer\": 25", "$.rl.overlong_buffer", "max_new_tokens")]
    [InlineData("\"tokens\": 1000 }", "\"tokens\": 1000, \"lr_schedule\": \"hold_final\" }", "$.pretrain.phases[0].lr_schedule", "use rewarm")]
    [InlineData("\"tokens\": 2000 }", "\"tokens\": 2000, \"lr_schedule\": \"warm\" }", "$.pretrain.phases[1].lr_schedule", "hold_final")]
    public void ImpossibleOptionsNameTheirPathAndFix(string from, string to, string path, string fix)
    {
        Assert.Contains(from, SpecLoaderTests.Valid);
        var e = Assert.Throws<BadInputException>(() => Load(SpecLoaderTests.Valid.Replace(from, to)));
        Assert.Contains(path, e.Message);
        Assert.Contains(fix, e.Message);
    }

    [Fact]
    public void DynamicSamplingWithGroupsOfTwoOrMoreIsAccepted()
    {
        var spec = Load(SpecLoaderTests.Valid.Replace("\"steps\": 3", "\"steps\": 3, \"algorithm\": \"reinforce\", \"group_size\": 2, \"dynamic_sampling\": true"));
        Assert.True(spec.Rl!.DynamicSampling);
        Assert.Equal(8, spec.Rl.DynamicSamplingMaxRounds);
    }

    [Fact]
    public void TheDefaultRewarmKeepsPreTrainingRunIdsAndHoldFinalChangesOnlyItsPhase()
    {
        var rewarm = Plan(SpecLoaderTests.Valid);
        var explicitRewarm = Plan(SpecLoaderTests.Valid.Replace("\"tokens\": 2000 }", "\"tokens\": 2000, \"lr_schedule\": \"rewarm\" }"));
        var hold = Plan(SpecLoaderTests.Valid.Replace("\"tokens\": 2000 }", "\"tokens\": 2000, \"lr_schedule\": \"hold_final\" }"));
        Assert.Equal(rewarm.Runs.Select(r => r.Id), explicitRewarm.Runs.Select(r => r.Id));
        Assert.DoesNotContain("lr_schedule", rewarm.Runs[1].ConfigJson);
        Assert.Equal(rewarm.Runs[0].Id, hold.Runs[0].Id);
        Assert.NotEqual(rewarm.Runs[1].Id, hold.Runs[1].Id);
        Assert.Contains("\"phase_lr_schedule\":\"hold_final\"", hold.Runs[1].ConfigJson);
    }

    [Fact]
    public void ALaterPhaseRewarmsToThePeakUnlessItHoldsTheFinalRate()
    {
        var training = new PretrainSection([], Lr: 0.01, MinLrRatio: 0.1, Schedule: LrScheduleKind.Cosine, WarmupSteps: 10);
        var rewarm = LrSchedule.ForPhase(training, PhaseLrSchedule.Rewarm, 100);
        Assert.Equal(0.001, rewarm.At(1), 12); // warmup starts again …
        Assert.Equal(0.01, rewarm.At(10), 12); // … up to the peak
        var hold = LrSchedule.ForPhase(training, PhaseLrSchedule.HoldFinal, 100);
        Assert.All(new long[] { 1, 10, 50, 100 }, step => Assert.Equal(0.001, hold.At(step), 12)); // where cosine ended
        var constant = LrSchedule.ForPhase(training with { Schedule = LrScheduleKind.Constant }, PhaseLrSchedule.HoldFinal, 100);
        Assert.Equal(0.01, constant.At(1), 12);
    }

    [Fact]
    public void ClosedOptionsAreReadAsTypedEnumsAndKeepTheirSpellingInTheRunConfig()
    {
        string json = SpecLoaderTests.Valid
            .Replace("\"steps\": 3", "\"steps\": 3, \"algorithm\": \"rloo\", \"loss_aggregation\": \"constant\"")
            .Replace("\"batch_size\": 4", "\"batch_size\": 4, \"schedule\": \"wsd\"")
            .Replace("\"tokens\": 2000 }", "\"tokens\": 2000, \"lr_schedule\": \"hold_final\" }");
        var spec = Load(json);
        Assert.Equal(TrainingPipeline.RL.RlAlgorithm.Rloo, spec.Rl!.Algorithm);
        Assert.Equal(TrainingPipeline.RL.LossAggregation.Constant, spec.Rl.LossAggregation);
        Assert.Equal(LrScheduleKind.Wsd, spec.Pretrain!.Schedule);
        Assert.Equal(PhaseLrSchedule.HoldFinal, spec.Pretrain.Phases[1].LrSchedule);
        var plan = Plan(json);
        Assert.Contains("\"schedule\":\"wsd\"", plan.Runs[0].ConfigJson);
        Assert.Contains("\"algorithm\":\"rloo\"", plan.Runs[^1].ConfigJson);
        Assert.Contains("\"loss_aggregation\":\"constant\"", plan.Runs[^1].ConfigJson);
    }
}
