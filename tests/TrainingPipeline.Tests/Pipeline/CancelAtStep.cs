using TrainingPipeline.Pipeline;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>A progress sink that cancels the run when it reports <paramref name="step"/>: an in-process interruption.</summary>
internal sealed class CancelAtStep(string runId, long step, CancellationTokenSource cancel) : IProgressSink
{
    public void Started(string id, string stage, long totalSteps, string description) { }
    public void Update(ProgressUpdate update)
    {
        if (update.RunId == runId && update.Step == step) cancel.Cancel();
    }
    public void Finished(string id, string stage, string summary) { }
    public void Log(string message) { }
}
