using TrainingPipeline.Pipeline;

namespace TrainingPipeline.Tests.Pipeline;

public class RunOutcomesTests
{
    /// <summary>The words the runs table prints (and scripts read) stay what they were when outcomes were strings.</summary>
    [Theory]
    [InlineData(RunOutcomeKind.Completed, "completed")]
    [InlineData(RunOutcomeKind.Skipped, "skipped")]
    [InlineData(RunOutcomeKind.Locked, "locked")]
    [InlineData(RunOutcomeKind.Planned, "planned")]
    public void EachOutcomePrintsItsFormerWord(RunOutcomeKind outcome, string printed) => Assert.Equal(printed, RunOutcomes.Name(outcome));

    [Fact]
    public void EveryOutcomeIsPinnedAbove() => Assert.Equal(4, Enum.GetValues<RunOutcomeKind>().Length);
}
