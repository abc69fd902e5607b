using System.Reflection;
using System.Text.Json;
using TrainingPipeline.Config;
using TrainingPipeline.Model;
using TrainingPipeline.Results;

namespace TrainingPipeline.Pipeline;

/// <summary>Writes a run's rows in the <c>runs</c> table: who ran what, where, with which code and packages, and any
/// <paramref name="notes"/> a reader of its numbers must know (the <c>notes</c> column).</summary>
public sealed class RunRecorder(RunEnvironment environment, string experiment, PlannedRun run, ModelConfig model, string mixtureJson,
    string? notes = null)
{
    private readonly DateTime _startedAt = DateTime.UtcNow;

    /// <summary>
    /// Records the run as running, runs <paramref name="train"/>, then records how it ended: completed, interrupted (a
    /// cancellation, e.g. SIGTERM) or failed; exceptions propagate unchanged.
    /// </summary>
    public void Track(Action train)
    {
        Record(RunStatus.Running);
        try
        {
            train();
        }
        catch (OperationCanceledException)
        {
            Record(RunStatus.Interrupted);
            throw;
        }
        catch
        {
            Record(RunStatus.Failed);
            throw;
        }
        Record(RunStatus.Completed);
    }

    public void Record(RunStatus status)
    {
        var row = new RunRecord
        {
            Experiment = experiment,
            Stage = run.Stage.ToString(),
            ParentRunId = run.ParentId,
            ConfigJson = run.ConfigJson,
            ConfigHash = run.Id,
            Seed = run.Config.Seed,
            NLayer = model.NLayer,
            NHead = model.NHead,
            DModel = model.DModel,
            ContextLength = model.ContextLength,
            VocabSize = model.VocabSize,
            ParamsTotal = model.ParamsTotal,
            ParamsNonEmbedding = model.ParamsNonEmbedding,
            DataMixture = mixtureJson,
            GitCommit = Provenance.GitCommit,
            PackageVersions = Provenance.PackageVersionsJson,
            Machine = Provenance.Machine,
            Device = environment.Device.ToString(),
            StartedAt = _startedAt,
            EndedAt = status == RunStatus.Running ? null : DateTime.UtcNow,
            Status = RunStatuses.Name(status),
            Notes = notes,
            WrittenAt = DateTime.UtcNow,
        };
        environment.Results.Append(ResultTables.Runs, run.Id, new[] { row });
    }
}

/// <summary>Code and machine provenance recorded with every run.</summary>
public static class Provenance
{
    public static string GitCommit { get; } = FindGitCommit(Directory.GetCurrentDirectory()) ?? FindGitCommit(AppContext.BaseDirectory) ?? "unknown";

    public static string Machine { get; } =
        $"{Environment.MachineName}; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {Environment.ProcessorCount} cores";

    public static string PackageVersionsJson { get; } = JsonSerializer.Serialize(new SortedDictionary<string, string>
    {
        ["dotnet"] = Environment.Version.ToString(),
        ["TorchSharp"] = VersionOf(typeof(TorchSharp.torch).Assembly),
        ["libtorch"] = typeof(Provenance).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LibTorchVersion")?.Value ?? "unknown",
        ["Parquet.Net"] = VersionOf(typeof(Parquet.ParquetReader).Assembly),
        ["TrainingPipeline"] = VersionOf(typeof(Provenance).Assembly),
    });

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Reads .git/HEAD (and the ref it names) above <paramref name="start"/>, without running git.</summary>
    private static string? FindGitCommit(string start)
    {
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
        {
            string gitDir = Path.Combine(dir.FullName, ".git");
            if (File.Exists(gitDir)) // a worktree: "gitdir: <path>"
            {
                string pointer = File.ReadAllText(gitDir).Trim();
                if (pointer.StartsWith("gitdir:", StringComparison.Ordinal)) gitDir = Path.GetFullPath(pointer[7..].Trim(), dir.FullName);
            }
            if (!Directory.Exists(gitDir)) continue;
            string head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal)) return head;
            string refName = head[4..].Trim();
            foreach (var root in new[] { gitDir, CommonDir(gitDir) })
            {
                string refPath = Path.Combine(root, refName);
                if (File.Exists(refPath)) return File.ReadAllText(refPath).Trim();
                string packed = Path.Combine(root, "packed-refs");
                if (File.Exists(packed))
                    foreach (var line in File.ReadLines(packed))
                        if (line.EndsWith(" " + refName, StringComparison.Ordinal)) return line[..line.IndexOf(' ')];
            }
            return null;
        }
        return null;
    }

    private static string CommonDir(string gitDir)
    {
        string common = Path.Combine(gitDir, "commondir");
        return File.Exists(common) ? Path.GetFullPath(File.ReadAllText(common).Trim(), gitDir) : gitDir;
    }
}
