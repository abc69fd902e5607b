using System.Text.Json;
using TrainingPipeline.Data;
using TrainingPipeline.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainingPipeline.Training;

/// <summary>
/// Everything besides tensors that a run needs to continue exactly where it stopped. <c>DroppedProblems</c>: the
/// problem keys an RL run with <c>rl.drop_solved_threshold</c> no longer samples (sorted; null when none).
/// </summary>
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
    IReadOnlyDictionary<string, double>? Counters = null,
    // Omitted when null: the manifest checksum is over the re-serialized state, so a field that older checkpoints
    // lack must serialize to nothing at its default, or every older checkpoint would read as corrupt.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<string>? DroppedProblems = null);

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
    private const string StepPrefix = "step-";
    private const int Keep = 2;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>state.json is read strictly: a key changed by a bit flip, or a missing value, is an error, not a default.</summary>
    private static readonly JsonSerializerOptions StrictJson = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    public string RunDirectory { get; } = runDirectory;

    /// <summary>
    /// True when the run has a checkpoint: a <c>LATEST</c> pointer, or a complete step folder without one (the first
    /// checkpoint's folder is renamed into place before <c>LATEST</c> is written). A damaged pointer still counts, so
    /// that loading reports it instead of a run silently starting over.
    /// </summary>
    public bool HasCheckpoint => Path.Exists(Path.Combine(RunDirectory, LatestFile)) || StepFolders().Count > 0;

    public void Save(TrainingState state, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer, long minimumFreeBytes = 64L << 20)
    {
        Directory.CreateDirectory(RunDirectory);
        EnsureDiskSpace(minimumFreeBytes);
        string name = $"{StepPrefix}{state.Step:D9}";
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
        manifest = manifest with { ManifestSha256 = ManifestHash(manifest) };
        WriteDurably(Path.Combine(temp, StateFile), JsonSerializer.Serialize(manifest, Json));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true); // a rewrite of the same step
        Directory.Move(temp, final);
        FaultInjection.At(FaultInjection.Sites.CheckpointUnpublished);
        string latestTemp = Path.Combine(RunDirectory, LatestFile + ".tmp");
        WriteDurably(latestTemp, name);
        File.Move(latestTemp, Path.Combine(RunDirectory, LatestFile), overwrite: true);
        Prune(name);
    }

    /// <summary>
    /// Loads the latest checkpoint into the model and optimizer, after verifying it (see <see cref="Verify"/>).
    /// <paramref name="expectedRunId"/> null accepts a checkpoint of any run (e.g. loading a run folder for inference).
    /// </summary>
    public TrainingState Load(string? expectedRunId, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer, bool loadOptimizer = true)
    {
        bool withOptimizer = optimizer is not null && loadOptimizer;
        var (folder, manifest) = Resolve(expectedRunId, verifyOptimizer: withOptimizer);
        string modelPath = Path.Combine(folder, ModelFile);
        try
        {
            model.load(modelPath);
        }
        catch (Exception e) when (IsLoadFailure(e))
        {
            throw new BadInputException(modelPath, "model", "cannot be loaded into this run's model (it was saved from a model of another shape, " +
                "or is not a model file): " + e.Message.TrimEnd('.'), "the run's checkpoint does not belong to this config; start this run over with --fresh", e);
        }
        if (withOptimizer && manifest.OptimizerSha256 is not null)
        {
            string optimizerPath = Path.Combine(folder, OptimizerFile);
            try
            {
                optimizer!.load_state_dict(optimizerPath);
            }
            catch (Exception e) when (IsLoadFailure(e))
            {
                throw new BadInputException(optimizerPath, "optimizer", "cannot be loaded into this run's optimizer (saved for another model " +
                    "or optimizer, or not an optimizer file): " + e.Message.TrimEnd('.'), "start this run over with --fresh", e);
            }
        }
        return manifest.State;
    }

    /// <summary>
    /// Checks the latest checkpoint without loading tensors: the pointer, state.json (strictly parsed, its own
    /// checksum, its step against its folder, its run id) and the SHA-256 of model.bin and optimizer.bin. Any damage is
    /// a <see cref="BadInputException"/> naming the file: never a silent restart.
    /// </summary>
    public TrainingState Verify(string? expectedRunId) => Resolve(expectedRunId, verifyOptimizer: true).Manifest.State;

    /// <summary>Peeks at the latest state without loading tensors or checking the binaries (e.g. a parent's FLOPs).</summary>
    public TrainingState ReadState() => Resolve(expectedRunId: null, verifyOptimizer: false, verifyModel: false).Manifest.State;

    public void Delete()
    {
        if (Directory.Exists(RunDirectory)) Directory.Delete(RunDirectory, recursive: true);
    }

    private (string Folder, CheckpointManifest Manifest) Resolve(string? expectedRunId, bool verifyOptimizer, bool verifyModel = true)
    {
        string latestPath = Path.Combine(RunDirectory, LatestFile);
        string name;
        if (File.Exists(latestPath))
        {
            try
            {
                name = File.ReadAllText(latestPath).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Corrupt(latestPath, "LATEST cannot be read: " + e.Message);
            }
            if (StepOf(name) is null)
                throw Corrupt(latestPath, $"LATEST holds {JsonSerializer.Serialize(name)}, not a step folder name ({StepPrefix}NNNNNNNNN)");
        }
        else if (Directory.Exists(latestPath))
        {
            throw Corrupt(latestPath, "LATEST is a folder, not the pointer file");
        }
        else
        {
            // The first checkpoint's folder is renamed into place before LATEST is written: a crash in between leaves
            // a complete step folder and no pointer. Resume from the newest step folder, verified like any other.
            name = StepFolders().LastOrDefault() ?? throw Corrupt(RunDirectory, "there is neither a LATEST pointer nor a step folder");
        }
        return ReadFolder(name, expectedRunId, verifyOptimizer, verifyModel, pointer: latestPath);
    }

    /// <summary>
    /// Checks every step folder of the run, not only the latest (<c>verify</c>): the same checks as
    /// <see cref="Verify"/>, folder by folder, oldest first. Returns the steps checked; empty without a checkpoint.
    /// </summary>
    public IReadOnlyList<long> VerifyAll(string? expectedRunId)
    {
        if (!HasCheckpoint) return [];
        Verify(expectedRunId);
        var steps = new List<long>();
        foreach (var name in StepFolders())
            steps.Add(ReadFolder(name, expectedRunId, verifyOptimizer: true, verifyModel: true, pointer: Path.Combine(RunDirectory, name)).Manifest.State.Step);
        return steps;
    }

    /// <param name="pointer">What named the folder (LATEST, or the folder itself), for the message when it has no state.</param>
    private (string Folder, CheckpointManifest Manifest) ReadFolder(string name, string? expectedRunId, bool verifyOptimizer, bool verifyModel, string pointer)
    {
        string folder = Path.Combine(RunDirectory, name);
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
            throw Corrupt(pointer, pointer.EndsWith(LatestFile, StringComparison.Ordinal)
                ? $"LATEST points at '{name}', which has no {StateFile}"
                : $"the checkpoint folder has no {StateFile}");
        CheckpointManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(statePath), StrictJson)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw Corrupt(statePath, "state.json is not valid: " + e.Message.TrimEnd('.'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Corrupt(statePath, "state.json cannot be read: " + e.Message);
        }
        if (manifest.ManifestSha256 is { } manifestHash && manifestHash != ManifestHash(manifest))
            throw Corrupt(statePath, "its content does not match its checksum (the file changed after it was written)");
        if (StepOf(name) != manifest.State.Step)
            throw Corrupt(statePath, $"holds step {manifest.State.Step} but sits in folder '{name}'");
        if (expectedRunId is not null && manifest.State.RunId != expectedRunId)
            throw new BadInputException(statePath, "run_id", $"the checkpoint belongs to run {manifest.State.RunId}, not {expectedRunId}",
                "point --models at the right folder, or start over with --fresh");
        if (verifyModel) VerifyFile(Path.Combine(folder, ModelFile), manifest.ModelSha256);
        if (verifyOptimizer && manifest.OptimizerSha256 is not null) VerifyFile(Path.Combine(folder, OptimizerFile), manifest.OptimizerSha256);
        return (folder, manifest);
    }

    /// <summary>Complete step folders (renamed into place, so never half-written), oldest first.</summary>
    private List<string> StepFolders() =>
        !Directory.Exists(RunDirectory) ? []
            : Directory.GetDirectories(RunDirectory, StepPrefix + "*")
                .Select(d => Path.GetFileName(d)!)
                .Where(n => StepOf(n) is not null)
                .Order(StringComparer.Ordinal)
                .ToList();

    /// <summary>N of a folder name step-NNNNNNNNN, or null for any other name.</summary>
    private static long? StepOf(string name) =>
        name.Length == StepPrefix.Length + 9 && name.StartsWith(StepPrefix, StringComparison.Ordinal)
        && long.TryParse(name.AsSpan(StepPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long step)
            ? step
            : null;

    /// <summary>SHA-256 of the manifest's other fields (state and the binaries' checksums), as re-serialized.</summary>
    private static string ManifestHash(CheckpointManifest manifest) =>
        StableHash.Sha256Hex(JsonSerializer.Serialize(manifest with { ManifestSha256 = null }));

    /// <summary>
    /// Exceptions from loading verified files that mean "these weights do not fit this model". Not
    /// <see cref="OutOfMemoryException"/>: the files' checksums were verified first, so it means the machine ran out of
    /// memory, which is no fault of the checkpoint and must not be reported as one.
    /// </summary>
    internal static bool IsLoadFailure(Exception e) =>
        e is ArgumentException or InvalidOperationException or IOException or InvalidDataException or FormatException
            or OverflowException or IndexOutOfRangeException or NotSupportedException;

    private void EnsureDiskSpace(long minimumFreeBytes)
    {
        var drive = new DriveInfo(Path.GetFullPath(RunDirectory));
        if (drive.AvailableFreeSpace < minimumFreeBytes)
            throw new IOException($"only {drive.AvailableFreeSpace >> 20} MiB free on {drive.Name}; a checkpoint needs at least " +
                $"{minimumFreeBytes >> 20} MiB. The previous checkpoint is intact: free space and re-run to resume.");
    }

    private static void VerifyFile(string path, string expected)
    {
        if (!File.Exists(path)) throw Corrupt(path, "the file is missing");
        string actual = StableHash.Sha256HexOfFile(path);
        if (actual != expected) throw Corrupt(path, $"checksum mismatch (expected {expected[..Math.Min(12, expected.Length)]}…, found {actual[..12]}…)");
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
        var old = StepFolders();
        foreach (var dir in old.Take(Math.Max(0, old.Count - Keep)))
            if (dir != newest) Directory.Delete(Path.Combine(RunDirectory, dir), recursive: true);
    }

    /// <summary>
    /// state.json: the state, the binaries' checksums, and a checksum of both (absent in checkpoints written before it
    /// existed), so that a flipped bit in the state or in a recorded checksum is reported against state.json itself.
    /// </summary>
    private sealed record CheckpointManifest(TrainingState State, string ModelSha256, string? OptimizerSha256, string? ManifestSha256 = null);
}
