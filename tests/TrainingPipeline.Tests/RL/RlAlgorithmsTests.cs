using TrainingPipeline.Config;
using TrainingPipeline.RL;

namespace TrainingPipeline.Tests.RL;

public class RlAlgorithmsTests
{
    private static RlSection Rl(RlAlgorithm algorithm, bool scaleByStd = true) =>
        new(new Dictionary<string, double> { ["addition"] = 1 }, Algorithm: algorithm, ScaleByStd: scaleByStd);

    [Fact]
    public void EveryAlgorithmHasExactlyOneRegistration()
    {
        Assert.Equal(Enum.GetValues<RlAlgorithm>().Order(), RlAlgorithms.All.Select(d => d.Algorithm).Order());
    }

    [Theory]
    [InlineData(RlAlgorithm.Grpo, true, typeof(GroupRelativeAdvantages))]
    [InlineData(RlAlgorithm.Rloo, true, typeof(LeaveOneOutAdvantages))]
    [InlineData(RlAlgorithm.Reinforce, true, typeof(BatchMeanAdvantages))]
    public void TheOptionSelectsTheEstimator(RlAlgorithm algorithm, bool scaleByStd, Type expected)
    {
        Assert.IsType(expected, RlAlgorithms.AdvantagesFor(Rl(algorithm, scaleByStd)));
    }

    [Fact]
    public void GrpoReadsScaleByStdFromTheSection()
    {
        double[] rewards = [1, 0, 0, 1];
        var scaled = RlAlgorithms.AdvantagesFor(Rl(RlAlgorithm.Grpo, scaleByStd: true)).Estimate(rewards, 4);
        var centred = RlAlgorithms.AdvantagesFor(Rl(RlAlgorithm.Grpo, scaleByStd: false)).Estimate(rewards, 4);
        Assert.Equal(0.5, centred[0], 12);
        Assert.True(scaled[0] > 0.8, $"scaled advantage {scaled[0]} should be 0.5 / 0.577");
    }

    [Fact]
    public void TheGrpoFamilySharesTheClippedSurrogateWithTheSectionsSettings()
    {
        var rl = Rl(RlAlgorithm.Rloo) with { ClipHigh = 0.28, PromptsPerStep = 3, GroupSize = 5 };
        var objective = Assert.IsType<ClippedSurrogateObjective>(RlAlgorithms.ObjectiveFor(rl));
        Assert.Equal(0.28, objective.Options.ClipHigh);
        Assert.Equal(15, objective.Options.RolloutsPerStep);
    }

    [Theory]
    [InlineData(RlAlgorithm.Grpo, 2)]
    [InlineData(RlAlgorithm.Rloo, 2)]
    [InlineData(RlAlgorithm.Reinforce, 1)]
    public void TheRegistryStatesTheSmallestGroup(RlAlgorithm algorithm, int minGroup)
    {
        Assert.Equal(minGroup, RlAlgorithms.For(algorithm).MinGroupSize);
    }

    [Fact]
    public void NamesAreThePipelineFileSpelling()
    {
        Assert.Equal(["grpo", "rloo", "reinforce"], Enum.GetValues<RlAlgorithm>().Select(RlAlgorithms.Name));
    }
}
