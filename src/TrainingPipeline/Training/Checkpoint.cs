using System.Text.Json;
using TrainingPipeline.Data;
using TrainingPipeline.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainingPipeline.Training;

/// <summary>Everything besides tensors that a run needs to continue exactly where it stopped.</summary>
public sealed record TrainingState(
    string RunId,
    long Step,
    long Tokens,
    double RunFlops,
    double ParentFlops,
    double WallSeconds,
    long LoaderPosition,
    string? SamplerRngState,
    string ResultsRoot,
    IReadOnlyDictionary<string, double>? Counters = null);

/// <summary>
/// A checkpoint is a folder <c>step-&lt;n&gt;/</c> holding model.bin, optimizer.bin and state.json (with SHA-256 of
/// both binaries). It is written to a temporary folder and renamed, then <c>LATEST</c> is replaced atomically, so a
/// crash at any point leaves the previous checkpoint intact. A checkpoint whose checksums do not match, or whose run
/// id differs, is a clear error: never a silent restart.
/// </summary>
public sealed class CheckpointStore(string runDirectory)
{
    private const string LatestFile = "LATEST";
    private const string StateFile = "state.json";
    private const string ModelFile = "model.bin";
    private const string OptimizerFile = "optimizer.bin";
    private const int Keep = 2;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string RunDirectory { get; } = runDirectory;

    public bool HasCheckpoint => File.Exists(Path.Combine(RunDirectory, LatestFile));

    public void Save(TrainingState state, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer, long minimumFreeBytes = 64L << 20)
    {
        Directory.CreateDirectory(RunDirectory);
        EnsureDiskSpace(minimumFreeBytes);
        string name = $"step-{state.Step:D9}";
        string final = Path.Combine(RunDirectory, name);
        string temp = Path.Combine(RunDirectory, name + ".tmp");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        model.save(Path.Combine(temp, ModelFile));
        FaultInjection.At(FaultInjection.Sites.CheckpointModelWritten);
        if (optimizer is not null) optimizer.save_state_dict(Path.Combine(temp, OptimizerFile));
        var manifest = new CheckpointManifest(state,
            StableHash.Sha256HexOfFile(Path.Combine(temp, ModelFile)),
            optimizer is null ? null : StableHash.Sha256HexOfFile(Path.Combine(temp, OptimizerFile)));
        WriteDurably(Path.Combine(temp, StateFile), JsonSerializer.Serialize(manifest, Json));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true); // a rewrite of the same step
        Directory.Move(temp, final);
        FaultInjection.At(FaultInjection.Sites.CheckpointUnpublished);
        string latestTemp = Path.Combine(RunDirectory, LatestFile + ".tmp");
        WriteDurably(latestTemp, name);
        File.Move(latestTemp, Path.Combine(RunDirectory, LatestFile), overwrite: true);
        Prune(name);
    }

    /// <summary>Loads the latest checkpoint into the model and optimizer, after verifying it.</summary>
    public TrainingState Load(string expectedRunId, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer, bool loadOptimizer = true)
    {
        string latestPath = Path.Combine(RunDirectory, LatestFile);
        string name = File.ReadAllText(latestPath).Trim();
        string folder = Path.Combine(RunDirectory, name);
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
            throw Corrupt(latestPath, $"LATEST points at '{name}', which has no {StateFile}");
        CheckpointManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(statePath), Json)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw Corrupt(statePath, "state.json is not valid: " + e.Message);
        }
        if (manifest.State.RunId != expectedRunId)
            throw new BadInputException(statePath, "run_id", $"the checkpoint belongs to run {manifest.State.RunId}, not {expectedRunId}",
                "point --models at the right folder, or start over with --fresh");
        Verify(Path.Combine(folder, ModelFile), manifest.ModelSha256);
        try
        {
            model.load(Path.Combine(folder, ModelFile));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException)
        {
            throw new BadInputException(Path.Combine(folder, ModelFile), "model", "does not match this model's shape: " + e.Message,
                "the run's config changed under the same folder; start over with --fresh");
        }
        if (optimizer is not null && loadOptimizer && manifest.OptimizerSha256 is not null)
        {
            Verify(Path.Combine(folder, OptimizerFile), manifest.OptimizerSha256);
            optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        }
        return manifest.State;
    }

    /// <summary>Peeks at the latest state without loading tensors (e.g. a parent's FLOPs).</summary>
    public TrainingState ReadState()
    {
        string name = File.ReadAllText(Path.Combine(RunDirectory, LatestFile)).Trim();
        string statePath = Path.Combine(RunDirectory, name, StateFile);
        return JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(statePath), Json)?.State
            ?? throw Corrupt(statePath, "empty state");
    }

    public void Delete()
    {
        if (Directory.Exists(RunDirectory)) Directory.Delete(RunDirectory, recursive: true);
    }

    private void EnsureDiskSpace(long minimumFreeBytes)
    {
        var drive = new DriveInfo(Path.GetFullPath(RunDirectory));
        if (drive.AvailableFreeSpace < minimumFreeBytes)
            throw new IOException($"only {drive.AvailableFreeSpace >> 20} MiB free on {drive.Name}; a checkpoint needs at least " +
                $"{minimumFreeBytes >> 20} MiB. The previous checkpoint is intact: free space and re-run to resume.");
    }

    private static void Verify(string path, string expected)
    {
        if (!File.Exists(path)) throw Corrupt(path, "the file is missing");
        string actual = StableHash.Sha256HexOfFile(path);
        if (actual != expected) throw Corrupt(path, $"checksum mismatch (expected {expected[..12]}…, found {actual[..12]}…)");
    }

    private static BadInputException Corrupt(string path, string problem) =>
        new(path, "checkpoint", "corrupt checkpoint: " + problem, "delete the run's checkpoint folder or re-run with --fresh");

    private static void WriteDurably(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(text);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Keeps the newest <see cref="Keep"/> checkpoints, and removes temporary folders of saves that were killed (only
    /// the holder of the run lock saves, so after its own save any other temporary folder is stale).
    /// </summary>
    private void Prune(string newest)
    {
        foreach (var stale in Directory.GetDirectories(RunDirectory, "step-*.tmp")) Directory.Delete(stale, recursive: true);
        var old = Directory.GetDirectories(RunDirectory, "step-*")
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.EndsWith(".tmp", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var dir in old.Take(Math.Max(0, old.Count - Keep)))
            if (dir != newest) Directory.Delete(Path.Combine(RunDirectory, dir!), recursive: true);
    }

    private sealed record CheckpointManifest(TrainingState State, string ModelSha256, string? OptimizerSha256);
}
