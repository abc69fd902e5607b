using TrainingPipeline.Config;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Training;
using TorchSharp;
using static TorchSharp.torch;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Training;

/// <summary>
/// The shared run loop on its own, with a stage whose step only counts: rows are flushed with checkpoints at the
/// cadence, step 0 and the stage's eval steps are evaluated, a cancellation keeps everything through the last finished
/// step, and a resume continues from the checkpoint without repeating a step or a row.
/// </summary>
public sealed class TrainingLoopTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private const string Spec = """
        {
          "name": "loop",
          "seed": 5,
          "threads": 1,
          "corpora": { "narrow": { "domains": { "task:addition": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 16 },
          "pretrain": { "batch_size": 2, "phases": [ { "name": "narrow", "corpus": "narrow", "tokens": 320 } ] }
        }
        """;

    private static TrainingLoopStage CountingStage(PlannedRun run, List<long> stepped) => new()
    {
        TotalSteps = 5,
        Description = "counting",
        DataMixtureJson = "{}",
        ProgressMetric = "loss",
        Step = (step, state) =>
        {
            stepped.Add(step);
            var next = state with { Step = step, Tokens = state.Tokens + 10 };
            return new StepOutcome(next, new StepRecord { Stage = run.Stage.ToString(), Step = step, Tokens = next.Tokens, Loss = step }, step, 1);
        },
        EvaluatesAt = step => step == 3 || step == 5,
        Evaluate = state => [new EvalRecord { Stage = run.Stage.ToString(), Step = state.Step, EvalSet = "count", Split = "id", Metric = "loss", Value = state.Step }],
        Summary = state => $"{state.Step} steps",
        CheckpointEvery = 2,
    };

    private (TrainingState End, List<long> Stepped) RunLoop(PlannedRun run, RunEnvironment env)
    {
        using var model = new Gpt(run.Config.Model);
        using var optimizer = optim.AdamW(model.parameters());
        var loop = new TrainingLoop(env, "loop", run);
        var stepped = new List<long>();
        var start = loop.Start(model, optimizer, withParentOptimizer: true);
        return (loop.Run(start, model, optimizer, CountingStage(run, stepped)), stepped);
    }

    [Fact]
    public void FlushesRowsWithCheckpointsAndEvaluatesStepZeroAndTheStagesSteps()
    {
        var run = TestPlans.RealPlan(Spec).Runs[0];
        var env = _workspace.Environment();
        var (end, stepped) = RunLoop(run, env);

        Assert.Equal(5, end.Step);
        Assert.Equal([1L, 2, 3, 4, 5], stepped);
        Assert.Equal([1L, 2, 3, 4, 5], ResultsReader.ReadSteps(env.ResultsRoot).Select(s => s.Step).Order());
        Assert.Equal([0L, 3, 5], ResultsReader.ReadEvals(env.ResultsRoot).Select(e => e.Step).Order());
        using var probe = new Gpt(run.Config.Model);
        Assert.Equal(50, new CheckpointStore(env.RunDirectory("loop", run.Id)).Load(run.Id, probe, null).Tokens);
        Assert.Equal(RunStatus.Completed, Assert.Single(ResultsReader.ReadRuns(env.ResultsRoot)).Status);
    }

    [Fact]
    public void ACancelledRunKeepsItsFinishedStepsAndResumesWithoutRepeatingThem()
    {
        var run = TestPlans.RealPlan(Spec).Runs[0];
        using var cancel = new CancellationTokenSource();
        var interrupted = _workspace.Environment(new CancelAtStep(run.Id, 3, cancel), cancel.Token);
        Assert.ThrowsAny<OperationCanceledException>(() => RunLoop(run, interrupted));
        // Step 3 is not a checkpoint step (every 2): the cancellation flushed it with its own checkpoint.
        Assert.Equal([1L, 2, 3], ResultsReader.ReadSteps(interrupted.ResultsRoot).Select(s => s.Step).Order());
        Assert.Equal(RunStatus.Interrupted, Assert.Single(ResultsReader.ReadRuns(interrupted.ResultsRoot)).Status);

        var (end, stepped) = RunLoop(run, _workspace.Environment());
        Assert.Equal([4L, 5], stepped);
        Assert.Equal(50, end.Tokens);
        Assert.Equal([1L, 2, 3, 4, 5], ResultsReader.ReadSteps(interrupted.ResultsRoot).Select(s => s.Step).Order());
        Assert.Equal([0L, 3, 5], ResultsReader.ReadEvals(interrupted.ResultsRoot).Select(e => e.Step).Order());
    }

    [Fact]
    public void EveryPlannedRunExposesItsStagesConfigThroughTheCommonView()
    {
        var plan = TestPlans.RealPlan(Spec.Replace("\"threads\": 1,", """
            "threads": 1, "rl": { "tasks": { "addition": 1 }, "steps": 1, "prompts_per_step": 1, "group_size": 2, "max_new_tokens": 2, "eval_problems": 4 },
            """, StringComparison.Ordinal));
        var pretrain = plan.Runs.Single(r => r.Pretrain is not null);
        var rl = plan.Runs.Single(r => r.Rl is not null);
        Assert.Same(pretrain.Pretrain, pretrain.Config);
        Assert.Same(rl.Rl, rl.Config);
        Assert.Equal(pretrain.Id, rl.Config.ParentRunId);
    }
}
