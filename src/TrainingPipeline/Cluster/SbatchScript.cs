using System.Globalization;
using System.Text;

namespace TrainingPipeline.Cluster;

/// <summary>
/// Writes the sbatch scripts of a sweep. A level's script is a job array: task i reads line i+1 of its run list
/// (<c>&lt;run id&gt; &lt;verb&gt;</c>) and runs the ordinary CLI for that one run id against the shared folders.
/// Preemption and the time limit both end in a checkpoint: Slurm sends SIGTERM on preemption (and requeues the job
/// itself when the cluster preempts by requeueing), and <c>USR1</c> shortly before the time limit, on which the
/// script asks the CLI to checkpoint and then requeues the task so it resumes. A plain <c>scancel</c> (SIGTERM)
/// checkpoints and stops without requeueing.
/// </summary>
public static class SbatchScript
{
    public static string ArrayScript(string jobName, string runListFile, int taskCount, string logFolder,
        CliInvocation cli, SlurmSubmitOptions options)
    {
        var sb = Header(jobName, Path.Combine(logFolder, "%x-%A_%a.out"), options, requeue: true);
        sb.Insert(sb.ToString().IndexOf("#SBATCH --output", StringComparison.Ordinal),
            string.Create(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{taskCount - 1}\n"));
        sb.Append(CultureInfo.InvariantCulture, $$"""
            set -uo pipefail
            read -r run_id verb < <(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" {{Shell.Quote(runListFile)}})
            if [ -z "${run_id:-}" ]; then echo "no run id for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2; fi
            echo "task $SLURM_ARRAY_TASK_ID (job $SLURM_JOB_ID, restart ${SLURM_RESTART_COUNT:-0}) on $(hostname): $verb $run_id"

            # The CLI checkpoints and exits 1 on SIGTERM. USR1 means the time limit is near: checkpoint, then requeue.
            requeue=0
            signalled=0
            child=
            stop() { signalled=1; if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; fi; }
            trap 'requeue=1; stop' USR1
            trap 'stop' TERM
            {{cli.CommandLine("\"$verb\"", "\"$run_id\"")}} &
            child=$!
            wait "$child"; status=$?
            # A trapped signal interrupts wait (status > 128) while the CLI is still writing its checkpoint: wait for
            # the CLI itself (bash keeps its exit status if it has already been reaped).
            while [ "$signalled" = 1 ]; do signalled=0; wait "$child"; status=$?; done
            if [ "$requeue" = 1 ] && [ "$status" -ne 0 ]; then
              echo "time limit near: checkpoint written; requeueing $SLURM_JOB_ID to resume"
              scontrol requeue "$SLURM_JOB_ID"
            fi
            exit "$status"

            """);
        return sb.ToString();
    }

    /// <summary>
    /// The job after the last level: the ordinary <c>run</c> of the whole pipeline, which finds every run complete
    /// (so trains nothing) and runs the analysis stage once over the one results dataset.
    /// </summary>
    public static string AnalysisScript(string jobName, string logFolder, CliInvocation cli, SlurmSubmitOptions options)
    {
        var sb = Header(jobName, Path.Combine(logFolder, "%x-%j.out"), options with { GpusPerTask = null }, requeue: false);
        sb.Append(CultureInfo.InvariantCulture, $"""
            set -uo pipefail
            exec {cli.CommandLine("run", null)}

            """);
        return sb.ToString();
    }

    private static StringBuilder Header(string jobName, string output, SlurmSubmitOptions options, bool requeue)
    {
        var sb = new StringBuilder("#!/usr/bin/env bash\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name={jobName}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={output}\n");
        sb.Append("#SBATCH --open-mode=append\n"); // a requeued task appends to its log instead of erasing it
        sb.Append("#SBATCH --ntasks=1\n"); // one CLI process per task; --gpus-per-task needs it stated
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={options.CpusPerTask}\n");
        if (requeue)
        {
            sb.Append("#SBATCH --requeue\n");
            sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --signal=B:USR1@{options.WarningSeconds}\n");
        }
        if (options.Partition is { } partition) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --partition={partition}\n");
        if (options.GpusPerTask is { } gpus) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --gpus-per-task={gpus}\n");
        if (options.TimeLimit is { } time) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --time={time}\n");
        sb.Append("# Written by `sweep submit`; re-submitting skips completed runs and resumes interrupted ones.\n");
        return sb;
    }
}
