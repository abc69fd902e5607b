using TrainingPipeline.Analysis.Reporting;

namespace TrainingPipeline.Analysis.Tests.Reporting;

public class TransferTableTests
{
    [Fact]
    public void BelowThreeRunsThereIsNoStandardError()
    {
        // Two seeds: a standard error from 2 values is not a run-level interval; say so instead of printing "± s.e.".
        var twoRuns = ReportComposer.MeanAndError([0.4, 0.6]);
        Assert.DoesNotContain("±", twoRuns);
        Assert.StartsWith("0.5", twoRuns);
        Assert.Contains("no run-level interval: n runs < 3 (have 2)", twoRuns);
        Assert.Contains("±", ReportComposer.MeanAndError([0.4, 0.5, 0.6]));
    }
}
