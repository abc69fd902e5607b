using System.Security.Cryptography;
using TrainingPipeline.Config;
using TrainingPipeline.MLNet;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Cli;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.BadInput;

/// <summary>
/// Corrupt checkpoints through the command line and the ML.NET surface: resuming a run, starting a run from its
/// parent, evaluating and loading for inference all stop with exit code 2 (or a <see cref="BadInputException"/>)
/// naming the damaged file, and change nothing: no silent restart, no crash, no rows appended.
/// </summary>
[Collection(InProcessCli.Collection)]
public sealed class DamagedCheckpointCommandTests : IClassFixture<DamagedCheckpointCommandTests.TrainedPipeline>
{
    private readonly TrainedPipeline _trained;

    public DamagedCheckpointCommandTests(TrainedPipeline trained)
    {
        _trained = trained;
        trained.Reset();
    }

    /// <summary>A two-point sweep (d_model 16 and 32) of narrow → broad → rl, trained once; each test starts from a fresh copy.</summary>
    public sealed class TrainedPipeline : IDisposable
    {
        private const string Spec = """
            {
              "name": "corrupt-checkpoints",
              "seed": 3,
              "threads": 1,
              "corpora": {
                "narrow": { "domains": { "arith-add": 1 } },
                "broad": { "domains": { "arith-add": 1, "sort-trace": 1 } }
              },
              "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 64 },
              "pretrain": {
                "batch_size": 2, "warmup_steps": 1, "eval_every": 1, "eval_batches": 1, "checkpoint_every": 1,
                "phases": [
                  { "name": "narrow", "corpus": "narrow", "tokens": 256 },
                  { "name": "broad", "corpus": "broad", "tokens": 256 }
                ]
              },
              "rl": { "tasks": { "addition": 1 }, "difficulty": 2, "steps": 1, "prompts_per_step": 1, "group_size": 2, "max_new_tokens": 4,
                      "eval_problems": 1, "pass_k": 1 },
              "sweep": { "model.d_model": [16, 32] }
            }
            """;

        private readonly TempWorkspace _workspace = new();

        public TrainedPipeline()
        {
            Directory.CreateDirectory(_workspace.Root);
            Pipeline = Path.Combine(_workspace.Root, "pipeline.json");
            File.WriteAllText(Pipeline, Spec);
            Plan = TestPlans.RealPlan(Spec);
            var (exit, output, error) = InProcessCli.Run(["run", Pipeline, .. Folders]);
            if (exit != 0) throw new InvalidOperationException($"training the fixture failed ({exit}):\n{output}\n{error}");
            CopyTree(Output, Pristine("out"));
            CopyTree(Models, Pristine("models"));
        }

        public string Pipeline { get; }
        public RunPlan Plan { get; }
        public string Output => Path.Combine(_workspace.Root, "out");
        public string Results => Path.Combine(Output, "results");
        public string Models => Path.Combine(_workspace.Root, "models");
        public string[] Folders => ["--out", Output, "--models", Models, "--datasets", Path.Combine(_workspace.Root, "datasets")];

        /// <summary>The d_model 16 chain's runs: narrow, broad, rl.</summary>
        public PlannedRun Run(string stage, int point = 0) => Plan.Runs.Where(r => r.Stage.ToString() == stage).ElementAt(point);

        public string RunFolder(PlannedRun run) => Path.Combine(Models, Plan.Experiment, run.Id);

        /// <summary>The newest step folder of a run.</summary>
        public string Checkpoint(PlannedRun run) =>
            Directory.GetDirectories(RunFolder(run), "step-*").Order(StringComparer.Ordinal).Last();

        /// <summary>Puts the trained folders back as they were (same paths: checkpoints remember their results folder).</summary>
        public void Reset()
        {
            foreach (var (live, copy) in new[] { (Output, Pristine("out")), (Models, Pristine("models")) })
            {
                if (Directory.Exists(live)) Directory.Delete(live, recursive: true);
                CopyTree(copy, live);
            }
        }

        /// <summary>Makes a run look interrupted (no completed row), so that the next <c>run</c> resumes it.</summary>
        public void MarkInterrupted(PlannedRun run) =>
            Directory.Delete(ResultsWriter.PartitionFolder(Results, ResultTables.Runs, run.Id), recursive: true);

        private string Pristine(string name) => Path.Combine(_workspace.Root, "pristine", name);

        private static void CopyTree(string from, string to)
        {
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        public void Dispose() => _workspace.Dispose();
    }

