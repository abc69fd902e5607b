using TrainingPipeline.Config;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>Runs the analysis stage on a pipeline's results once its runs are done.</summary>
internal static class AnalysisHook
{
    public static void Run(RunEnvironment env, AnalysisSection analysis)
    {
        NoteUnfinishedRuns(env.ResultsRoot, Console.Out);
        var summary = TrainingPipeline.Analysis.AnalysisStage.Run(env.ResultsRoot, Path.Combine(env.Output, "analysis"),
            Options(analysis), Console.Out);
        Console.WriteLine(summary.ToTable());
    }

    /// <summary>The analysis stage's options from a pipeline's <c>analysis</c> section.</summary>
    public static TrainingPipeline.Analysis.AnalysisOptions Options(AnalysisSection analysis) =>
        new(analysis.Bootstrap, analysis.Seed, analysis.BacktestFraction, EarlyComputeFraction: analysis.DiscardBelow);

    /// <summary>
    /// Says which runs of the dataset are not completed, before an analysis covers them: with folders shared by
    /// concurrent invocations (a sweep), whichever finishes first analyses the others' runs mid-training. A run
    /// marked <c>running</c> is being trained by another invocation, or its process was killed.
    /// </summary>
    public static void NoteUnfinishedRuns(string resultsRoot, TextWriter log)
    {
        if (!Directory.Exists(resultsRoot)) return;
        var unfinished = ResultsReader.ReadRuns(resultsRoot).Where(r => r.Status != RunStatus.Completed).ToList();
        if (unfinished.Count == 0) return;
        log.WriteLine($"note: the analysis covers {unfinished.Count} run(s) not completed, with the rows they have stored so far: " +
            string.Join(", ", unfinished.Select(r => $"{r.RunId} ({r.Stage}, {RunStatuses.Name(r.Status)})")) +
            ". A run marked running is being trained by another invocation, or was killed; re-run the analysis " +
            "(analyze run <pipeline>) once every run is completed.");
    }
}
