using System.Diagnostics;

namespace TrainingPipeline.Cluster;

/// <summary>A job's (or array task's) state as Slurm reports it, e.g. PENDING (Dependency), RUNNING, COMPLETED.</summary>
public sealed record SlurmJobState(string State, string? Reason);

/// <summary>Calls Slurm's own commands (sbatch, squeue, sacct) and parses their machine-readable output.</summary>
public static class SlurmClient
{
    /// <summary>Submits with <c>sbatch --parsable</c> and returns the job id.</summary>
    public static string Sbatch(IReadOnlyList<string> arguments)
    {
        var (code, stdout, stderr) = Run("sbatch", arguments, TimeSpan.FromSeconds(60));
        if (code != 0) throw new InvalidOperationException($"sbatch {string.Join(' ', arguments)} failed ({code}): {stderr.Trim()}");
        return ParseSbatchJobId(stdout);
    }

    /// <summary><c>--parsable</c> prints "id" or "id;cluster".</summary>
    public static string ParseSbatchJobId(string stdout)
    {
        string first = stdout.Trim().Split('\n')[0].Split(';')[0].Trim();
        if (first.Length == 0 || !first.All(char.IsAsciiDigit))
            throw new InvalidOperationException($"sbatch printed no job id: '{stdout.Trim()}'");
        return first;
    }

    /// <summary>
    /// Queue states of the given jobs, one entry per array task (<c>squeue -r</c>); empty when none is queued any
    /// more (finished jobs leave the queue after MinJobAge, 5 minutes by default).
    /// </summary>
    public static IReadOnlyDictionary<string, SlurmJobState> Squeue(IEnumerable<string> jobIds)
    {
        var ids = jobIds.Distinct().ToList();
        if (ids.Count == 0) return new Dictionary<string, SlurmJobState>();
        var (code, stdout, stderr) = Run("squeue", ["-h", "-r", "-j", string.Join(',', ids), "-o", "%i|%T|%r"], TimeSpan.FromSeconds(30));
        if (code == 0) return ParseStates(stdout);
        // "Invalid job id specified" when every id has left the queue: nothing queued. Anything else (no controller)
        // must not pass for an empty queue.
        if (stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return new Dictionary<string, SlurmJobState>();
        throw new InvalidOperationException($"squeue failed ({code}): {stderr.Trim()}");
    }

    /// <summary>Final states from accounting (<c>sacct</c>), or null when accounting is not configured.</summary>
    public static IReadOnlyDictionary<string, SlurmJobState>? Sacct(IEnumerable<string> jobIds)
    {
        var ids = jobIds.Distinct().ToList();
        if (ids.Count == 0) return new Dictionary<string, SlurmJobState>();
        try
        {
            var (code, stdout, _) = Run("sacct", ["-n", "-P", "-X", "-j", string.Join(',', ids), "-o", "JobID,State"], TimeSpan.FromSeconds(30));
            return code == 0 ? ParseStates(stdout) : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Parses "id|STATE[|reason]" lines; a state like "CANCELLED by 0" keeps its first word.</summary>
    public static IReadOnlyDictionary<string, SlurmJobState> ParseStates(string text)
    {
        var states = new Dictionary<string, SlurmJobState>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var cells = raw.Trim().Split('|');
            if (cells.Length < 2 || cells[0].Length == 0) continue;
            string state = cells[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            string? reason = cells.Length > 2 && cells[2] is { Length: > 0 } r && r != "None" ? r : null;
            states[cells[0]] = new SlurmJobState(state, reason);
        }
        return states;
    }

    /// <summary>
    /// Whether <c>sinfo</c> answers within <paramref name="timeout"/> (a controller is reachable). When the controller
    /// is down, sinfo retries for about 10 s before failing; a live one answers in well under a second.
    /// </summary>
    public static bool Reachable(TimeSpan timeout, out string reason)
    {
        try
        {
            var (code, stdout, stderr) = Run("sinfo", ["-h", "-o", "%P %t"], timeout);
            reason = code == 0 ? stdout.Trim() : $"sinfo failed ({code}): {stderr.Trim()}";
            return code == 0;
        }
        catch (InvalidOperationException e)
        {
            reason = e.Message;
            return false;
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not available ({e.Message}): run this on a Slurm login node, or use --dry-run");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{program} did not answer within {timeout.TotalSeconds:F0} s");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