    public static TheoryData<string> Damages() => ["truncated model", "bit-flipped model", "bit-flipped state", "truncated optimizer",
        "pointer to nowhere", "empty state", "checkpoint of the other model size"];

    /// <summary>Damages the newest checkpoint of <paramref name="run"/>; returns the file the error must name.</summary>
    private string Damage(PlannedRun run, string damage)
    {
        string step = _trained.Checkpoint(run);
        string model = Path.Combine(step, "model.bin"), state = Path.Combine(step, "state.json");
        switch (damage)
        {
            case "truncated model":
                File.WriteAllBytes(model, File.ReadAllBytes(model)[..1000]);
                return model;
            case "bit-flipped model":
                FlipBit(model, File.ReadAllBytes(model).Length / 2);
                return model;
            case "bit-flipped state":
                FlipBit(state, File.ReadAllText(state).IndexOf("\"Tokens\"", StringComparison.Ordinal) + 12);
                return state;
            case "truncated optimizer":
                string optimizer = Path.Combine(step, "optimizer.bin");
                File.WriteAllBytes(optimizer, File.ReadAllBytes(optimizer)[..^100]);
                return optimizer;
            case "pointer to nowhere":
                string latest = Path.Combine(_trained.RunFolder(run), "LATEST");
                File.WriteAllText(latest, "step-000000999");
                return latest;
            case "empty state":
                File.WriteAllText(state, "{}");
                return state;
            case "checkpoint of the other model size":
                // The d_model 32 run's checkpoint copied over this run's: it names its own run id.
                var other = _trained.Plan.Runs.Where(r => r.Stage == run.Stage).ElementAt(1);
                string theirs = _trained.Checkpoint(other);
                foreach (var file in Directory.GetFiles(theirs)) File.Copy(file, Path.Combine(step, Path.GetFileName(file)), overwrite: true);
                return state;
            default:
                throw new ArgumentException(damage);
        }
    }

