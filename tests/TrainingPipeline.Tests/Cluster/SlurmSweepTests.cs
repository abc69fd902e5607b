using System.Diagnostics;
using DuckDB.NET.Data;
using TrainingPipeline.Analysis;
using TrainingPipeline.Cluster;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Training;
using Xunit.Abstractions;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Cluster;

/// <summary>
/// Sweeps on a real Slurm (CI: a single-node cluster started by <c>.ci/slurm/with-slurm.sh</c>): submitted with the
/// built CLI exactly as a user would, run as job arrays, and read back from the one shared results dataset.
/// </summary>
public sealed class SlurmSweepTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Out => Path.Combine(_workspace.Root, "out");

    private string[] Folders => ["--out", Out, "--models", Path.Combine(_workspace.Root, "models"), "--datasets", Path.Combine(_workspace.Root, "datasets")];

    private string WritePipeline(string json)
    {
        Directory.CreateDirectory(_workspace.Root);
        string path = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(path, json.Replace("\"threads\": 2", "\"threads\": 1", StringComparison.Ordinal));
        return path;
    }

    [SlurmFact]
    public void ASweepOfPretrainingAndRlRunsCompletesOnSlurmAndIsAnalysed()
    {
        // Two seeds × (narrow → broad → 2-step RL): three job arrays of two tasks, then the analysis job.
        string json = SweepSubmitterTests.TwoSeeds.Replace("\"sweep\":", """
            "rl": { "tasks": { "addition": 1 }, "difficulty": 2, "steps": 2, "prompts_per_step": 2, "group_size": 2, "max_new_tokens": 4,
                    "eval_every": 2, "eval_problems": 4 },
            "sweep":
            """, StringComparison.Ordinal);
        string pipeline = WritePipeline(json);
        var plan = TestPlans.RealPlan(File.ReadAllText(pipeline));
        var clock = Stopwatch.StartNew();
        var (code, printed) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), ["sweep", "submit", pipeline, "--slurm", "--time", "00:10:00", .. Folders]);
        Assert.True(code == 0, printed);
        var submission = Assert.Single(SweepSubmission.LoadAll(Out));
        Assert.Equal(4, submission.Jobs.Count);

        WaitUntilDone(submission, plan.Runs.Select(r => r.Id));
        output.WriteLine($"sweep of {plan.Runs.Count} runs: submitted and finished on Slurm in {clock.Elapsed.TotalSeconds:F1} s");

        string results = Path.Combine(Out, "results");
        Assert.All(plan.Runs, run => Assert.Equal(RunStatus.Completed, RunLedger.LatestStatus(results, run.Id)));
        // Every pre-training step stored exactly once across the tasks' writes into the shared dataset.
        foreach (var (run, steps, distinct) in StepCounts(results))
            if (plan.Runs.Single(r => r.Id == run).Stage != RunStage.Rl) Assert.True(steps == 24 && distinct == 24, $"{run}: {steps} rows, {distinct} steps");
        // The analysis job ran the ordinary `run`, which found every run complete.
        string analysisLog = Directory.GetFiles(Path.Combine(submission.Folder, "logs"), "*analysis*").Single();
        Assert.Equal(plan.Runs.Count, File.ReadAllLines(analysisLog).Count(l => l.Contains(" skipped ", StringComparison.Ordinal)));

        var (statusCode, status) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), ["sweep", "status", pipeline, "--out", Out]);
        Assert.True(statusCode == 0, status);
        Assert.Contains($"{plan.Runs.Count}/{plan.Runs.Count} runs completed", status);
        var (again, resubmitted) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), ["sweep", "submit", pipeline, "--slurm", .. Folders]);
        Assert.True(again == 0, resubmitted);
        Assert.Contains("every run is already completed; nothing submitted", resubmitted);

        // The analysis stage reads the dataset the tasks wrote, unchanged.
        var summary = AnalysisStage.Run(results, Path.Combine(_workspace.Root, "analysis"), new AnalysisOptions(Bootstrap: 20), TextWriter.Null);
        Assert.True(File.Exists(summary.ReportMarkdownPath));
        // Its overview counts every run the six tasks wrote. The two phases are scored on different eval sets, so
        // each phase's two points (2 seeds) form a law of their own: two in the main fits, two named in a note.
        string report = File.ReadAllText(summary.ReportMarkdownPath);
        string overview = report.Split('\n').First(l => l.StartsWith("Analysis ", StringComparison.Ordinal));
        Assert.True(overview.Contains($"{results}: {plan.Runs.Count} runs, 2 pre-training points", StringComparison.Ordinal), overview);
        Assert.Contains("Note: 2 pre-training points are of stage", report);
    }

    [SlurmFact]
    public void ARequeuedTaskCheckpointsOnSigtermAndResumesWithoutRepeatingSteps()
    {
        // One point whose narrow phase is long enough (480 steps) to be requeued mid-run.
        string pipeline = WritePipeline(PretrainStageTests.TwoPhases.Replace("\"corpus\": \"narrow\", \"tokens\": 6144",
            "\"corpus\": \"narrow\", \"tokens\": 122880", StringComparison.Ordinal));
        var plan = TestPlans.RealPlan(File.ReadAllText(pipeline));
        var narrow = plan.Runs[0];
        var (code, printed) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), ["sweep", "submit", pipeline, "--slurm", .. Folders]);
        Assert.True(code == 0, printed);
        var submission = Assert.Single(SweepSubmission.LoadAll(Out));
        string task = submission.Jobs[0].TaskId(0);

        string latest = Path.Combine(_workspace.Root, "models", plan.Experiment, narrow.Id, "LATEST");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(latest) && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(50);
        Assert.True(File.Exists(latest), "the narrow run wrote no checkpoint within 2 minutes");
        // As a preemption would: Slurm signals the running task (SIGTERM) and queues it again.
        Scontrol("requeue", task);
        // Slurm holds a requeued job back for a while (BeginTime); let it start again now.
        Thread.Sleep(1000);
        Scontrol("update", $"JobId={task}", "StartTime=now");

        WaitUntilDone(submission, plan.Runs.Select(r => r.Id));
        string log = File.ReadAllText(Directory.GetFiles(Path.Combine(submission.Folder, "logs"), "*L0*").Single());
        Assert.Contains("SIGTERM: writing a checkpoint", log);
        Assert.Contains("restart 1", log);
        Assert.Contains("resuming from step", log);
        string results = Path.Combine(Out, "results");
        Assert.Equal(RunStatus.Completed, RunLedger.LatestStatus(results, narrow.Id));
        var narrowSteps = StepCounts(results).Single(s => s.Run == narrow.Id);
        Assert.Equal((480L, 480L), (narrowSteps.Rows, narrowSteps.Distinct));
    }

    /// <summary>Waits (bounded) until every run is completed and none of the submission's jobs is queued.</summary>
    private void WaitUntilDone(SweepSubmission submission, IEnumerable<string> runIds)
    {
        string results = Path.Combine(Out, "results");
        var ids = runIds.ToList();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            bool queued = SlurmClient.Squeue(submission.Jobs.Select(j => j.JobId)).Count > 0;
            if (!queued && ids.All(id => RunLedger.LatestStatus(results, id) == RunStatus.Completed)) return;
            if (!queued) break; // nothing left to run, yet runs are missing: report below
            Thread.Sleep(500);
        }
        var logs = Directory.GetFiles(Path.Combine(submission.Folder, "logs")).Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}");
        Assert.Fail($"the sweep did not complete within {Deadline} (or its jobs ended early):\n{string.Join('\n', logs)}");
    }

    private static void Scontrol(params string[] args)
    {
        var info = new ProcessStartInfo("scontrol") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"scontrol {string.Join(' ', args)}: {error}");
    }

    private static List<(string Run, long Rows, long Distinct)> StepCounts(string results)
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"select run_id, count(*), count(distinct step) from read_parquet('{results}/steps/**/*.parquet', hive_partitioning=true) group by run_id";
        using var reader = cmd.ExecuteReader();
        var rows = new List<(string, long, long)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return rows;
    }
}
