using System.Runtime.InteropServices;
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

    /// <summary>
    /// Uses <paramref name="threads"/> intra-op threads (0 keeps libtorch's default). Call it before anything else
    /// touches TorchSharp: it first chooses how idle OpenMP threads wait (<see cref="PreferSleepingThreadWaits"/>),
    /// which libgomp reads only once, when libtorch is loaded.
    /// </summary>
    public static void SetThreads(int threads)
    {
        PreferSleepingThreadWaits();
        if (threads > 0) set_num_threads(threads);
    }

    /// <summary>
    /// Sets OMP_WAIT_POLICY=PASSIVE for libtorch's OpenMP runtime unless the user chose a policy (OMP_WAIT_POLICY or
    /// GOMP_SPINCOUNT set). Why: by default libgomp threads busy-wait at every parallel region's barrier; on a
    /// shared, oversubscribed CPU they burn the time slices their siblings need. A profile of config M training
    /// (2 threads, load ~12 on 2 cores) spent 44% of its samples spinning in libgomp; sleeping waits gave 2.4× the
    /// training tokens/s for config S and 1.7× for M there (medians, docs/performance.md). Must run before libtorch
    /// loads; later calls change nothing.
    /// Set GOMP_SPINCOUNT=300000 to get libgomp's default spinning back.
    /// </summary>
    public static void PreferSleepingThreadWaits()
    {
        if (!OperatingSystem.IsLinux()) return; // libgomp is the Linux build's OpenMP runtime
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null
            || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return;
        // .NET keeps its own copy of the environment; native code (libgomp) only sees the C library's.
        _ = NativeEnvironment.setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    private static class NativeEnvironment
    {
        [DllImport("libc.so.6", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        internal static extern int setenv(string name, string value, int overwrite);
    }
}
