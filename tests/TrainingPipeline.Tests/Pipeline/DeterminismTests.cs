using System.Text.Json.Nodes;
using TrainingPipeline.Config;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Testing;
using Xunit.Abstractions;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>
/// Issue 9: two runs of the quickstart with the same seed on CPU give identical <c>steps</c> and <c>evals</c> tables,
/// apart from the wall-clock columns. The real quickstart takes minutes per run (bench/determinism.sh runs it); here
/// the same pipeline file, shrunk in code, runs twice into two separate workspaces.
/// </summary>
[Collection(GlobalTorchRng.Name)] // model initialisation draws from libtorch's global generator
public sealed class DeterminismTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempWorkspace _first = new();
    private readonly TempWorkspace _second = new();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    /// <summary>
    /// pipelines/quickstart.json with its structure kept (one broad corpus, held-out domains, a grid of model sizes
    /// without RL and seeds of one point with RL: a sweep list) and its budgets cut: 8 pre-training steps, 3 RL steps
    /// (evaluated at steps 0, 1 and 3), two sizes and two seeds.
    /// Checkpoints and result flushes fall mid-run, as in the real one.
    /// </summary>
    internal static string ScaledDownQuickstart()
    {
        string path = Path.Combine(SharedData.RepositoryRoot(), "pipelines", "quickstart.json");
        var spec = JsonNode.Parse(File.ReadAllText(path), documentOptions: SpecJson.Document)!.AsObject();
        spec["name"] = "quickstart-small";
        spec.Remove("analysis"); // not under test, and PipelineRunner does not run it
        var pretrain = spec["pretrain"]!.AsObject();
        pretrain["batch_size"] = 8;
        pretrain["warmup_steps"] = 2;
        pretrain["eval_every"] = 4;
        pretrain["eval_batches"] = 1;
        pretrain["checkpoint_every"] = 4;
        var phases = pretrain["phases"]!.AsArray();
        var context = spec["model"]!["context_length"]!.GetValue<int>();
        phases[0]!["tokens"] = 8 * 8 * context;  // 8 steps of 8 sequences
        var rl = spec["rl"]!.AsObject();
        rl["steps"] = 3;
        rl["prompts_per_step"] = 2;
        rl["group_size"] = 4;
        rl["max_new_tokens"] = 8;
        rl["eval_every"] = 3;
        rl["eval_at_steps"] = new JsonArray(1); // the quickstart's log-spaced evaluations, scaled to 3 steps
        rl["eval_problems"] = 4;
        rl["eval_samples"] = 2;
        rl["pass_k"] = 2;
        rl["checkpoint_every"] = 2; // a checkpoint and result flush at step 2, the rest at the end
        var sweep = spec["sweep"]!.AsArray();
        Assert.Equal(2, sweep.Count); // the sizes grid without RL, then the seeds with RL
        sweep[0] = JsonNode.Parse("""{ "model.d_model": [16, 24], "rl": [null] }""");
        sweep[1] = JsonNode.Parse("""{ "seed": [1, 2] }""");
        return spec.ToJsonString();
    }

    [Fact]
    public void ScaledDownQuickstartTwiceGivesIdenticalStepsAndEvals()
    {
        var plan = TestPlans.RealPlan(ScaledDownQuickstart());
        Assert.Equal(6, plan.Runs.Count); // two sizes pre-trained without RL; the base size, pre-trained and RL, × 2 seeds
        var sink = new FinishedRunsLog(output);
        var first = _first.Environment(sink);
        var second = _second.Environment(sink); // its own models, datasets (corpora generated again) and results
        Assert.All(new PipelineRunner(first).Run(plan), o => Assert.Equal(RunOutcomeKind.Completed, o.Outcome));
        Assert.All(new PipelineRunner(second).Run(plan), o => Assert.Equal(RunOutcomeKind.Completed, o.Outcome));

        foreach (var table in new[] { ResultTables.Steps, ResultTables.Evals })
        {
            var rows = ResultTablesComparison.Read(first.ResultsRoot, table);
            Assert.NotEmpty(rows.Rows);
            Assert.Empty(ResultTablesComparison.Differences(first.ResultsRoot, second.ResultsRoot, table));
        }
        Assert.Equal(ResultsReader.ReadRuns(first.ResultsRoot).Select(r => (r.RunId, r.Status)),
            ResultsReader.ReadRuns(second.ResultsRoot).Select(r => (r.RunId, r.Status)));
        // Every run and stage contributed: pre-training losses, RL rewards, pass@k evaluations.
        var steps = ResultTablesComparison.Read(first.ResultsRoot, ResultTables.Steps);
        Assert.Equal(4 * 8 + 2 * 3, steps.Rows.Count); // 4 pre-training runs of 8 steps, 2 RL runs of 3
        var evals = ResultTablesComparison.Read(first.ResultsRoot, ResultTables.Evals);
        int metric = evals.Columns.ToList().IndexOf("metric");
        Assert.Contains(evals.Rows, r => r[metric] == "pass@2");
    }

    [Fact]
    public void ComparisonIgnoresOnlyWallClockColumns()
    {
        StepRecord Row(long step, double loss, double seconds) => new()
        {
            Stage = "pretrain_narrow",
            Step = step,
            Loss = loss,
            WallSeconds = seconds,
            TokensPerSecond = 100 / seconds,
            WrittenAt = DateTime.UtcNow,
        };
        string a = Path.Combine(_first.Root, "results"), b = Path.Combine(_second.Root, "results"), c = Path.Combine(_first.Root, "other");
        new ResultsWriter(a).AppendSteps(ResultTables.Steps, "r1", 1, 2, [Row(1, 2.5, 1.0), Row(2, 2.25, 2.0)]);
        new ResultsWriter(b).AppendSteps(ResultTables.Steps, "r1", 1, 2, [Row(1, 2.5, 1.5), Row(2, 2.25, 3.5)]);
        new ResultsWriter(c).AppendSteps(ResultTables.Steps, "r1", 1, 2, [Row(1, 2.5, 1.0), Row(2, 2.2500000000000004, 2.0)]);
        Assert.Empty(ResultTablesComparison.Differences(a, b, ResultTables.Steps));
        var difference = Assert.Single(ResultTablesComparison.Differences(a, c, ResultTables.Steps));
        Assert.Contains("loss = 2.25 vs 2.2500000000000004", difference); // one ulp is a difference
        Assert.Contains("step 2", difference);
    }

    /// <summary>
    /// The comparison of bench/determinism.sh when no DuckDB CLI is installed: TP_DETERMINISM_A and TP_DETERMINISM_B
    /// name two results folders (the <c>results</c> folder under each run's --out).
    /// </summary>
    [DeterminismFoldersFact]
    public void GivenResultsFoldersHaveIdenticalStepsAndEvals()
    {
        string a = DeterminismFoldersFactAttribute.FolderA!, b = DeterminismFoldersFactAttribute.FolderB!;
        foreach (var table in new[] { ResultTables.Steps, ResultTables.Evals })
        {
            var rows = ResultTablesComparison.Read(a, table);
            Assert.NotEmpty(rows.Rows);
            var differences = ResultTablesComparison.Differences(a, b, table);
            Assert.True(differences.Count == 0, string.Join("\n", differences));
            output.WriteLine($"{table}: {rows.Rows.Count} rows × {rows.Columns.Count} columns identical (wall-clock columns left out)");
        }
    }
}

/// <summary>A fact that runs only when TP_DETERMINISM_A and TP_DETERMINISM_B name two results folders (bench/determinism.sh).</summary>
public sealed class DeterminismFoldersFactAttribute : FactAttribute
{
    public static string? FolderA => Environment.GetEnvironmentVariable("TP_DETERMINISM_A");
    public static string? FolderB => Environment.GetEnvironmentVariable("TP_DETERMINISM_B");

    public DeterminismFoldersFactAttribute()
    {
        if (string.IsNullOrEmpty(FolderA) || string.IsNullOrEmpty(FolderB))
            Skip = "compares two results folders given by bench/determinism.sh (TP_DETERMINISM_A, TP_DETERMINISM_B)";
    }
}

/// <summary>When each run finished, in the test's output (the test's time depends on the machine's load).</summary>
internal sealed class FinishedRunsLog(ITestOutputHelper output) : IProgressSink
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public void Started(string runId, string stage, long totalSteps, string description) { }
    public void Update(ProgressUpdate update) { }
    public void Finished(string runId, string stage, string summary) =>
        output.WriteLine(FormattableString.Invariant($"{_clock.Elapsed.TotalSeconds,6:F1} s  {stage} {runId}: {summary}"));
    public void Log(string message) { }
}
