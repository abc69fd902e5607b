using TrainingPipeline.Cluster;

namespace TrainingPipeline.Tests.Cluster;

/// <summary>
/// A fact that needs a reachable Slurm controller. With <c>TP_SLURM</c> set (by <c>.ci/slurm/with-slurm.sh</c>, after
/// starting a single-node Slurm) it always runs, so a broken Slurm fails loudly; otherwise it runs when <c>sinfo</c>
/// answers and is skipped, with the reason shown, when it does not.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public static bool Required => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TP_SLURM"));

    // One probe per test process, bounded: every test of the project pays for discovery.
    private static readonly Lazy<string?> Unreachable = new(() =>
        SlurmClient.Reachable(TimeSpan.FromSeconds(3), out var reason) ? null : reason);

    public SlurmFactAttribute()
    {
        if (!Required && Unreachable.Value is { } reason)
            Skip = $"no Slurm reachable ({reason}); start one with `bash .ci/slurm/with-slurm.sh dotnet test …` (sets TP_SLURM=1)";
    }
}
