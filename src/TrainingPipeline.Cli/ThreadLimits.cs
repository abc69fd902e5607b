using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>
/// How many libtorch threads a run may ask for. The range is the pipeline file's (<c>threads</c>, 0–1024); on top,
/// at most <see cref="PerCore"/> × this machine's logical cores unless <c>--force-threads</c>: libtorch creates every
/// thread it is given, and 100,000 of them (a typo) made one process start ~21,000 threads, push the load average to
/// ~390 and stop answering SIGTERM for minutes.
/// </summary>
internal static class ThreadLimits
{
    public const int Max = 1024;
    public const int PerCore = 4;

    public static int MachineMax => PerCore * Environment.ProcessorCount;

    /// <summary>Refuses a thread count above <see cref="MachineMax"/> (unless forced); <paramref name="source"/> and
    /// <paramref name="field"/> name where it came from (the option, or the pipeline file and <c>$.threads</c>).</summary>
    public static void Check(int threads, bool force, string source, string field)
    {
        if (threads is < 0 or > Max)
            throw new BadInputException(source, field, $"must be between 0 and {Max}, got {threads}", "use 0 for libtorch's default");
        if (threads > MachineMax && !force)
            throw new BadInputException(source, field,
                $"{threads} threads on a machine with {Environment.ProcessorCount} logical cores (more than {PerCore} × {Environment.ProcessorCount} = {MachineMax}) " +
                "would oversubscribe it and slow every step",
                $"use at most {MachineMax} (0 for libtorch's default), or add --force-threads if this is intended");
    }
}
