namespace TrainingPipeline.Tests.Data;

/// <summary>A fresh folder under the system temp path, deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tp-data-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Path)) System.IO.Directory.Delete(Path, recursive: true);
    }
}
