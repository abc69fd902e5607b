using System.Text.Json.Nodes;
using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Data;
using TrainingPipeline.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Training;

/// <summary>
/// A damaged checkpoint is a <see cref="BadInputException"/> naming the damaged file, never a silent restart, a
/// crash or a silently wrong resume: truncation, bit flips, a pointer to nowhere, a checkpoint of another model.
/// </summary>
public sealed class CheckpointStoreTests : IDisposable
{
    private const string RunId = "run-a";
    private static readonly ModelConfig Small = new(NLayer: 1, NHead: 2, DModel: 16, ContextLength: 16, VocabSize: ByteTokenizer.Instance.VocabSize);
    private static readonly ModelConfig Wider = Small with { DModel = 32 };
    private static readonly TrainingState State = new(RunId, 7, 700, 1.5e9, 2.5e8, 12.25, 1234, null, "/results",
        new Dictionary<string, double> { ["flops_sampling"] = 3.5e8 });

    private readonly TemporaryDirectory _folder = new();
    private string RunDirectory => Path.Combine(_folder.Path, RunId);
    private string StepFolder => Path.Combine(RunDirectory, "step-000000007");
    private string StatePath => Path.Combine(StepFolder, "state.json");
    private string ModelPath => Path.Combine(StepFolder, "model.bin");
    private string OptimizerPath => Path.Combine(StepFolder, "optimizer.bin");

    public CheckpointStoreTests() => Save(RunDirectory, Small, State);

    public void Dispose() => _folder.Dispose();

