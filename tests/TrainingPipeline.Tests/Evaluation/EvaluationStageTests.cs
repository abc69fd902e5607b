using TrainingPipeline.Config;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Evaluation;

/// <summary>
/// The evaluation stage in core (what the <c>eval</c> verb runs): it measures a run's latest checkpoint, reports each
/// metric as it is measured, and appends exactly those rows with stage <c>eval</c> at the checkpoint's step; bad input
/// stops it before anything is written. The verb's printing and settings are covered by <c>EvalCommandTests</c>.
/// </summary>
public sealed class EvaluationStageTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private const string Spec = """
        {
          "name": "eval-stage",
          "seed": 7,
          "threads": 1,
          "corpora": { "narrow": { "domains": { "task:addition": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 32 },
          "pretrain": { "batch_size": 2, "eval_batches": 1, "phases": [ { "name": "narrow", "corpus": "narrow", "tokens": 320 } ] }
        }
        """;

    private static readonly TaskEvalOverrides Small = new(Problems: 3, Samples: 2, PassK: 2, MaxNewTokens: 3);

    [Fact]
    public void MeasuresTheLatestCheckpointAndAppendsWhatItReports()
    {
        var plan = TestPlans.RealPlan(Spec);
        var env = _workspace.Environment();
        Assert.All(new PipelineRunner(env).Run(plan), o => Assert.Equal(RunOutcomeKind.Completed, o.Outcome));
        long finalStep = ResultsReader.ReadSteps(env.ResultsRoot).Max(s => s.Step);
        int trainingEvals = ResultsReader.ReadEvals(env.ResultsRoot).Count;

        var reported = new List<EvaluatedMetric>();
        var metrics = new EvaluationStage(env, plan, "test.json").Run(new EvaluationRequest(["addition"], Small), reported.Add);

        Assert.Equal(metrics, reported);
        Assert.Contains(metrics, m => m.Metric.Metric == "pass@1");
        Assert.All(metrics, m => Assert.Equal((plan.Runs[0].Id, finalStep, "addition", ResultTables.InDistribution), (m.Run.Id, m.Step, m.Family, m.Split)));
        var rows = ResultsReader.ReadEvals(env.ResultsRoot).Where(e => e.Stage == EvaluationStage.Stage).ToList();
        Assert.Equal(trainingEvals, ResultsReader.ReadEvals(env.ResultsRoot).Count - rows.Count);
        Assert.Equal(metrics.Select(m => (m.Metric.Metric, m.Metric.Value, m.Step)).Order(),
            rows.Select(r => (r.Metric, r.Value, r.Step)).Order());
    }

    [Fact]
    public void WithoutFamiliesOrCheckpointsItStopsBeforeWritingAnything()
    {
        var plan = TestPlans.RealPlan(Spec);
        var env = _workspace.Environment();
        var stage = new EvaluationStage(env, plan, "test.json");
        var none = Assert.Throws<BadInputException>(() => stage.Run(new EvaluationRequest(["addition"], Small)));
        Assert.Contains("no run of this pipeline has a checkpoint", none.Message, StringComparison.Ordinal);

        new PipelineRunner(env).Run(plan);
        int before = ResultsReader.ReadEvals(env.ResultsRoot).Count;
        // No --tasks and no rl section to take them from.
        var noFamilies = Assert.Throws<BadInputException>(() => stage.Run(new EvaluationRequest(null, Small)));
        Assert.Contains("no rl section", noFamilies.Message, StringComparison.Ordinal);
        Assert.Equal(before, ResultsReader.ReadEvals(env.ResultsRoot).Count);
    }
}
