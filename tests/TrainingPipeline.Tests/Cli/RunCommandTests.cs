using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Cli;

/// <summary>The command line as users call it: exit codes, and a tiny pipeline end to end through every stage.</summary>
[Collection(InProcessCli.Collection)] // these tests redirect Console
public sealed class RunCommandTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private const string Tiny = """
        {
          "name": "cli-tiny",
          "seed": 2,
          "threads": 2,
          "corpora": {
            "narrow": { "domains": { "task:addition": 1 } },
            "broad": { "domains": { "task:addition": 1, "task:code-trace": 1, "sort-trace": 1 } }
          },
          "held_out_domains": ["kv-records"],
          "model": { "n_layer": 1, "n_head": 2, "d_model": 32, "context_length": 64 },
          "pretrain": {
            "batch_size": 8, "lr": 0.01, "warmup_steps": 2, "eval_every": 10, "eval_batches": 1, "checkpoint_every": 10,
            "phases": [
              { "name": "narrow", "corpus": "narrow", "tokens": 10240 },
              { "name": "broad", "corpus": "broad", "tokens": 10240 }
            ]
          },
          "rl": { "tasks": { "addition": 1 }, "held_out_tasks": ["subtraction"], "steps": 2, "prompts_per_step": 2,
                  "group_size": 4, "max_new_tokens": 8, "eval_problems": 4, "eval_samples": 2, "pass_k": 1 },
          "analysis": { "bootstrap": 20 },
          "sweep": { "model.d_model": [16, 32] }
        }
        """;

    private static (int Exit, string Out, string Err) Cli(params string[] args) => InProcessCli.Run(args);

    private string Write(string json)
    {
        Directory.CreateDirectory(_workspace.Root);
        string path = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(path, json);
        return path;
    }

    private string[] Dirs() => new[]
    {
        "--out", Path.Combine(_workspace.Root, "out"), "--models", Path.Combine(_workspace.Root, "models"),
        "--datasets", Path.Combine(_workspace.Root, "datasets"),
    };

    [Fact]
    public void TinyPipelineRunsEveryStageThenSkipsCompletedRunsOnRerun()
    {
        string pipeline = Write(Tiny);
        var (exit, output, error) = Cli(new[] { "run", pipeline }.Concat(Dirs()).ToArray());
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        string results = Path.Combine(_workspace.Root, "out", "results");
        var dataset = ResultsReader.Read(results);
        // Two sweep points × (narrow, broad, rl) = 6 runs, all completed, each pre-training step stored once.
        Assert.Equal(6, dataset.Runs.Count);
        Assert.All(dataset.Runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(dataset.Steps.Count, dataset.Steps.Select(s => (s.RunId, s.Step)).Distinct().Count());
        Assert.Contains(dataset.Evals, e => e.Split == ResultTables.HeldOut && e.Metric == "pass@1" && e.EvalSet == "subtraction");
        Assert.True(File.Exists(Path.Combine(_workspace.Root, "out", "analysis", "report.html")), output);

        var again = Cli(new[] { "run", pipeline }.Concat(Dirs()).ToArray());
        Assert.Equal(0, again.Exit);
        Assert.Equal(6, again.Out.Split('\n').Count(l => l.Contains("already completed: skipped", StringComparison.Ordinal)));

        // eval: every run's checkpoint on the pipeline's tasks (addition, held-out subtraction), 2 metrics each
        // (pass@1 from sampled completions and greedy_accuracy; pass@k only for k ≥ 2).
        var eval = Cli(new[] { "eval", pipeline, "--problems", "2", "--pass-k", "1", "--json" }.Concat(Dirs()).ToArray());
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Equal(6 * 2 * 2, eval.Out.Trim().Split('\n').Length);
        Assert.Contains(ResultsReader.Read(results).Evals, e => e.Stage == RunStage.Eval && e.EvalSet == "subtraction" && e.Split == ResultTables.HeldOut);
    }

    [Fact]
    public void BadSpecExitsTwoNamingFileFieldAndFix()
    {
        string pipeline = Write(Tiny.Replace("\"batch_size\": 8", "\"batch_sise\": 8"));
        var (exit, _, error) = Cli(new[] { "run", pipeline }.Concat(Dirs()).ToArray());
        Assert.Equal(2, exit);
        Assert.Contains(pipeline, error);
        Assert.Contains("$.pretrain.batch_sise", error);
        Assert.Contains("Fix:", error);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, "out", "results")), "nothing may be written for a bad spec");
    }

    [Fact]
    public void MissingPipelineFileAndUnknownOptionExitTwo()
    {
        Assert.Equal(2, Cli("run", Path.Combine(_workspace.Root, "nope.json")).Exit);
        Assert.Equal(2, Cli("run", "x.json", "--no-such-option").Exit);
    }

    [Fact]
    public void PlanListsStableRunIds()
    {
        string pipeline = Write(Tiny);
        var first = Cli("plan", pipeline, "--json");
        var second = Cli("plan", pipeline, "--json");
        Assert.Equal(0, first.Exit);
        Assert.Equal(6, first.Out.Trim().Split('\n').Length);
        Assert.Equal(first.Out, second.Out);

        // --precision overrides the pipeline's precision, which is part of every run id (unlike --device).
        var bf16 = Cli("plan", pipeline, "--json", "--precision", "bf16");
        Assert.Equal(0, bf16.Exit);
        Assert.Empty(first.Out.Trim().Split('\n').Intersect(bf16.Out.Trim().Split('\n')));
        Assert.Equal(first.Out, Cli("plan", pipeline, "--json", "--precision", "fp32").Out);
        var bad = Cli("plan", pipeline, "--precision", "fp16");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("use fp32 or bf16", bad.Err);
    }

    [Fact]
    public void PlanRefusesHoldingOutBooleanLogicWhenPreTrainingOnLogicBool()
    {
        // The referee's spec: logic-bool writes boolean-logic's problems as "Evaluate: E" with the reduction below.
        string spec = Tiny.Replace("\"task:addition\": 1, \"task:code-trace\": 1, \"sort-trace\": 1", "\"task:addition@3\": 1, \"logic-bool@2\": 1, \"logic-bool@3\": 1")
            .Replace("\"held_out_tasks\": [\"subtraction\"]", "\"held_out_tasks\": [\"boolean-logic\"]");
        Assert.Contains("logic-bool@3", spec);
        var (exit, output, error) = Cli("plan", Write(spec));
        Assert.True(exit == 2, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("$.rl.held_out_tasks[0]", error);
        Assert.Contains("renders 'boolean-logic'", error);
    }
}