    private static void Save(string runDirectory, ModelConfig config, TrainingState state)
    {
        manual_seed(1);
        using var model = new Gpt(config);
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.01);
        using (var scope = NewDisposeScope())
        {
            var tokens = randint(0, config.VocabSize, [2, config.ContextLength]);
            model.forward(tokens).sum().backward();
            optimizer.step();
        }
        new CheckpointStore(runDirectory).Save(state, model, optimizer);
    }

    private static TrainingState Load(string runDirectory, ModelConfig? config = null, bool withOptimizer = true, string? runId = RunId)
    {
        using var model = new Gpt(config ?? Small);
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.01);
        return new CheckpointStore(runDirectory).Load(runId, model, withOptimizer ? optimizer : null);
    }

    private BadInputException LoadFails(string damagedFile, ModelConfig? config = null, bool withOptimizer = true)
    {
        var error = Assert.Throws<BadInputException>(() => Load(RunDirectory, config, withOptimizer));
        Assert.StartsWith(damagedFile + ": ", error.Message);
        Assert.Contains("Fix: ", error.Message);
        return error;
    }

    /// <summary>
    /// Makes state.json vouch for the current bytes of a binary, as a deliberately swapped file would: the binary's
    /// checksum is replaced and the manifest's own checksum dropped (as in checkpoints written before it existed).
    /// </summary>
    private void Vouch(string property, string file)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject();
        manifest[property] = StableHash.Sha256HexOfFile(file);
        manifest.Remove("ManifestSha256");
        File.WriteAllText(StatePath, manifest.ToJsonString());
    }

    [Fact]
    public void AStateWithoutDroppedProblemsWritesNoSuchFieldSoOlderCheckpointsStillVerify()
    {
        // The manifest checksum is over the re-serialized state: a field added later must serialize to nothing at its
        // default, or every checkpoint written before it (parents of new RL runs, resumable runs) reads as corrupt.
        Assert.DoesNotContain("DroppedProblems", File.ReadAllText(StatePath));
        var withDropped = State with { DroppedProblems = ["addition:1+2"] };
        using var other = new TemporaryDirectory();
        string runDirectory = Path.Combine(other.Path, RunId);
        Save(runDirectory, Small, withDropped);
        Assert.Equal(withDropped.DroppedProblems, Load(runDirectory).DroppedProblems);
    }

    [Fact]
    public void AnIntactCheckpointRoundTrips()
    {
        var loaded = Load(RunDirectory);
        Assert.Equal(State with { Counters = null }, loaded with { Counters = null });
        Assert.Equal(State.Counters, loaded.Counters);
    }

    [Fact]
    public void EveryBitFlipInStateJsonIsCaughtOrChangesNothing()
    {
        byte[] original = File.ReadAllBytes(StatePath);
        var store = new CheckpointStore(RunDirectory);
        int caught = 0;
        for (int i = 0; i < original.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var flipped = (byte[])original.Clone();
                flipped[i] ^= (byte)(1 << bit);
                File.WriteAllBytes(StatePath, flipped);
                TrainingState verified;
                try
                {
                    verified = store.Verify(RunId);
                }
                catch (BadInputException e)
                {
                    Assert.Contains("state.json", e.Message);
                    caught++;
                    continue;
                }
                // A flip JSON cannot see (e.g. 'E' ↔ 'e' in an exponent) may pass only if it changes no value.
                Assert.Equal(State with { Counters = null }, verified with { Counters = null });
                Assert.Equal(State.Counters, verified.Counters);
            }
        }
        Assert.True(caught > original.Length * 8 * 9 / 10, $"only {caught} of {original.Length * 8} flips were caught");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void ATruncatedModelFileIsCaughtByItsChecksum(double keep)
    {
        var bytes = File.ReadAllBytes(ModelPath);
        File.WriteAllBytes(ModelPath, bytes[..(int)(bytes.Length * keep)]);
        Assert.Contains("checksum mismatch", LoadFails(ModelPath).Message);
    }

    [Fact]
    public void BitFlipsInTheBinariesAreCaughtByTheirChecksums()
    {
        foreach (var path in new[] { ModelPath, OptimizerPath })
        {
            var original = File.ReadAllBytes(path);
            foreach (int position in new[] { 0, original.Length / 3, original.Length - 1 })
            {
                var flipped = (byte[])original.Clone();
                flipped[position] ^= 0x10;
                File.WriteAllBytes(path, flipped);
                Assert.Contains("checksum mismatch", LoadFails(path).Message);
            }
            File.WriteAllBytes(path, original);
        }
    }

    [Fact]
    public void AModelFileOfAnotherShapeIsBadInputNotACrash()
    {
        // A consistent checkpoint of a wider model under this run's id (the config changed under the same folder).
        string other = Path.Combine(_folder.Path, "wider");
        Save(other, Wider, State);
        foreach (var file in Directory.GetFiles(Path.Combine(other, "step-000000007")))
            File.Copy(file, Path.Combine(StepFolder, Path.GetFileName(file)), overwrite: true);
        Assert.Equal(State.Step, new CheckpointStore(RunDirectory).Verify(RunId).Step); // consistent in itself
        Assert.Contains("another shape", LoadFails(ModelPath).Message);
    }

    [Fact]
    public void AnOptimizerFileOfAnotherModelIsBadInputNotACrash()
    {
        string other = Path.Combine(_folder.Path, "wider");
        Save(other, Wider, State);
        File.Copy(Path.Combine(other, "step-000000007", "optimizer.bin"), OptimizerPath, overwrite: true);
        Vouch("OptimizerSha256", OptimizerPath);
        LoadFails(OptimizerPath);
    }

    [Fact]
    public void RunningOutOfMemoryWhileLoadingIsNotReportedAsADamagedCheckpoint()
    {
        // The files are verified before loading, so an OutOfMemoryException is the machine's, not the checkpoint's:
        // it must reach the caller as itself, not as "cannot be loaded into this run's model" (exit 2, --fresh).
        using var model = new ThrowsOnLoad(new OutOfMemoryException("simulated"));
        Assert.Throws<OutOfMemoryException>(() => new CheckpointStore(RunDirectory).Load(RunId, model, optimizer: null));
        // The same path with a failure that does mean "another model" is bad input naming the file.
        using var mismatched = new ThrowsOnLoad(new ArgumentException("shape mismatch"));
        var error = Assert.Throws<BadInputException>(() => new CheckpointStore(RunDirectory).Load(RunId, mismatched, optimizer: null));
        Assert.Equal(ModelPath, error.InputFile);
    }

    private sealed class ThrowsOnLoad(Exception failure) : nn.Module("throws-on-load")
    {
        public override nn.Module load(string location, bool strict = true, IList<string>? skip = null,
            Dictionary<string, bool>? loadedParameters = null) => throw failure;
    }

    [Theory]
    [InlineData("optimizer")]
    [InlineData("text")]
    [InlineData("random")]
    public void TheWrongFileEntirelyIsBadInputEvenWithAMatchingChecksum(string kind)
    {
        byte[] content = kind switch
        {
            "optimizer" => File.ReadAllBytes(OptimizerPath),
            "text" => "this is not a model"u8.ToArray(),
            _ => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray(),
        };
        File.WriteAllBytes(ModelPath, content);
        Vouch("ModelSha256", ModelPath);
        LoadFails(ModelPath);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("{\"State\": null, \"ModelSha256\": \"00\"}")]
    public void AStateJsonWithoutAStateIsBadInput(string content)
    {
        File.WriteAllText(StatePath, content);
        Assert.Contains("state.json is not valid", LoadFails(StatePath).Message);
    }

    [Fact]
    public void AnOlderStateJsonWithoutItsOwnChecksumStillLoadsButItsStepMustMatchItsFolder()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject();
        manifest.Remove("ManifestSha256");
        File.WriteAllText(StatePath, manifest.ToJsonString());
        Assert.Equal(State.Step, Load(RunDirectory).Step);

        manifest["State"]!["Step"] = 9;
        File.WriteAllText(StatePath, manifest.ToJsonString());
        Assert.Contains("holds step 9 but sits in folder 'step-000000007'", LoadFails(StatePath).Message);
    }

    [Theory]
    [InlineData("step-000000099")]
    [InlineData("../../elsewhere")]
    [InlineData("step-\u0000\u00ff")]
    [InlineData("")]
    public void ALatestPointerToNowhereIsBadInput(string pointer)
    {
        string latest = Path.Combine(RunDirectory, "LATEST");
        File.WriteAllText(latest, pointer);
        Assert.True(new CheckpointStore(RunDirectory).HasCheckpoint);
        LoadFails(latest);
    }

    [Fact]
    public void ALatestPointerReplacedByAFolderIsBadInputNotAFreshStart()
    {
        string latest = Path.Combine(RunDirectory, "LATEST");
        File.Delete(latest);
        Directory.CreateDirectory(latest);
        Assert.True(new CheckpointStore(RunDirectory).HasCheckpoint);
        LoadFails(latest);
    }

    [Fact]
    public void WithoutLatestTheNewestStepFolderIsResumedNotAFreshStart()
    {
        // A crash after the first checkpoint's folder was renamed into place but before LATEST was written.
        File.Delete(Path.Combine(RunDirectory, "LATEST"));
        var store = new CheckpointStore(RunDirectory);
        Assert.True(store.HasCheckpoint);
        Assert.Equal(State.Step, Load(RunDirectory).Step);

        // Its damage is still reported.
        File.WriteAllText(ModelPath, "damaged");
        LoadFails(ModelPath);
    }

    [Fact]
    public void ACheckpointOfAnotherRunIsBadInput()
    {
        var error = Assert.Throws<BadInputException>(() => Load(RunDirectory, runId: "run-b"));
        Assert.Contains("belongs to run run-a, not run-b", error.Message);
    }

    [Fact]
    public void AMissingModelFileIsBadInput()
    {
        File.Delete(ModelPath);
        Assert.Contains("the file is missing", LoadFails(ModelPath).Message);
    }
}
