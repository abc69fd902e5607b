using static TorchSharp.torch;

namespace TrainingPipeline.Model;

/// <summary>
/// The one place that decides where tensors live. <c>auto</c> picks CUDA when the CUDA build of libtorch is loaded
/// and a device is visible, else CPU; asking for <c>cuda</c> where there is none is a clear error, not a fallback.
/// </summary>
public static class Devices
{
    public static readonly string[] Choices = { "auto", "cpu", "cuda" };

    public static Device Resolve(string requested) => new(Choose(requested, cuda.is_available()));

    /// <summary>The device name to use; pure decision logic, testable on a machine without a GPU.</summary>
    public static string Choose(string requested, bool cudaAvailable) => requested.ToLowerInvariant() switch
    {
        "cpu" => "cpu",
        "auto" => cudaAvailable ? "cuda" : "cpu",
        "cuda" or "gpu" when cudaAvailable => "cuda",
        "cuda" or "gpu" => throw new Results.BadInputException("--device", "device", "CUDA was requested but no CUDA device is available (a CPU build of libtorch, or no visible GPU)",
            "build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use --device cpu"),
        var other when other.StartsWith("cuda:", StringComparison.Ordinal) && cudaAvailable => other,
        _ => throw new Results.BadInputException("--device", "device", $"unknown device '{requested}'",
            "use one of auto, cpu, cuda (or cuda:N)"),
    };

    /// <summary>Uses <paramref name="threads"/> intra-op threads (0 keeps libtorch's default).</summary>
    public static void SetThreads(int threads)
    {
        if (threads > 0) set_num_threads(threads);
    }
}
