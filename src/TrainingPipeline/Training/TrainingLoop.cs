using System.Diagnostics;
using TrainingPipeline.Config;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TorchSharp.Modules;

namespace TrainingPipeline.Training;

/// <summary>A finished training step: the state after it, its steps-table row, and what the progress display shows.</summary>
public sealed record StepOutcome(TrainingState State, StepRecord Record, double ProgressValue, double TokensPerSecond);

/// <summary>
/// What a stage supplies to <see cref="TrainingLoop"/>: how many steps, one step, when and how to evaluate, and how
/// often to checkpoint. Plain data and functions, so a stage keeps its own step code and the loop stays stage-agnostic.
/// </summary>
public sealed record TrainingLoopStage
{
    public required long TotalSteps { get; init; }

    /// <summary>The progress display's start line, e.g. parameters and corpus.</summary>
    public required string Description { get; init; }

    /// <summary>An optional line logged right after the start line and recorded in the runs table's <c>notes</c> (e.g. a
    /// setting that has no effect), so it travels with the run's numbers, not only with its log.</summary>
    public string? StartNote { get; init; }

    /// <summary>The runs table's <c>data_mixture</c>.</summary>
    public required string DataMixtureJson { get; init; }

    /// <summary>The per-step metric the progress display shows, e.g. <c>loss</c> or <c>reward</c>.</summary>
    public required string ProgressMetric { get; init; }

    /// <summary>Trains step <c>step</c> from the state after step <c>step - 1</c>.</summary>
    public required Func<long, TrainingState, StepOutcome> Step { get; init; }

    /// <summary>Whether the stage evaluates after step <c>step</c>; step 0 (a fresh start) is always evaluated.</summary>
    public required Func<long, bool> EvaluatesAt { get; init; }

    public required Func<TrainingState, IEnumerable<EvalRecord>> Evaluate { get; init; }

    /// <summary>The progress display's closing line.</summary>
    public required Func<TrainingState, string> Summary { get; init; }

    public required int CheckpointEvery { get; init; }

    /// <summary>Also checkpoint when this many minutes passed since the last one (never by default).</summary>
    public double CheckpointMinutes { get; init; } = double.PositiveInfinity;
}

/// <summary>
/// The skeleton every training stage shares, in the spirit of ML.NET's <c>TorchSharpBaseTrainer</c>: the stage builds
/// its model and optimizer and supplies a <see cref="TrainingLoopStage"/>; the loop owns the rest: resuming from the
/// run's checkpoint or starting from its parent's weights (<see cref="Start"/>), the runs-table ledger, step and eval
/// rows buffered until a checkpoint and flushed with it, the checkpoint cadence, cancellation (preemption keeps
/// everything up to the last finished step) and progress reporting.
/// </summary>
public sealed class TrainingLoop(RunEnvironment env, string experiment, PlannedRun run)
{
    public CheckpointStore Store { get; } = new(env.RunDirectory(experiment, run.Id));

    /// <summary>
    /// Resumes from this run's checkpoint; or starts from the parent's final weights (and its optimizer state when
    /// <paramref name="withParentOptimizer"/>), or from scratch without a parent. The parent's checkpoint is loaded
    /// before the stale rows of an earlier attempt are rolled back, so a damaged parent stops the command with nothing changed.
    /// </summary>
    public TrainingState Start(Gpt model, OptimizerHelper optimizer, bool withParentOptimizer)
    {
        if (Store.HasCheckpoint)
            return RunStart.Resuming(env, run, Store, Store.Load(run.Id, model, optimizer));
        double parentFlops = 0;
        if (run.ParentId is { } parentId)
        {
            var parentStore = new CheckpointStore(env.RunDirectory(experiment, parentId));
            if (!parentStore.HasCheckpoint)
                throw new InvalidOperationException($"parent run {parentId} has no checkpoint; run the pipeline so that it completes first");
            var parent = parentStore.Load(parentId, model, withParentOptimizer ? optimizer : null);
            parentFlops = parent.ParentFlops + parent.RunFlops;
        }
        // Any parts from an attempt that died before its first checkpoint are stale.
        RunStart.Fresh(env, run);
        return new TrainingState(run.Id, 0, 0, 0, parentFlops, 0, 0, null, Path.GetFullPath(env.ResultsRoot));
    }

    /// <summary>Trains from <paramref name="start"/> to the stage's last step; returns the final state.</summary>
    public TrainingState Run(TrainingState start, Gpt model, OptimizerHelper optimizer, TrainingLoopStage stage)
    {
        var state = start;
        new RunRecorder(env, experiment, run, run.Config.Model, stage.DataMixtureJson, stage.StartNote).Track(() =>
        {
            var steps = new List<StepRecord>();
            var evals = new List<EvalRecord>();
            long flushedThrough = state.Step;
            var sinceCheckpoint = Stopwatch.StartNew();
            var session = Stopwatch.StartNew();
            env.Progress.Started(run.Id, run.Stage.ToString(), stage.TotalSteps, stage.Description);
            if (stage.StartNote is { } note) env.Progress.Log($"[{run.Stage} {run.Id}] {note}");

            // Rows reach the results only together with the checkpoint that covers them, so a resume never repeats
            // or skips a row.
            void Flush(long step)
            {
                if (step <= flushedThrough) return;
                env.Results.AppendSteps(ResultTables.Steps, run.Id, flushedThrough + 1, step, steps);
                env.Results.AppendSteps(ResultTables.Evals, run.Id, flushedThrough + 1, step, evals);
                Store.Save(state, model, optimizer);
                steps.Clear();
                evals.Clear();
                flushedThrough = step;
                sinceCheckpoint.Restart();
            }

            if (state.Step == 0) evals.AddRange(stage.Evaluate(state));
            for (long step = state.Step + 1; step <= stage.TotalSteps; step++)
            {
                if (env.Cancellation.IsCancellationRequested)
                {
                    Flush(state.Step); // preemption: keep everything up to the last finished step
                    env.Progress.Log(state.Step > 0
                        ? $"[{run.Stage} {run.Id}] interrupted: steps and checkpoint saved through step {state.Step}"
                        : $"[{run.Stage} {run.Id}] interrupted before its first step: nothing to save");
                    env.Cancellation.ThrowIfCancellationRequested();
                }
                var outcome = stage.Step(step, state);
                state = outcome.State;
                steps.Add(outcome.Record);
                if (stage.EvaluatesAt(step)) evals.AddRange(stage.Evaluate(state));
                env.Progress.Update(new ProgressUpdate(run.Id, run.Stage.ToString(), step, stage.TotalSteps, stage.ProgressMetric,
                    outcome.ProgressValue, outcome.TokensPerSecond, session.Elapsed));
                if (step % stage.CheckpointEvery == 0 || sinceCheckpoint.Elapsed.TotalMinutes >= stage.CheckpointMinutes)
                    Flush(step);
            }
            Flush(stage.TotalSteps);
        });
        env.Progress.Finished(run.Id, run.Stage.ToString(), stage.Summary(state));
        return state;
    }
}
