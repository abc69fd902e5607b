using TrainingPipeline.Cluster;
using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Training;

namespace TrainingPipeline.Pipeline;

/// <summary>What happened to each run of a plan.</summary>
public sealed record RunOutcome(PlannedRun Run, RunOutcomeKind Outcome);

/// <summary>What an invocation did with a run (printed lowercase in the runs table: <see cref="RunOutcomes.Name"/>).</summary>
public enum RunOutcomeKind
{
    /// <summary>Trained (or resumed) to completion by this invocation.</summary>
    Completed,
    /// <summary>Already completed in the results: left alone.</summary>
    Skipped,
    /// <summary>Another invocation holds the run's lock (or its parent's): this one left it alone.</summary>
    Locked,
    /// <summary>Listed by <c>plan</c>, which trains nothing.</summary>
    Planned,
}

public static class RunOutcomes
{
    /// <summary>The word the runs table prints: the member's name in lowercase.</summary>
    public static string Name(RunOutcomeKind outcome) => outcome.ToString().ToLowerInvariant();
}

/// <summary>
/// Runs a plan's runs in dependency order. A run whose newest row in the results says <c>completed</c> is skipped;
/// one with a checkpoint resumes from it; <c>fresh</c> forgets the plan's runs (checkpoints and results) first.
/// Each run is trained under its <see cref="RunLock"/>s (one beside its checkpoints, one beside its results); a run locked by another invocation is skipped, not waited
/// for, so overlapping scheduled invocations never pile up or train a run twice. <paramref name="domains"/> and
/// <paramref name="families"/> resolve pre-training domains and RL task families (the registries' by default).
/// </summary>
public sealed class PipelineRunner(RunEnvironment env, Func<string, Data.IDomain>? domains = null, Func<string, Tasks.ITaskFamily>? families = null)
{
    public IReadOnlyList<RunOutcome> Run(RunPlan plan, bool fresh = false, Func<PlannedRun, bool>? include = null)
    {
        // Notes every run repeats (a small domain's evaluation set) are printed once and summarised with a count.
        var notes = new RepeatedNotes(env.Progress);
        try
        {
            return Run(plan, fresh, include, env with { Progress = notes });
        }
        finally
        {
            notes.Flush();
        }
    }

    private IReadOnlyList<RunOutcome> Run(RunPlan plan, bool fresh, Func<PlannedRun, bool>? include, RunEnvironment env)
    {
        // Runs an older version stored under their identity-version-0 ids keep them (StoredRunIds); --fresh forgets
        // both ids and trains under the current one. include sees the runs as the caller planned them.
        var bound = fresh ? plan : StoredRunIds.Bind(plan, env);
        var selected = plan.Runs.Zip(bound.Runs).Where(r => include?.Invoke(r.First) ?? true).Select(r => r.Second).ToList();
        plan = bound;
        var outcomes = new List<RunOutcome>();
        // Runs held by another invocation, and so also their descendants: a child must not start from a parent
        // that is still training elsewhere.
        var heldElsewhere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in selected)
        {
            env.Cancellation.ThrowIfCancellationRequested(); // interrupted after the previous run: start no other
            if (run.ParentId is { } parent && heldElsewhere.Contains(parent))
            {
                env.Progress.Log($"[{run.Stage} {run.Id}] skipped: its parent {parent} is being trained by another invocation");
                heldElsewhere.Add(run.Id);
                outcomes.Add(new RunOutcome(run, RunOutcomeKind.Locked));
                continue;
            }
            // Two locks: the checkpoint folder's, and the results folder's (two invocations may share --out with
            // different --models; both would append the run's rows and delete each other's temporary files).
            string lockPath = RunLock.PathFor(env.Models, plan.Experiment, run.Id);
            string resultsLockPath = RunLock.ResultsPathFor(env.Output, run.Id);
            using var runLock = RunLock.TryAcquire(lockPath);
            using var resultsLock = runLock is null ? null : RunLock.TryAcquire(resultsLockPath);
            if (runLock is null || resultsLock is null)
            {
                string held = runLock is null ? lockPath : resultsLockPath;
                env.Progress.Log($"[{run.Stage} {run.Id}] skipped: another invocation is training it " +
                    $"({RunLock.DescribeHolder(held)}; lock {held})");
                heldElsewhere.Add(run.Id);
                outcomes.Add(new RunOutcome(run, RunOutcomeKind.Locked));
                continue;
            }
            if (fresh)
            {
                foreach (var id in new[] { run.Id, run.LegacyId }.OfType<string>())
                {
                    new CheckpointStore(env.RunDirectory(plan.Experiment, id)).Delete();
                    RunLedger.Forget(env.ResultsRoot, id);
                }
            }
            if (RunLedger.LatestStatus(env.ResultsRoot, run.Id) == RunStatus.Completed)
            {
                env.Progress.Log($"[{run.Stage} {run.Id}] already completed: skipped");
                outcomes.Add(new RunOutcome(run, RunOutcomeKind.Skipped));
                continue;
            }
            StageFor(run, plan.Experiment, env)(run);
            outcomes.Add(new RunOutcome(run, RunOutcomeKind.Completed));
        }
        return outcomes;
    }

    private Action<PlannedRun> StageFor(PlannedRun run, string experiment, RunEnvironment env) => run.Stage.Kind switch
    {
        StageKind.Pretrain => new PretrainStage(env, experiment, domains).Run,
        StageKind.Rl => new RL.RlStage(env, experiment, families).Run,
        // Plans hold training runs only: the eval verb's stage never reaches the runner.
        StageKind.Eval => throw new InvalidOperationException($"run {run.Id} has stage {run.Stage}, which trains nothing"),
        _ => throw new InvalidOperationException($"run {run.Id} has unknown stage kind {run.Stage.Kind}"),
    };
}
