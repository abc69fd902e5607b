using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Tasks;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>A throw-away output/models/datasets tree for one test, and helpers to plan tiny pipelines in it.</summary>
public sealed class TempWorkspace : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "tp-test-" + Guid.NewGuid().ToString("N")[..12]);


    public RunEnvironment Environment(IProgressSink? progress = null, CancellationToken cancellation = default, string output = "out") =>
        new(Path.Combine(Root, output), Path.Combine(Root, "models"), Path.Combine(Root, "datasets"), CPU,
            progress ?? NullProgress.Instance, cancellation);

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
