using System.Text.Json;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Cli;

/// <summary>
/// The <c>eval</c> verb evaluates a checkpoint exactly as the RL stage does (its temperature, completion limit,
/// difficulty, samples, pass@k, eval problems and the run's own seed), unless an option overrides a setting, and
/// every row records the settings it was measured with.
/// </summary>
[Collection(InProcessCli.Collection)] // Program.Main writes to Console
public sealed class EvalCommandTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    // rl settings that differ from every old hard-coded value of `eval` (T = 1, 24 new tokens, the base seed for every
    // run, 500 problems, 8 samples, pass@4); two seeds, so the two RL runs evaluate with different seeds.
    private const string Spec = """
        {
          "name": "eval-verb",
          "seed": 3,
          "threads": 1,
          "corpora": { "narrow": { "domains": { "task:addition": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 48 },
          "pretrain": {
            "batch_size": 4, "lr": 0.01, "warmup_steps": 1, "eval_every": 10, "eval_batches": 1, "checkpoint_every": 10,
            "phases": [ { "name": "narrow", "corpus": "narrow", "tokens": 1536 } ]
          },
          "rl": { "tasks": { "addition": 1 }, "held_out_tasks": ["string-ops"], "unrewarded_tasks": ["sorting"], "steps": 2, "prompts_per_step": 2, "group_size": 2,
                  "max_new_tokens": 5, "temperature": 2.5, "eval_every": 100, "eval_problems": 6, "eval_samples": 5, "pass_k": 3 },
          "sweep": { "seed": [3, 4] }
        }
        """;

    private string[] Dirs() =>
    [
        "--out", Path.Combine(_workspace.Root, "out"), "--models", Path.Combine(_workspace.Root, "models"),
        "--datasets", Path.Combine(_workspace.Root, "datasets"),
    ];

    private string Results => Path.Combine(_workspace.Root, "out", "results");

    private static (string, string, string, string) Key(EvalRow e) => (e.RunId, e.EvalSet, e.Split, e.Metric);

    [Fact]
    public void EvalReproducesTheRlStagesFinalEvaluationAndRecordsOverrides()
    {
        Directory.CreateDirectory(_workspace.Root);
        string pipeline = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(pipeline, Spec);
        var run = InProcessCli.Run(["run", pipeline, .. Dirs()]);
        Assert.True(run.Exit == 0, run.Out + run.Err);
        var runs = ResultsReader.ReadRuns(Results);
        var rlRuns = runs.Where(r => r.Stage == RunStage.Rl).Select(r => r.RunId).ToHashSet();
        Assert.Equal(2, rlRuns.Count);
        var stageFinal = ResultsReader.ReadEvals(Results)
            .Where(e => rlRuns.Contains(e.RunId) && e.Stage == RunStage.Rl && e.Step == 2 && e.Metric.StartsWith("pass@", StringComparison.Ordinal))
            .ToDictionary(Key);
        Assert.Equal(2 * 3 * 2, stageFinal.Count); // 2 runs × (addition, string-ops, sorting) × (pass@1, pass@3)
        // Labels come from the run's lineage: sorting is listed as unrewarded, but this lineage never pre-trained on it.
        Assert.Equal([ResultTables.HeldOut, ResultTables.InDistribution, ResultTables.Untrained],
            stageFinal.Values.GroupBy(e => e.EvalSet).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Select(e => e.Split).Distinct().Single()).Order(StringComparer.Ordinal));
        Assert.All(stageFinal.Values.Where(e => e.EvalSet == "sorting"), e => Assert.Equal(ResultTables.Untrained, e.Split));

        var eval = InProcessCli.Run(["eval", pipeline, "--json", .. Dirs()]);
        Assert.True(eval.Exit == 0, eval.Out + eval.Err);
        var verb = ResultsReader.ReadEvals(Results).Where(e => e.Stage == RunStage.Eval && rlRuns.Contains(e.RunId)).ToList();
        var verbPassAtK = verb.Where(e => e.Metric.StartsWith("pass@", StringComparison.Ordinal)).ToDictionary(Key);
        Assert.Equal(stageFinal.Keys.Order(), verbPassAtK.Keys.Order());
        foreach (var (key, own) in stageFinal)
        {
            var again = verbPassAtK[key];
            Assert.Equal((own.Step, own.Value, own.Stderr, own.N), (again.Step, again.Value, again.Stderr, again.N));
        }
        // The last pre-training phase, evaluated by `eval`, scores as its RL child did at step 0 (same weights, settings, seed).
        var all = ResultsReader.ReadEvals(Results);
        foreach (var child in runs.Where(r => r.Stage == RunStage.Rl))
        {
            var stepZero = all.Where(e => e.RunId == child.RunId && e.Stage == RunStage.Rl && e.Step == 0 && e.Metric.StartsWith("pass@", StringComparison.Ordinal)).ToList();
            var parentRows = all.Where(e => e.RunId == child.ParentRunId && e.Stage == RunStage.Eval && e.Metric.StartsWith("pass@", StringComparison.Ordinal))
                .ToDictionary(e => (e.EvalSet, e.Split, e.Metric));
            Assert.Equal(6, stepZero.Count);
            Assert.All(stepZero, e => Assert.Equal((e.Value, e.Stderr), (parentRows[(e.EvalSet, e.Split, e.Metric)].Value, parentRows[(e.EvalSet, e.Split, e.Metric)].Stderr)));
        }
        var lines = eval.Out.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines.Where(l => l.GetProperty("metric").GetString() != "greedy_accuracy"), l =>
        {
            Assert.Equal(2.5, l.GetProperty("temperature").GetDouble());
            Assert.Equal(5, l.GetProperty("max_new_tokens").GetInt32());
            Assert.Equal(5, l.GetProperty("samples_per_problem").GetInt32());
            Assert.Equal(6, l.GetProperty("n").GetInt32());
        });

        // An override is recorded in the rows it produces.
        var overridden = InProcessCli.Run(["eval", pipeline, "--temperature", "0.5", "--max-new-tokens", "3", "--samples", "4", "--tasks", "addition", .. Dirs()]);
        Assert.True(overridden.Exit == 0, overridden.Out + overridden.Err);
        // The overridden rows sit beside the RL stage's own rows of the same key and never replace them.
        var afterOverride = ResultsReader.ReadEvals(Results).Where(e => e.Stage == RunStage.Rl && e.Step == 2).ToDictionary(Key);
        Assert.All(stageFinal, own => Assert.Equal(own.Value.Value, afterOverride[own.Key].Value));
        var records = PartRecords();
        Assert.Contains(records, r => r.Stage == "eval" && r.Temperature == 0.5 && r.MaxNewTokens == 3 && r.SamplesPerProblem == 4 && r.Metric == "pass@1");
        Assert.Contains(records, r => r.Stage == "rl" && r.Temperature == 2.5 && r.MaxNewTokens == 5 && r.Difficulty == 1 && r.Metric == "pass@3");
        Assert.Contains(records, r => r.Stage == "rl" && r.Temperature == 0 && r.Metric == "greedy_accuracy");

        // Families named with --tasks at another difficulty are labelled by what each run trained on, not
        // in_distribution: addition is rewarded at difficulty 1 only, list-ops is in no training data. The problems are
        // checked against each run's training data and the check is recorded with stage eval.
        var named = InProcessCli.Run(["eval", pipeline, "--tasks", "list-ops", "addition", "--difficulty", "2", "--problems", "3",
            "--samples", "2", "--pass-k", "2", "--json", .. Dirs()]);
        Assert.True(named.Exit == 0, named.Out + named.Err);
        Assert.Contains("contamination check: 0 of 24 evaluation prompts (4 runs)", named.Err, StringComparison.Ordinal);
        var namedRows = named.Out.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement)
            .Select(l => (Run: l.GetProperty("run_id").GetString(), Family: l.GetProperty("family").GetString(), Split: l.GetProperty("split").GetString()))
            .Distinct().ToList();
        Assert.Equal(8, namedRows.Count); // 4 runs (2 pre-training, 2 RL) × 2 families
        Assert.All(namedRows, r => Assert.Equal(r.Family == "addition" ? ResultTables.OtherDifficulty : ResultTables.Untrained, r.Split));
        var checks = ResultsReader.ReadContamination(Results)
            .Where(c => c.Stage == RunStage.Eval && (c.EvalSet == "list-ops" || c.Split == ResultTables.OtherDifficulty)).ToList();
        Assert.Equal(8, checks.Count);
        Assert.All(checks, c => Assert.Equal((3L, 0L), (c.EvalPrompts, c.Contaminated)));
        Assert.Equal(6, ResultsReader.ReadContamination(Results).Count(c => c.Stage == RunStage.Rl)); // run's own rows stay

        // pass_k above the overridden samples is bad input naming the setting.
        var bad = InProcessCli.Run(["eval", pipeline, "--samples", "2", .. Dirs()]);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("$.rl.pass_k", bad.Err);

        // Several k's give one row each; train-split problems are labelled train_problems.
        var curve = InProcessCli.Run(["eval", pipeline, "--tasks", "addition", "--problems", "3", "--samples", "4", "--pass-k", "1", "2", "4",
            "--problem-split", "train", "--json", .. Dirs()]);
        Assert.True(curve.Exit == 0, curve.Out + curve.Err);
        var curveRows = curve.Out.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["pass@1", "pass@2", "pass@4"], curveRows.Select(l => l.GetProperty("metric").GetString()).Where(m => m!.StartsWith("pass@", StringComparison.Ordinal)).Distinct().Order());
        Assert.All(curveRows, l => Assert.Equal(ResultTables.TrainProblems, l.GetProperty("split").GetString()));
        Assert.All(curveRows, l => Assert.Equal(0, l.GetProperty("shots").GetInt32()));

        foreach (var (option, value) in new[] { ("--problem-split", "both"), ("--shots", "-1"), ("--pass-k", "0") })
        {
            var refused = InProcessCli.Run(["eval", pipeline, option, value, .. Dirs()]);
            Assert.Equal(2, refused.Exit);
            Assert.Contains(option, refused.Err, StringComparison.Ordinal);
        }
    }

    private List<EvalRecord> PartRecords() =>
        [.. ResultsReader.ReadRuns(Results).SelectMany(r => ResultFiles.Evals(Results, r.RunId))];
}
