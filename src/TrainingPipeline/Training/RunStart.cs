using TrainingPipeline.Config;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;

namespace TrainingPipeline.Training;

/// <summary>
/// What every stage does to its results before it trains a run. Resuming: the checkpoint must belong to these results
/// (or the folders were moved: <see cref="RunEnvironment.Relocated"/>) and the steps table must hold every step it covers (else a clear error, never a silent restart or a gap); then the
/// rows flushed after the checkpoint are rolled back, since the resumed run writes them again. Starting fresh: all rows
/// of an attempt that died before its first checkpoint are rolled back. Both remove what killed writes left behind.
/// </summary>
internal static class RunStart
{
    /// <summary>Checks and prepares a resume; returns the state to continue from, which names these results (so the
    /// next checkpoint of a relocated run records where its results now are).</summary>
    public static TrainingState Resuming(RunEnvironment env, PlannedRun run, CheckpointStore store, TrainingState checkpoint)
    {
        string results = Path.GetFullPath(env.ResultsRoot);
        if (checkpoint.ResultsRoot != results && !env.Relocated)
            throw new BadInputException(store.RunDirectory, "results_root",
                $"these checkpoints were written for the results in {checkpoint.ResultsRoot}, not {results}",
                "re-run with the same --out; if you moved --out and --models together (a new disk), re-run with --relocated " +
                "to resume here (docs/reliability.md, \"Moving folders\"); or pass --fresh to start this run over");
        if (checkpoint.ResultsRoot != results)
            env.Progress.Log($"[{run.Stage} {run.Id}] --relocated: the checkpoint was written for {checkpoint.ResultsRoot}; resuming with {results}");
        var writer = env.Results;
        if (writer.FirstUncoveredStep(ResultTables.Steps, run.Id, checkpoint.Step) is { } missing)
            throw new BadInputException(ResultsWriter.PartitionFolder(results, ResultTables.Steps, run.Id), "steps",
                $"the checkpoint in {store.RunDirectory} is at step {checkpoint.Step}, but the results hold no row for step {missing}; " +
                "resuming would leave a gap in the steps table",
                "restore the run's results, or re-run with --fresh to start this run over");
        writer.RemoveLeftovers(run.Id);
        writer.RollBackPartsAfter(ResultTables.Steps, run.Id, checkpoint.Step);
        writer.RollBackPartsAfter(ResultTables.Evals, run.Id, checkpoint.Step);
        env.Progress.Log($"[{run.Stage} {run.Id}] resuming from step {checkpoint.Step}");
        return checkpoint with { ResultsRoot = results };
    }

    public static void Fresh(RunEnvironment env, PlannedRun run)
    {
        var writer = env.Results;
        writer.RemoveLeftovers(run.Id);
        writer.RollBackPartsAfter(ResultTables.Steps, run.Id, 0);
        writer.RollBackPartsAfter(ResultTables.Evals, run.Id, 0);
    }
}
