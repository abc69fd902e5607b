namespace TrainingPipeline.Cluster;

/// <summary>
/// Resources asked of Slurm for every array task of a sweep. <paramref name="WarningSeconds"/>: how long before the
/// time limit Slurm warns the task (<c>--signal=B:USR1@N</c>), so it can checkpoint and requeue itself.
/// </summary>
public sealed record SlurmSubmitOptions(
    string? Partition = null,
    int? GpusPerTask = null,
    string? TimeLimit = null,
    int WarningSeconds = 120,
    int CpusPerTask = 1);

/// <summary>
/// How an array task calls the CLI: the executable and its leading arguments (e.g. <c>dotnet</c> and the CLI's dll),
/// and the shared folders every task reads and writes. Paths must be absolute and visible on every node.
/// <paramref name="Precision"/> must reach every task: it is part of the run ids the tasks look up.
/// </summary>
public sealed record CliInvocation(
    IReadOnlyList<string> Command,
    string Pipeline,
    string Output,
    string Models,
    string Datasets,
    string? Device = null,
    int? Threads = null,
    string? Precision = null)
{
    /// <summary>The command line for one verb; <paramref name="runIdShellExpression"/> is spliced in unquoted.</summary>
    public string CommandLine(string verb, string? runIdShellExpression)
    {
        var parts = Command.Select(Shell.Quote).Append(verb).Append(Shell.Quote(Pipeline))
            .Concat(["--out", Shell.Quote(Output), "--models", Shell.Quote(Models), "--datasets", Shell.Quote(Datasets)]);
        if (Device is not null) parts = parts.Concat(["--device", Shell.Quote(Device)]);
        if (Threads is not null) parts = parts.Concat(["--threads", Threads.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (Precision is not null) parts = parts.Concat(["--precision", Shell.Quote(Precision)]);
        if (runIdShellExpression is not null) parts = parts.Concat(["--run-id", runIdShellExpression]);
        return string.Join(' ', parts);
    }
}

/// <summary>POSIX shell quoting for paths written into sbatch scripts.</summary>
public static class Shell
{
    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=:+,@".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
