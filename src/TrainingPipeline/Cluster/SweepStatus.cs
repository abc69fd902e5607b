using TrainingPipeline.Config;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cluster;

/// <summary>One run's state: from the results dataset (the truth about training) and from Slurm (where its task is).</summary>
/// <param name="ResultsStatus">The run's status in the results; null when they hold no row for it.</param>
public sealed record RunSlurmStatus(string RunId, RunStage Stage, RunStatus? ResultsStatus, string? SlurmTask, string SlurmState);

/// <summary>Joins a plan's runs with the results dataset and the Slurm states of their latest submitted tasks.</summary>
public static class SweepStatus
{
    public const string NotSubmitted = "not submitted";
    public const string NotQueued = "left the queue";

    public static IReadOnlyList<RunSlurmStatus> Collect(RunPlan plan, string resultsRoot, IReadOnlyList<SweepSubmission> submissions,
        IReadOnlyDictionary<string, SlurmJobState> queue, IReadOnlyDictionary<string, SlurmJobState>? accounting)
    {
        var rows = new List<RunSlurmStatus>();
        foreach (var run in plan.Runs)
        {
            var results = RunLedger.LatestStatus(resultsRoot, run.Id);
            string? task = LatestTask(submissions, run.Id);
            string slurm = task is null ? NotSubmitted
                : queue.TryGetValue(task, out var queued) ? Describe(queued)
                : accounting is not null && accounting.TryGetValue(task, out var final) ? Describe(final)
                : NotQueued;
            rows.Add(new RunSlurmStatus(run.Id, run.Stage, results, task, slurm));
        }
        return rows;
    }

    /// <summary>Job ids of every real (not dry-run) submission, for one squeue/sacct call.</summary>
    public static IReadOnlyList<string> JobIds(IReadOnlyList<SweepSubmission> submissions) =>
        submissions.Where(s => !s.DryRun).SelectMany(s => s.Jobs).Select(j => j.JobId).Distinct().ToList();

    private static string? LatestTask(IReadOnlyList<SweepSubmission> submissions, string runId)
    {
        foreach (var submission in submissions.Where(s => !s.DryRun).Reverse())
            foreach (var job in submission.Jobs.Where(j => j.Kind == SubmittedJob.ArrayKind))
            {
                int index = job.RunIds.ToList().IndexOf(runId);
                if (index >= 0) return job.TaskId(index);
            }
        return null;
    }

    private static string Describe(SlurmJobState state) => state.Reason is null ? state.State : $"{state.State} ({state.Reason})";
}
