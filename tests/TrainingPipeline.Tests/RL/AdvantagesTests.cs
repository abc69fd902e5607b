using TrainingPipeline.RL;

namespace TrainingPipeline.Tests.RL;

public class AdvantagesTests
{
    private static readonly double[] Rewards = { 1, 0, 0, 1, /* group 2 */ 0, 0, 0, 0 };

    [Fact]
    public void GrpoDividesByTheGroupsSampleStd()
    {
        var a = new GroupRelativeAdvantages(scaleByStd: true, epsilon: 0).Estimate(Rewards, 4);
        // Group 1: mean 0.5, sample std sqrt(4·0.25/3) = 0.57735; group 2 has no signal.
        double s = Math.Sqrt(1.0 / 3);
        Assert.Equal(new[] { 0.5 / s, -0.5 / s, -0.5 / s, 0.5 / s, 0, 0, 0, 0 }, a, new Tolerance(1e-12));
    }

    [Fact]
    public void BatchNormalisationCentresByGroupAndScalesByTheWholeBatchsStd()
    {
        // Groups [1, 0] and [1, 1]: batch mean 0.75, sample std of all four sqrt((3·0.0625 + 0.5625)/3) = 0.5. Group means
        // 0.5 and 1 → (0.5, −0.5, 0, 0) / 0.5. Per-group scaling would give ±0.5 / 0.7071 instead.
        var a = new BatchNormalizedGroupAdvantages(epsilon: 0).Estimate([1, 0, 1, 1], 2);
        Assert.Equal(new[] { 1.0, -1.0, 0, 0 }, a, new Tolerance(1e-12));
        Assert.NotEqual(a[0], new GroupRelativeAdvantages(scaleByStd: true, epsilon: 0).Estimate([1, 0, 1, 1], 2)[0], 6);
        // A batch whose rewards all agree has no signal: 0, never 0/0.
        Assert.All(new BatchNormalizedGroupAdvantages().Estimate([1, 1, 1, 1], 2), x => Assert.Equal(0, x));
    }

    [Fact]
    public void GrpoReadsTheAdvantageNormalisationFromTheSection()
    {
        var rl = new TrainingPipeline.Config.RlSection(new Dictionary<string, double> { ["addition"] = 1 });
        Assert.IsType<GroupRelativeAdvantages>(RlAlgorithms.AdvantagesFor(rl));
        Assert.IsType<BatchNormalizedGroupAdvantages>(RlAlgorithms.AdvantagesFor(rl with
        {
            AdvantageNormalization = TrainingPipeline.Config.AdvantageNormalization.Batch,
        }));
    }

    [Fact]
    public void DrGrpoOnlyCentres()
    {
        var a = new GroupRelativeAdvantages(scaleByStd: false).Estimate(Rewards, 4);
        Assert.Equal(new[] { 0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0 }, a, new Tolerance(1e-12));
    }

    [Fact]
    public void RlooSubtractsTheMeanOfTheOthers()
    {
        var a = new LeaveOneOutAdvantages().Estimate(new double[] { 1, 0, 0, 0 }, 4);
        Assert.Equal(new[] { 1.0, -1.0 / 3, -1.0 / 3, -1.0 / 3 }, a, new Tolerance(1e-12));
    }

    [Fact]
    public void ReinforceSubtractsTheBatchMean()
    {
        var a = new BatchMeanAdvantages().Estimate(Rewards, 4);
        Assert.Equal(Rewards.Select(r => r - 0.25), a, new Tolerance(1e-12));
    }

    [Fact]
    public void DynamicSamplingKeepsOnlyGroupsWithDifferentRewards()
    {
        Assert.Equal(new[] { 0 }, Advantages.GroupsWithSignal(Rewards, 4));
        Assert.Equal(new[] { 0, 1 }, Advantages.GroupsWithSignal(new double[] { 1, 0, 0.5, 0.5, 0.2, 0.5 }, 3));
    }

    [Theory]
    [InlineData(10, 0, 1, 0.0)]
    [InlineData(10, 10, 5, 1.0)]
    [InlineData(10, 3, 1, 0.3)]
    [InlineData(4, 1, 2, 0.5)]       // 1 − C(3,2)/C(4,2) = 1 − 3/6
    [InlineData(8, 2, 4, 1 - 15.0 / 70)] // 1 − C(6,4)/C(8,4)
    public void PassAtKIsTheUnbiasedEstimator(int n, int c, int k, double expected) =>
        Assert.Equal(expected, Advantages.PassAtK(n, c, k), 12);

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