    private static void FlipBit(string path, int position)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[position] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Every file under a folder with its SHA-256, except the lock holder notes each invocation rewrites.</summary>
    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".holder", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private void AssertBadInputChangingNothing(string damagedFile, params string[] args)
    {
        var results = Snapshot(_trained.Results);
        var models = Snapshot(_trained.Models);
        var (exit, output, error) = InProcessCli.Run([.. args, .. _trained.Folders]);
        Assert.True(exit == 2, $"exit {exit}\n{error}\n{output}");
        Assert.Contains(damagedFile, error);
        Assert.Matches(@"Fix: \S", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(results, Snapshot(_trained.Results));
        Assert.Equal(models, Snapshot(_trained.Models));
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void ResumingFromADamagedCheckpointExitsTwoAndChangesNothing(string damage)
    {
        var narrow = _trained.Run("pretrain_narrow");
        _trained.MarkInterrupted(narrow);
        string damaged = Damage(narrow, damage);
        AssertBadInputChangingNothing(damaged, "run", _trained.Pipeline);
    }

    /// <summary>
    /// A completed experiment: <c>run</c> skips its runs without reading their checkpoints; <c>verify</c> checks every
    /// one, also a step folder older than the latest, and names the damaged file, changing nothing.
    /// </summary>
    [Theory]
    [MemberData(nameof(Damages))]
    public void VerifyFindsADamagedCheckpointOfACompletedExperiment(string damage)
    {
        string[] verify = ["verify", _trained.Pipeline, "--models", _trained.Models];
        var intact = InProcessCli.Run(verify);
        Assert.True(intact.Exit == 0, intact.Err + intact.Out);
        Assert.Contains("checkpoint(s) verified", intact.Out);

        var rl = _trained.Run("rl");
        string damaged = Damage(rl, damage);
        var models = Snapshot(_trained.Models);
        // (run skips a completed run without reading its checkpoints; not run here: an in-process run resets libtorch's
        // global thread count, which tests training in parallel depend on.)

        var (exit, output, error) = InProcessCli.Run(verify);
        Assert.True(exit == 2, $"exit {exit}\n{error}\n{output}");
        Assert.Contains(damaged, error);
        Assert.Contains($"{rl.Id}  rl", output);
        Assert.Contains("DAMAGED", output);
        Assert.Matches(@"Fix: \S", error);
        Assert.Equal(models, Snapshot(_trained.Models));
    }

    [Fact]
    public void VerifyChecksStepFoldersOlderThanTheLatest()
    {
        var narrow = _trained.Run("pretrain_narrow");
        string oldest = Directory.GetDirectories(_trained.RunFolder(narrow), "step-*").Order(StringComparer.Ordinal).First();
        Assert.NotEqual(oldest, _trained.Checkpoint(narrow));
        FlipBit(Path.Combine(oldest, "model.bin"), 100);
        var (exit, output, error) = InProcessCli.Run("verify", _trained.Pipeline, "--models", _trained.Models);
        Assert.True(exit == 2, $"exit {exit}\n{error}\n{output}");
        Assert.Contains(Path.Combine(oldest, "model.bin"), error);
    }

    /// <summary>
    /// <c>--out</c> and <c>--models</c> moved to new paths (a new disk) with a run interrupted: the resume is refused
    /// with a message pointing at <c>--relocated</c>, which resumes it there (not over), with each step stored once.
    /// </summary>
    [Fact]
    public void MovedFoldersResumeWithRelocated()
    {
        var broad = _trained.Run("pretrain_broad");
        string moved = Path.Combine(Path.GetDirectoryName(_trained.Output)!, "moved");
        string output = Path.Combine(moved, "out"), models = Path.Combine(moved, "models");
        Directory.CreateDirectory(moved);
        Directory.Move(_trained.Output, output);
        Directory.Move(_trained.Models, models);
        try
        {
            Directory.Delete(ResultsWriter.PartitionFolder(Path.Combine(output, "results"), ResultTables.Runs, broad.Id), recursive: true);
            string[] args = ["run", _trained.Pipeline, "--out", output, "--models", models, "--datasets", Path.Combine(moved, "datasets")];

            var refused = InProcessCli.Run(args);
            Assert.True(refused.Exit == 2, refused.Err + refused.Out);
            Assert.Contains("--relocated", refused.Err);

            var (exit, stdout, stderr) = InProcessCli.Run([.. args, "--relocated"]);
            Assert.True(exit == 0, stderr + stdout);
            Assert.Contains($"[pretrain_broad {broad.Id}] --relocated", stdout);
            Assert.Contains($"[pretrain_broad {broad.Id}] resuming from step", stdout);
            var dataset = ResultsReader.Read(Path.Combine(output, "results"));
            Assert.All(dataset.Runs, r => Assert.Equal(RunStatus.Completed, r.Status));
            Assert.Empty(ResultsCheck.FindDuplicates(Path.Combine(output, "results")));
        }
        finally
        {
            Directory.Move(output, _trained.Output);
            Directory.Move(models, _trained.Models);
            Directory.Delete(moved, recursive: true);
        }
    }

    [Fact]
    public void StartingFromADamagedParentExitsTwoAndChangesNothing()
    {
        var broad = _trained.Run("pretrain_broad");
        _trained.MarkInterrupted(broad);
        Directory.Delete(_trained.RunFolder(broad), recursive: true); // broad starts over from narrow's final weights
        string damaged = Damage(_trained.Run("pretrain_narrow"), "bit-flipped model");
        AssertBadInputChangingNothing(damaged, "run", _trained.Pipeline);
    }

    [Fact]
    public void EvaluatingWithOneDamagedCheckpointExitsTwoAndAppendsNoRowsForAnyRun()
    {
        // The last run of the plan: every other run would be evaluated first if checkpoints were not checked up front.
        string damaged = Damage(_trained.Plan.Runs[^1], "truncated model");
        AssertBadInputChangingNothing(damaged, "eval", _trained.Pipeline, "--tasks", "addition", "--problems", "1", "--pass-k", "1");
    }

    [Fact]
    public void LoadingADamagedOrMismatchedCheckpointForInferenceIsBadInput()
    {
        var narrow = _trained.Run("pretrain_narrow");
        var options = new CausalLmOptions(_trained.RunFolder(narrow), narrow.Pretrain!.Model, MaxNewTokens: 4);
        CausalLmTransformer.Load(options).Dispose(); // intact: loads

        var wrongShape = Assert.Throws<BadInputException>(() => CausalLmTransformer.Load(options with { Model = options.Model with { DModel = 32 } }));
        Assert.Contains(Path.Combine(_trained.Checkpoint(narrow), "model.bin"), wrongShape.Message);

        string damaged = Damage(narrow, "bit-flipped state");
        var corrupt = Assert.Throws<BadInputException>(() => CausalLmTransformer.Load(options));
        Assert.StartsWith(damaged + ": ", corrupt.Message);
    }
}
