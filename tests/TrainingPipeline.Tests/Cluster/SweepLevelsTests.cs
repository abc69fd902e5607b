using TrainingPipeline.Cluster;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Cluster;

public class SweepLevelsTests
{
    /// <summary>Each stage's runs go to the verb that trains only that stage; the verb names are the CLI's.</summary>
    [Fact]
    public void EachTrainingStageMapsToItsVerb()
    {
        var plan = TestPlans.Plan(SpecLoaderTests.Valid);
        Assert.Equal(["pretrain", "pretrain", "rl"], plan.Runs.Select(SweepLevels.VerbFor));
    }

    [Fact]
    public void TheEvalStageHasNoTrainingVerb()
    {
        var rl = TestPlans.Plan(SpecLoaderTests.Valid).Runs[^1];
        Assert.Throws<InvalidOperationException>(() => SweepLevels.VerbFor(rl with { Stage = Results.RunStage.Eval }));
    }
}
