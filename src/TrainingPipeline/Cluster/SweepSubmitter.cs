using System.Globalization;
using System.Text;
using TrainingPipeline.Config;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cluster;

/// <summary>
/// Turns a plan into Slurm jobs: one job array per level of the run chain (narrow → broad → rl), each level
/// <c>--dependency=afterok</c> on the previous one, then one analysis job. Completed runs (per the results dataset)
/// are left out, so re-submitting after a failure or preemption submits only what is left, and those runs resume
/// from their checkpoints. The scripts, run lists and logs go to <c>&lt;out&gt;/slurm/&lt;stamp&gt;/</c>.
/// </summary>
public sealed class SweepSubmitter(CliInvocation cli, SlurmSubmitOptions options)
{
    /// <param name="sbatch">Submits a script (sbatch arguments) and returns the job id; null for a dry run.</param>
    public SweepSubmission Submit(RunPlan plan, string resultsRoot, Func<IReadOnlyList<string>, string>? sbatch)
    {
        var pending = plan.Runs.Where(r => RunLedger.LatestStatus(resultsRoot, r.Id) != RunStatus.Completed).ToList();
        var submittedAt = DateTime.UtcNow;
        string folder = Path.Combine(SweepSubmission.RootFor(cli.Output),
            submittedAt.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture));
        string logs = Path.Combine(folder, "logs");
        Directory.CreateDirectory(logs);

        var jobs = new List<SubmittedJob>();
        string? previous = null;
        var levels = SweepLevels.ByDepth(plan, pending);
        for (int level = 0; level < levels.Count; level++)
        {
            var runs = levels[level];
            string runList = Path.Combine(folder, $"level-{level}.runs");
            File.WriteAllText(runList, string.Concat(runs.Select(r => $"{r.Id} {SweepLevels.VerbFor(r)}\n")));
            string script = Path.Combine(folder, $"level-{level}.sbatch");
            File.WriteAllText(script, SbatchScript.ArrayScript(JobName(plan, $"L{level}"), runList, runs.Count, logs, cli, options));
            string id = Submit(sbatch, script, previous, $"dry-run-L{level}");
            jobs.Add(new SubmittedJob(SubmittedJob.ArrayKind, id, previous, script, runs.Select(r => r.Id).ToList()));
            previous = id;
        }
        if (previous is not null)
        {
            string script = Path.Combine(folder, "analysis.sbatch");
            File.WriteAllText(script, SbatchScript.AnalysisScript(JobName(plan, "analysis"), logs, cli, options));
            jobs.Add(new SubmittedJob(SubmittedJob.AnalysisKind, Submit(sbatch, script, previous, "dry-run-analysis"), previous, script, []));
        }
        var submission = new SweepSubmission(plan.Experiment, cli.Pipeline, submittedAt, folder, sbatch is null, jobs);
        submission.Save();
        return submission;
    }

    /// <summary>The sbatch arguments for a script; exposed so a dry run can print exactly what would be called.</summary>
    public static IReadOnlyList<string> SbatchArguments(string script, string? dependsOn)
    {
        var args = new List<string> { "--parsable" };
        if (dependsOn is not null)
        {
            args.Add($"--dependency=afterok:{dependsOn}");
            // If a task of the previous level fails for good, cancel the dependants instead of leaving them pending
            // forever; re-submitting resumes.
            args.Add("--kill-on-invalid-dep=yes");
        }
        args.Add(script);
        return args;
    }

    private static string Submit(Func<IReadOnlyList<string>, string>? sbatch, string script, string? dependsOn, string dryRunId) =>
        sbatch is null ? dryRunId : sbatch(SbatchArguments(script, dependsOn));

    private static string JobName(RunPlan plan, string suffix)
    {
        var sb = new StringBuilder("tp-");
        foreach (char c in plan.Experiment) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return sb.Append('-').Append(suffix).ToString();
    }
}
