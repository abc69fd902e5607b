using TrainingPipeline.Cli;
using TrainingPipeline.Config;

namespace TrainingPipeline.Tests.Cli;

public class AnalysisHookTests
{
    [Fact]
    public void ThePipelinesAnalysisSectionReachesTheAnalysisStage()
    {
        var options = AnalysisHook.Options(new AnalysisSection(Bootstrap: 50, Seed: 7, BacktestFraction: 0.23, DiscardBelow: 0.01));
        Assert.Equal((50, 7L, 0.23, 0.01), (options.Bootstrap, options.Seed, options.BacktestFraction, options.EarlyComputeFraction));
    }

    [Fact]
    public void WithoutDiscardBelowTheAnalysisStagesDefaultApplies() =>
        Assert.Equal(new TrainingPipeline.Analysis.AnalysisOptions().EarlyComputeFraction, AnalysisHook.Options(new AnalysisSection()).EarlyComputeFraction);
}
