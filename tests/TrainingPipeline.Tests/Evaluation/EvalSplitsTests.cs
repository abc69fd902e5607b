using TrainingPipeline.Config;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.Evaluation;

/// <summary>A family's split label from what the run trained on (src/TrainingPipeline/Evaluation/EvalSplits.cs).</summary>
public sealed class EvalSplitsTests
{
    private static readonly RlSection Rl = new(new Dictionary<string, double> { ["addition"] = 1, ["category:code"] = 1 })
    {
        Difficulty = 2,
        Steps = 100,
        HeldOutTasks = ["modular-arithmetic", "code-repair"],
        UnrewardedTasks = ["sorting"],
    };

    private static readonly HashSet<string> Pretrained = ["addition", "sorting", "list-ops"];

    [Theory]
    [InlineData("addition", 2, ResultTables.InDistribution)]
    [InlineData("addition", 3, ResultTables.OtherDifficulty)]        // rewarded, but never at this level
    [InlineData("code-trace", 2, ResultTables.InDistribution)]       // through category:code
    [InlineData("code-repair", 2, ResultTables.HeldOut)]             // held out of the category
    [InlineData("modular-arithmetic", 2, ResultTables.HeldOut)]
    [InlineData("sorting", 2, ResultTables.Unrewarded)]              // pre-trained, not rewarded
    [InlineData("list-ops", 2, ResultTables.Unrewarded)]             // named only with eval --tasks: the lineage decides
    [InlineData("string-ops", 2, ResultTables.Untrained)]            // in no training data of the run, not declared held out
    public void LabelsFollowWhatTheRunTrainedOn(string family, int difficulty, string expected) =>
        Assert.Equal(expected, EvalSplits.Of(TaskRegistry.Get(family), difficulty, Rl, Pretrained));

    [Fact]
    public void WithoutAnRlSectionNothingIsRewarded()
    {
        Assert.Equal(ResultTables.Unrewarded, EvalSplits.Of(TaskRegistry.Get("addition"), 2, null, Pretrained));
        Assert.Equal(ResultTables.Untrained, EvalSplits.Of(TaskRegistry.Get("string-ops"), 2, null, Pretrained));
    }

    [Fact]
    public void ACurriculumRewardsEveryLevelItTrainsAtWithinTheRun()
    {
        // Level 1 until step 10, then 3; a point after the last step never trains.
        var rl = Rl with { Difficulty = 1, DifficultySchedule = [new(10, 3), new(100, 4)], Steps = 99 };
        Assert.Equal([1, 3], EvalSplits.RewardedDifficulties(rl, maxDifficulty: 8).Order());
        Assert.Equal(ResultTables.InDistribution, EvalSplits.Of(TaskRegistry.Get("addition"), 3, rl, Pretrained));
        Assert.Equal(ResultTables.OtherDifficulty, EvalSplits.Of(TaskRegistry.Get("addition"), 2, rl, Pretrained));
        // A schedule that starts at step 0 replaces the base level from the first step on.
        var fromStart = Rl with { Difficulty = 1, DifficultySchedule = [new(0, 2)] };
        Assert.Equal(ResultTables.OtherDifficulty, EvalSplits.Of(TaskRegistry.Get("addition"), 1, fromStart, Pretrained));
    }
}
