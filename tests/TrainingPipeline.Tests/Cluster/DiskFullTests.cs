using System.Diagnostics;
using DuckDB.NET.Data;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Training;
using TrainingPipeline.Training;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Cluster;

/// <summary>
/// A fact that mounts a small tmpfs to fill a real disk: it needs root and <c>mount</c> (CI and the dev machines run
/// as root); elsewhere it is skipped with the reason shown.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root" || !File.Exists("/bin/mount") && !File.Exists("/usr/bin/mount"))
            Skip = "needs root and mount(8) to create a small tmpfs that can be filled";
    }
}

/// <summary>
/// The checkpoint folder sits on an 80 MiB tmpfs, which the test fills so less than the 64 MiB a checkpoint
/// requires is free: the run must stop with a clear message (exit 1 from the CLI), leave its previous checkpoint
/// intact, and, once space is freed, resume and finish with every step stored exactly once.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();
    private readonly string _mount;
    private bool _mounted;

    public DiskFullTests()
    {
        _mount = Directory.CreateDirectory(Path.Combine(_workspace.Root, "small-disk")).FullName;
    }

    public void Dispose()
    {
        if (_mounted) Exec("umount", _mount);
        _workspace.Dispose();
    }

    [TmpfsFact]
    public void AFullDiskStopsTheRunCleanlyAndItResumesOnceSpaceIsFreed()
    {
        Exec("mount", "-t", "tmpfs", "-o", "size=80m", "tmpfs", _mount);
        _mounted = true;
        string json = PretrainStageTests.TwoPhases.Replace("\"threads\": 2", "\"threads\": 1", StringComparison.Ordinal);
        string pipeline = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(pipeline, json);
        var plan = TestPlans.RealPlan(json);
        var narrow = plan.Runs[0];
        var env = _workspace.Environment() with { Models = _mount };
        var store = new CheckpointStore(env.RunDirectory(plan.Experiment, narrow.Id));

        // 1. Interrupted after step 10: a checkpoint at step 10 on the small disk.
        using (var cancel = new CancellationTokenSource())
        {
            var interrupted = env with { Progress = new CancelAtStep(narrow.Id, 10, cancel), Cancellation = cancel.Token };
            Assert.Throws<OperationCanceledException>(() => new PipelineRunner(interrupted).Run(plan));
        }
        Assert.Equal(10, store.ReadState().Step);

        // 2. Fill the disk to ~30 MiB free, then resume with the real CLI: the next checkpoint (step 12) is refused.
        string filler = Path.Combine(_mount, "filler.bin");
        using (var stream = File.Create(filler))
        {
            var block = new byte[1 << 20];
            for (int i = 0; i < 50; i++) stream.Write(block);
        }
        Assert.True(new DriveInfo(_mount).AvailableFreeSpace < 64L << 20);
        string[] args = ["run", pipeline, "--out", env.Output, "--models", _mount, "--datasets", env.Datasets];
        var (code, output) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), args);
        Assert.True(code == 1, output);
        Assert.Contains("run failed: only ", output);
        Assert.Contains("a checkpoint needs at least 64 MiB. The previous checkpoint is intact: free space and re-run to resume.", output);
        Assert.Equal(10, store.ReadState().Step);
        Assert.Empty(Directory.GetDirectories(store.RunDirectory, "*.tmp"));
        Assert.Equal(RunStatus.Failed, RunLedger.LatestStatus(env.ResultsRoot, narrow.Id));

        // 3. Space freed: the same command resumes from step 10 and finishes both runs.
        File.Delete(filler);
        (code, output) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), args);
        Assert.True(code == 0, output);
        Assert.Contains("resuming from step 10", output);
        Assert.All(plan.Runs, r => Assert.Equal(RunStatus.Completed, RunLedger.LatestStatus(env.ResultsRoot, r.Id)));
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"select count(*), count(distinct step), max(step) from read_parquet('{env.ResultsRoot}/steps/**/*.parquet', hive_partitioning=true) " +
                          $"where run_id = '{narrow.Id}'";
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((24L, 24L, 24L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
    }

    private static void Exec(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {error}");
    }
}
