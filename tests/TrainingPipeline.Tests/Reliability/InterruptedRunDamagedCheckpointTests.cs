using TrainingPipeline.Cli;
using TrainingPipeline.Config;
using TrainingPipeline.Tests.Cli;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Training;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Reliability;

/// <summary>
/// Issue 5: a corrupt or mismatched checkpoint is a clear error (exit 2, naming the file and the fix), never a silent
/// restart. The narrow phase of a two-phase pipeline is interrupted at step 6 (checkpoint at step 6); then each case
/// damages a copy of that state and re-runs the CLI, which must refuse it and leave the checkpoint and results as
/// they were.
/// </summary>
[Collection(InProcessCli.Collection)] // calls Program.Main, which writes to Console
public sealed class InterruptedRunDamagedCheckpointTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();
    private readonly RunPlan _plan = TestPlans.RealPlan(PretrainStageTests.TwoPhases);

    public void Dispose() => _workspace.Dispose();

    private string Narrow => _plan.Runs[0].Id;

    private string Broad => _plan.Runs[1].Id;

    private string RunFolder(string runId) => Path.Combine(_workspace.Root, "models", _plan.Experiment, runId);

    private string Checkpoint => Path.Combine(RunFolder(Narrow), "step-000000006");

    private string Results => Path.Combine(_workspace.Root, "out", "results");

    /// <summary>The narrow run stopped after step 6, as SIGTERM stops it: a checkpoint at step 6 and steps 1–6 stored.</summary>
    private void Interrupt()
    {
        using var cancel = new CancellationTokenSource();
        var env = _workspace.Environment(new CancelAtStep(Narrow, 6, cancel), cancel.Token);
        Assert.Throws<OperationCanceledException>(() => new PipelineRunner(env).Run(_plan));
        Assert.True(Directory.Exists(Checkpoint));
        Assert.Equal("step-000000006", File.ReadAllText(Path.Combine(RunFolder(Narrow), "LATEST")).Trim());
    }

    private (int Exit, string Error) Cli(params string[] extra)
    {
        string pipeline = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(pipeline, PretrainStageTests.TwoPhases);
        string[] output = extra.Contains("--out") ? [] : ["--out", Path.Combine(_workspace.Root, "out")];
        var (exit, _, error) = InProcessCli.Run(["run", pipeline, .. output, "--models", Path.Combine(_workspace.Root, "models"),
            "--datasets", Path.Combine(_workspace.Root, "datasets"), .. extra]);
        return (exit, error);
    }

    /// <summary>Every file under the models and results folders with its length and last write (what a re-run may not touch).</summary>
    private Dictionary<string, (long, DateTime)> Snapshot() =>
        new[] { Path.Combine(_workspace.Root, "models"), Results }
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && !f.EndsWith(".lock.holder", StringComparison.Ordinal)) // the run lock
            .ToDictionary(f => f, f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    private void AssertRefused(string namedFile, string problem, params string[] extra)
    {
        var before = Snapshot();
        var (exit, error) = Cli(extra);
        Assert.True(exit == 2, $"exit {exit}: {error}");
        Assert.Contains(namedFile, error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.Contains("Fix:", error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot()); // nothing restarted, rolled back or rewritten
    }

    [Fact]
    public void CorruptCheckpointsAreRefusedNamingTheFile()
    {
        Interrupt();
        string pristine = Path.Combine(_workspace.Root, "pristine");
        CopyFolder(RunFolder(Narrow), pristine);
        void Restore()
        {
            Directory.Delete(RunFolder(Narrow), recursive: true);
            CopyFolder(pristine, RunFolder(Narrow));
        }

        // One flipped bit in the weights.
        string model = Path.Combine(Checkpoint, "model.bin");
        var bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(model, bytes);
        AssertRefused(model, "checksum mismatch");
        Restore();

        // A truncated optimizer state.
        string optimizer = Path.Combine(Checkpoint, "optimizer.bin");
        using (var stream = new FileStream(optimizer, FileMode.Open)) stream.SetLength(stream.Length / 3);
        AssertRefused(optimizer, "checksum mismatch");
        Restore();

        // A truncated state.json.
        string state = Path.Combine(Checkpoint, "state.json");
        File.WriteAllText(state, File.ReadAllText(state)[..40]);
        AssertRefused(state, "state.json is not valid");
        Restore();

        // The weights are gone.
        File.Delete(model);
        AssertRefused(model, "the file is missing");
        Restore();

        // LATEST points at a checkpoint that does not exist.
        string latest = Path.Combine(RunFolder(Narrow), "LATEST");
        File.WriteAllText(latest, "step-000000099");
        AssertRefused(latest, "LATEST points at 'step-000000099'");
        Restore();

        // The same state, untouched, still resumes and completes.
        Assert.Equal(0, Cli("--run-id", Narrow).Exit);
        Assert.Equal(RunStatus.Completed, RunLedger.LatestStatus(Results, Narrow));
    }

    [Fact]
    public void MismatchedCheckpointsAreRefusedNamingTheFile()
    {
        Interrupt();

        // Another run's checkpoint in this run's folder.
        CopyFolder(RunFolder(Narrow), RunFolder(Broad));
        AssertRefused(Path.Combine(RunFolder(Broad), "step-000000006", "state.json"), $"belongs to run {Narrow}, not {Broad}", "--run-id", Broad);
        Directory.Delete(RunFolder(Broad), recursive: true);

        // The checkpoint was written for another results folder.
        AssertRefused(RunFolder(Narrow), "these checkpoints were written for the results in", "--out", Path.Combine(_workspace.Root, "elsewhere"));

        // The results lost rows the checkpoint covers: resuming would leave a gap in the steps table.
        string steps = ResultsWriter.PartitionFolder(Results, ResultTables.Steps, Narrow);
        File.Delete(Assert.Single(Directory.GetFiles(steps, "part-s000000005-*.parquet")));
        AssertRefused(steps, "the results hold no row for step 5", "--run-id", Narrow);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyFolder(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
