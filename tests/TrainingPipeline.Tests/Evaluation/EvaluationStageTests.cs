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
        var outcome = new EvaluationStage(env, plan, "test.json").Run(new EvaluationRequest(["addition"], Small), reported.Add);
        var metrics = outcome.Metrics;

        Assert.Equal(metrics, reported);
        Assert.Contains(metrics, m => m.Metric.Metric == "pass@1");
        // The run pre-trained on addition and no RL rewards it: unrewarded (it used to be labelled in_distribution).
        Assert.All(metrics, m => Assert.Equal((plan.Runs[0].Id, finalStep, "addition", ResultTables.Unrewarded), (m.Run.Id, m.Step, m.Family, m.Split)));
        // The problems evaluated were checked against the run's training documents and recorded with stage eval.
        var check = Assert.Single(ResultsReader.ReadContamination(env.ResultsRoot));
        Assert.Equal((plan.Runs[0].Id, EvaluationStage.Stage, "addition", ResultTables.Unrewarded, 3L, 0L),
            (check.RunId, check.Stage, check.EvalSet, check.Split, check.EvalPrompts, check.Contaminated));
        Assert.True(Assert.Single(outcome.Contamination.ByRun[plan.Runs[0].Id]).DocumentsScanned > 0);
        var rows = ResultsReader.ReadEvals(env.ResultsRoot).Where(e => e.Stage == EvaluationStage.Stage).ToList();
        Assert.Equal(trainingEvals, ResultsReader.ReadEvals(env.ResultsRoot).Count - rows.Count);
        Assert.Equal(metrics.Select(m => (m.Metric.Metric, m.Metric.Value, m.Step)).Order(),
            rows.Select(r => (r.Metric, r.Value, r.Step)).Order());
    }

    // A pre-training corpus of worked one-digit sums: every difficulty-1 addition problem is stated in it.
    private const string WorkedSums = """
        {
          "name": "eval-leak",
          "seed": 7,
          "threads": 1,
          "corpora": { "sums": { "domains": { "arith-add": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 32 },
          "pretrain": { "batch_size": 2, "eval_batches": 1, "eval_every": 1000, "phases": [ { "name": "narrow", "corpus": "sums", "tokens": 20000 } ] }
        }
        """;

    [Fact]
    public void EvaluatedProblemsFoundInTrainingDataStopTheVerbUnlessTheSpecAllowsIt()
    {
        var plan = TestPlans.RealPlan(WorkedSums);
        var env = _workspace.Environment();
        new PipelineRunner(env).Run(plan);
        int evals = ResultsReader.ReadEvals(env.ResultsRoot).Count;
        // Named with --tasks and --difficulty: the check still runs, on exactly these problems.
        var request = new EvaluationRequest(["addition"], Small with { Difficulty = 1 });
        var e = Assert.Throws<BadInputException>(() => new EvaluationStage(env, plan, "leak.json").Run(request));
        Assert.Contains("$.allow_contamination", e.Message, StringComparison.Ordinal);
        Assert.Contains("addition", e.Message, StringComparison.Ordinal);
        Assert.Equal(evals, ResultsReader.ReadEvals(env.ResultsRoot).Count);
        Assert.Empty(ResultsReader.ReadContamination(env.ResultsRoot));

        var allowed = TestPlans.RealPlan(WorkedSums.Replace("\"seed\": 7,", "\"seed\": 7, \"allow_contamination\": true,", StringComparison.Ordinal));
        var outcome = new EvaluationStage(env, allowed, "leak.json").Run(request);
        var row = Assert.Single(ResultsReader.ReadContamination(env.ResultsRoot));
        Assert.Equal((EvaluationStage.Stage, 3L, 3L), (row.Stage, row.EvalPrompts, row.Contaminated));
        Assert.Equal(3, outcome.Contamination.Contaminated);
        Assert.NotEmpty(outcome.Metrics);
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

    [Fact]
    public void TrainSplitProblemsAreLabelledTrainProblemsAndLeftOutOfTheContaminationCheck()
    {
        // Every difficulty-1 addition problem is stated in this corpus: eval-split problems stop the verb (above), while
        // train-split problems are training problems by design and are measured, labelled train_problems.
        var plan = TestPlans.RealPlan(WorkedSums);
        var env = _workspace.Environment();
        new PipelineRunner(env).Run(plan);
        var request = new EvaluationRequest(["addition"], Small with { Difficulty = 1, ProblemSide = TrainingPipeline.Tasks.ProblemSplit.Train });
        var outcome = new EvaluationStage(env, plan, "leak.json").Run(request);
        Assert.NotEmpty(outcome.Metrics);
        Assert.All(outcome.Metrics, m => Assert.Equal(ResultTables.TrainProblems, m.Split));
        Assert.Empty(ResultsReader.ReadContamination(env.ResultsRoot));
        Assert.All(ResultsReader.ReadEvals(env.ResultsRoot).Where(e => e.Stage == EvaluationStage.Stage),
            e => Assert.Equal(ResultTables.TrainProblems, e.Split));
    }

    [Fact]
    public void EachNumberOfShotsGetsItsOwnRowsWhichTheReaderKeepsApart()
    {
        var plan = TestPlans.RealPlan(Spec.Replace("\"context_length\": 32", "\"context_length\": 160", StringComparison.Ordinal));
        var env = _workspace.Environment();
        new PipelineRunner(env).Run(plan);
        var outcome = new EvaluationStage(env, plan, "test.json").Run(new EvaluationRequest(["addition"], Small, Shots: [0, 2]));
        Assert.Equal([0, 2], outcome.Metrics.Select(m => m.Metric.Shots!.Value).Distinct().Order());
        // Zero-shot and two-shot rows share (run, stage, step, family, split, metric): shots is part of the key.
        var rows = ResultsReader.ReadEvals(env.ResultsRoot).Where(e => e.Stage == EvaluationStage.Stage && e.Metric == "pass@1").ToList();
        Assert.Equal([0, 2], rows.Select(r => r.Shots).Order());
        // One contamination row for the family: both shot counts ask the same problems.
        Assert.Single(ResultsReader.ReadContamination(env.ResultsRoot));
        Assert.Empty(ResultsCheck.FindDuplicates(env.ResultsRoot));
    }

    [Fact]
    public void ShotsThatDoNotFitTheContextStopTheVerbBeforeAnythingIsWritten()
    {
        var plan = TestPlans.RealPlan(Spec);
        var env = _workspace.Environment();
        new PipelineRunner(env).Run(plan);
        int before = ResultsReader.ReadEvals(env.ResultsRoot).Count;
        var e = Assert.Throws<BadInputException>(() =>
            new EvaluationStage(env, plan, "test.json").Run(new EvaluationRequest(["addition"], Small, Shots: [0, 4])));
        Assert.Contains("--shots", e.Message, StringComparison.Ordinal);
        Assert.Contains("context of 32", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, ResultsReader.ReadEvals(env.ResultsRoot).Count);
        Assert.Empty(ResultsReader.ReadContamination(env.ResultsRoot));
    }
}
