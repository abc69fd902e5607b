using TrainingPipeline.Config;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;
using TrainingPipeline.Testing;
using TrainingPipeline.Tests.Config;
using TrainingPipeline.Training;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>
/// Pipelines with <c>"tokenizer": "bpe:&lt;V&gt;"</c> end to end: the tokenizer is trained once into the datasets cache,
/// the model's vocabulary is V, every loss evaluation is recorded in nats per token and in bits per byte, and the RL
/// stage encodes prompts and decodes completions with it.
/// </summary>
public sealed class BpePipelineTests : IDisposable
{
    private const string Shakespeare = "tinyshakespeare/input.txt";
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static string Spec(string tokenizer, string domain, string rl = "") => $$"""
        {
          "name": "own-text",
          "seed": 5,
          "threads": 1,
          "tokenizer": "{{tokenizer}}",
          "corpora": { "text": { "domains": { "{{domain}}": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 32 },
          "pretrain": { "batch_size": 4, "lr": 0.01, "warmup_steps": 1, "eval_every": 4, "eval_batches": 2,
                        "phases": [ { "name": "text", "corpus": "text", "tokens": 1024 } ] }
          {{rl}}
        }
        """;

    private const string Rl = """
        , "rl": { "tasks": { "addition": 1 }, "difficulty": 1, "steps": 2, "prompts_per_step": 2, "group_size": 2,
                  "max_new_tokens": 6, "eval_problems": 3, "pass_k": 1 }
        """;

    private (IReadOnlyList<EvalRow> Evals, IReadOnlyList<RunRow> Runs, RunEnvironment Env, RunPlan Plan) Train(string json)
    {
        var plan = TestPlans.RealPlan(json);
        var env = _workspace.Environment();
        Assert.All(new PipelineRunner(env).Run(plan), o => Assert.Equal(RunOutcomeKind.Completed, o.Outcome));
        return (ResultsReader.ReadEvals(env.ResultsRoot), ResultsReader.ReadRuns(env.ResultsRoot), env, plan);
    }

    /// <summary>Each loss row has a bits-per-byte row for the same step and set, whose bytes are at least its tokens.</summary>
    private static List<(EvalRow Loss, EvalRow PerByte)> LossPairs(IReadOnlyList<EvalRow> evals)
    {
        var losses = evals.Where(e => e.Metric == "loss").ToList();
        Assert.NotEmpty(losses);
        var pairs = losses.Select(l => (l, Assert.Single(evals, e => e.Metric == PretrainStage.BitsPerByteMetric
            && e.RunId == l.RunId && e.Step == l.Step && e.EvalSet == l.EvalSet && e.Split == l.Split))).ToList();
        Assert.Equal(losses.Count, evals.Count(e => e.Metric == PretrainStage.BitsPerByteMetric));
        return pairs;
    }

    [Fact]
    public void ABpePipelinePretrainsAndRunsRlWithItsOwnTokenizer()
    {
        var (evals, runs, env, plan) = Train(Spec("bpe:320", "nl-story", Rl));

        Assert.Single(Directory.GetFiles(Path.Combine(env.Datasets, "tokenizers"), "*.tiktoken"));
        Assert.All(runs, r => Assert.Contains("\"vocab_size\":320", r.ConfigJson));
        Assert.All(runs, r => Assert.Contains("\"tokenizer\":\"bpe:320\"", r.ConfigJson));
        foreach (var (loss, perByte) in LossPairs(evals))
        {
            Assert.True(perByte.N > loss.N, $"{perByte.N} bytes for {loss.N} tokens: BPE tokens hold several bytes");
            Assert.Equal(loss.Value * loss.N / (Math.Log(2) * perByte.N), perByte.Value, 9);
        }
        // The RL stage sampled and evaluated with the BPE (prompts encoded, completions decoded and verified).
        Assert.Contains(evals, e => e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1" && double.IsFinite(e.Value));
        // So does the eval verb's stage, on every run's checkpoint (the pre-training one has a 320-row embedding too).
        var measured = new EvaluationStage(env, plan, "test.json").Run(new EvaluationRequest(["addition"], new TaskEvalOverrides(Problems: 2, Samples: 2, PassK: 1, MaxNewTokens: 4))).Metrics;
        Assert.Equal(plan.Runs.Select(r => r.Id).Order(), measured.Where(m => m.Metric.Metric == "pass@1").Select(m => m.Run.Id).Order());
    }

    [Fact]
    public void WithTheByteTokenizerEveryBitsPerByteRowIsItsLossOverLnTwo()
    {
        var (evals, _, _, _) = Train(Spec("byte", "nl-story"));
        foreach (var (loss, perByte) in LossPairs(evals))
        {
            Assert.Equal(loss.N, perByte.N);
            Assert.Equal(loss.Value / Math.Log(2), perByte.Value, 12);
            Assert.Equal(loss.Stderr / Math.Log(2), perByte.Stderr, 12);
        }
    }

    [SharedDataFact(Shakespeare)]
    public void AUsersOwnTextTrainsWithABpeTokenizer()
    {
        string text = SharedData.PathOf(Shakespeare).Replace('\\', '/');
        var (evals, runs, _, _) = Train(Spec("bpe:400", "text:" + text));
        Assert.All(runs, r => Assert.Contains("\"vocab_size\":400", r.ConfigJson));
        var pairs = LossPairs(evals);
        Assert.All(pairs, p => Assert.True(double.IsFinite(p.PerByte.Value) && p.PerByte.Value > 0));
        Assert.All(pairs, p => Assert.True(p.PerByte.N > 1.5 * p.Loss.N, $"{p.PerByte.N} bytes for {p.Loss.N} tokens"));
    }
}
