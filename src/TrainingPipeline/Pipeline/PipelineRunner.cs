using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Training;

namespace TrainingPipeline.Pipeline;

/// <summary>What happened to each run of a plan.</summary>
public sealed record RunOutcome(PlannedRun Run, string Outcome);

/// <summary>
/// Runs a plan's runs in dependency order. A run whose newest row in the results says <c>completed</c> is skipped;
/// one with a checkpoint resumes from it; <c>fresh</c> forgets the plan's runs (checkpoints and results) first.
/// </summary>
public sealed class PipelineRunner(RunEnvironment env)
{
    public IReadOnlyList<RunOutcome> Run(RunPlan plan, bool fresh = false, Func<PlannedRun, bool>? include = null)
    {
        var selected = plan.Runs.Where(r => include?.Invoke(r) ?? true).ToList();
        if (fresh)
            foreach (var run in selected)
            {
                new CheckpointStore(env.RunDirectory(plan.Experiment, run.Id)).Delete();
                RunLedger.Forget(env.ResultsRoot, run.Id);
            }

        var outcomes = new List<RunOutcome>();
        foreach (var run in selected)
        {
            if (RunLedger.LatestStatus(env.ResultsRoot, run.Id) == ResultTables.StatusCompleted)
            {
                env.Progress.Log($"[{run.Stage} {run.Id}] already completed: skipped");
                outcomes.Add(new RunOutcome(run, "skipped"));
                continue;
            }
            StageFor(run, plan.Experiment)(run);
            outcomes.Add(new RunOutcome(run, "completed"));
        }
        return outcomes;
    }

    private Action<PlannedRun> StageFor(PlannedRun run, string experiment) => run.Stage switch
    {
        "rl" => new RL.RlStage(env, experiment).Run,
        _ => new PretrainStage(env, experiment).Run,
    };
}
