using TrainingPipeline.Config;
using TrainingPipeline.Pipeline;

namespace TrainingPipeline.Cli;

/// <summary>Runs the analysis stage on a pipeline's results once its runs are done.</summary>
internal static class AnalysisHook
{
    public static void Run(RunEnvironment env, AnalysisSection analysis)
    {
        var summary = TrainingPipeline.Analysis.AnalysisStage.Run(env.ResultsRoot, Path.Combine(env.Output, "analysis"),
            new TrainingPipeline.Analysis.AnalysisOptions(analysis.Bootstrap, analysis.Seed, analysis.BacktestFraction), Console.Out);
        Console.WriteLine(summary.ToTable());
    }
}
