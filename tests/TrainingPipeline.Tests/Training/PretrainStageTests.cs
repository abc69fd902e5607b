using DuckDB.NET.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Training;
using TorchSharp;
using static TorchSharp.torch;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Training;

[Collection(GlobalTorchRng.Name)] // compares trainings number for number: the initial weights must not be disturbed
public sealed class PretrainStageTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    internal const string TwoPhases = """
        {
          "name": "pt-test",
          "seed": 5,
          "threads": 2,
          "corpora": {
            "narrow": { "domains": { "arith-add": 1 } },
            "broad": { "domains": { "arith-add": 1, "sort-trace": 1 } }
          },
          "held_out_domains": ["kv-records"],
          "model": { "n_layer": 1, "n_head": 2, "d_model": 32, "context_length": 32 },
          "pretrain": {
            "batch_size": 8, "lr": 0.01, "warmup_steps": 2, "eval_every": 5, "eval_batches": 2, "checkpoint_every": 4,
            "phases": [
              { "name": "narrow", "corpus": "narrow", "tokens": 6144 },
              { "name": "broad", "corpus": "broad", "tokens": 6144 }
            ]
          }
        }
        """;

    private static List<(string Run, long Step, double Loss, double Flops)> Steps(DuckDBConnection db, string root)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"select run_id, step, loss, flops from read_parquet('{root}/steps/**/*.parquet', hive_partitioning=true) order by run_id, step";
        using var reader = cmd.ExecuteReader();
        var rows = new List<(string, long, double, double)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
        return rows;
    }

    [Fact]
    public void TwoPhasesTrainLearnAndRecordEveryStepOnce()
    {
        var plan = TestPlans.RealPlan(TwoPhases);
        var env = _workspace.Environment();
        var outcomes = new PipelineRunner(env).Run(plan);
        Assert.Equal(new[] { RunOutcomeKind.Completed, RunOutcomeKind.Completed }, outcomes.Select(o => o.Outcome));

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        var steps = Steps(db, env.ResultsRoot);
        // 6144 tokens / (8 × 32) = 24 steps per phase, each exactly once.
        foreach (var run in plan.Runs)
            Assert.Equal(Enumerable.Range(1, 24).Select(i => (long)i), steps.Where(s => s.Run == run.Id).Select(s => s.Step));
        var narrow = steps.Where(s => s.Run == plan.Runs[0].Id).ToList();
        Assert.True(narrow[^1].Loss < narrow[0].Loss - 1.0, $"loss should fall: {narrow[0].Loss:F3} → {narrow[^1].Loss:F3}");
        // The broad phase's FLOPs count on top of the narrow phase's.
        var broad = steps.Where(s => s.Run == plan.Runs[1].Id).ToList();
        Assert.Equal(narrow[^1].Flops * 2, broad[^1].Flops, 6);

        using var cmd = db.CreateCommand();
        cmd.CommandText = $"select split, count(*) from read_parquet('{env.ResultsRoot}/evals/**/*.parquet', hive_partitioning=true) " +
                          "where metric = 'loss' group by split order by split";
        using var reader = cmd.ExecuteReader();
        var counts = new Dictionary<string, long>();
        while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
        Assert.True(counts["held_out"] > 0 && counts["in_distribution"] > 0);

        // Re-running skips both completed runs.
        var again = new PipelineRunner(env).Run(plan);
        Assert.Equal(new[] { RunOutcomeKind.Skipped, RunOutcomeKind.Skipped }, again.Select(o => o.Outcome));
    }

    [Fact]
    public void ADomainTooSmallForADisjointEvaluationSetIsLabelledTrainSampleNotInDistribution()
    {
        // task:addition@1 has 100 problems, far fewer distinct documents than 40 evaluation batches need; sort-trace has
        // plenty. A loss row of the small domain must not claim unseen data.
        var plan = TestPlans.RealPlan("""
            {
              "name": "small-domain",
              "seed": 5,
              "threads": 1,
              "corpora": { "narrow": { "domains": { "task:addition@1": 1, "sort-trace": 1 } } },
              "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 16 },
              "pretrain": { "batch_size": 2, "eval_batches": 40, "phases": [ { "name": "narrow", "corpus": "narrow", "tokens": 64 } ] }
            }
            """);
        var env = _workspace.Environment();
        new PipelineRunner(env).Run(plan);

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"select distinct eval_set, split from read_parquet('{env.ResultsRoot}/evals/**/*.parquet', hive_partitioning=true) " +
                          "where metric = 'loss' order by eval_set";
        using var reader = cmd.ExecuteReader();
        var splits = new List<(string, string)>();
        while (reader.Read()) splits.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Equal(new[] { ("sort-trace", ResultTables.InDistribution), ("task:addition@1", ResultTables.TrainSample) }, splits);
    }

    [Fact]
    public void InterruptedRunResumesToTheSameLossesAsAnUninterruptedOne()
    {
        var plan = TestPlans.RealPlan(TwoPhases);
        var straight = _workspace.Environment(output: "straight");
        new PipelineRunner(straight).Run(plan);

        // Interrupt the narrow phase after step 10 (a checkpoint exists at step 8), as SIGTERM would.
        using var cancel = new CancellationTokenSource();
        var stopper = new StopAt(plan.Runs[0].Id, 10, cancel);
        var interrupted = _workspace.Environment(stopper, cancel.Token, output: "resumed") with { Models = Path.Combine(_workspace.Root, "models2") };
        Assert.Throws<OperationCanceledException>(() => new PipelineRunner(interrupted).Run(plan));
        Assert.Equal(RunStatus.Interrupted, RunLedger.LatestStatus(interrupted.ResultsRoot, plan.Runs[0].Id));
        var resumed = interrupted with { Progress = NullProgress.Instance, Cancellation = default };
        new PipelineRunner(resumed).Run(plan);

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        var a = Steps(db, straight.ResultsRoot);
        var b = Steps(db, resumed.ResultsRoot);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Run, b[i].Run);
            Assert.Equal(a[i].Step, b[i].Step);
            Assert.Equal(a[i].Loss, b[i].Loss); // bit-identical on CPU with the same seed and threads
        }
    }

    [Fact]
    public void Bf16PretrainingLearnsStaysWithinAMarginOfFp32AndCheckpointsFp32()
    {
        var fp32 = TestPlans.RealPlan(TwoPhases).Runs[0];
        var bf16 = TestPlans.RealPlan(TwoPhases.Replace("\"seed\": 5,", "\"seed\": 5, \"precision\": \"bf16\",", StringComparison.Ordinal)).Runs[0];
        Assert.NotEqual(fp32.Id, bf16.Id); // precision is part of the run's identity
        Assert.Equal(Precision.Bf16, bf16.Pretrain!.Precision);

        var env = _workspace.Environment();
        new PretrainStage(env, "pt-test").Run(fp32);
        new PretrainStage(env, "pt-test").Run(bf16);

        // Same seed, same data, same initial weights: 24 steps at lr 0.01. Measured: the bf16 loss is within 3e-4 of
        // the fp32 loss at every step, evaluation losses within 0.02 (0.051 since arith-add and sort-trace skip
        // documents stating eval problems: other data). A bf16 path that lost gradients or rounded the master weights
        // would miss these margins by far.
        var a = ResultFiles.Steps(env.ResultsRoot, fp32.Id);
        var b = ResultFiles.Steps(env.ResultsRoot, bf16.Id);
        Assert.Equal(24, b.Count);
        Assert.True(b[^1].Loss < b[0].Loss - 1.0, $"bf16 loss should fall: {b[0].Loss:F3} → {b[^1].Loss:F3}");
        double stepMargin = a.Zip(b).Max(p => Math.Abs(p.First.Loss!.Value - p.Second.Loss!.Value));
        Assert.True(stepMargin < 0.01, $"bf16 training loss strays {stepMargin:F4} from fp32");
        var evalsA = ResultFiles.Evals(env.ResultsRoot, fp32.Id);
        var evalsB = ResultFiles.Evals(env.ResultsRoot, bf16.Id);
        Assert.Equal(evalsA.Select(e => (e.Step, e.EvalSet)), evalsB.Select(e => (e.Step, e.EvalSet)));
        double evalMargin = evalsA.Zip(evalsB).Max(p => Math.Abs(p.First.Value - p.Second.Value));
        Assert.True(evalMargin < 0.08, $"bf16 evaluation loss strays {evalMargin:F4} from fp32");

        // The runs table records the precision in config_json; fp32 stays implicit, so older fp32 ids are unchanged.
        var runs = ResultsReader.Read(env.ResultsRoot).Runs;
        Assert.Contains("\"precision\":\"bf16\"", runs.Single(r => r.RunId == bf16.Id).ConfigJson);
        Assert.DoesNotContain("precision", runs.Single(r => r.RunId == fp32.Id).ConfigJson);

        // The checkpoint holds the fp32 master weights: 4 bytes per parameter, and it loads into an fp32 model,
        // which a bf16 copy of the weights would not (loading checks each tensor's dtype).
        string checkpoint = Directory.GetDirectories(env.RunDirectory("pt-test", bf16.Id), "step-*").Order().Last();
        string modelFile = Path.Combine(checkpoint, "model.bin");
        var config = bf16.Pretrain.Model;
        Assert.True(new FileInfo(modelFile).Length >= 4 * config.ParamsTotal);
        using var restored = new Gpt(config, Precision.Bf16);
        restored.load(modelFile);
        Assert.All(restored.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var halved = new Gpt(config);
        halved.to(ScalarType.BFloat16);
        string halvedFile = Path.Combine(_workspace.Root, "bf16-weights.bin");
        halved.save(halvedFile);
        Assert.ThrowsAny<Exception>(() => new Gpt(config).load(halvedFile));
    }

    private sealed class StopAt(string runId, long step, CancellationTokenSource cancel) : IProgressSink
    {
        public void Started(string id, string stage, long totalSteps, string description) { }
        public void Update(ProgressUpdate update)
        {
            if (update.RunId == runId && update.Step == step) cancel.Cancel();
        }
        public void Finished(string id, string stage, string summary) { }
        public void Log(string message) { }
    }
}
