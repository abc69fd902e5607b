using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrainingPipeline.Cluster;

/// <summary>One submitted job: an array for one level of runs (task i = RunIds[i]) or the final analysis job.</summary>
public sealed record SubmittedJob(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("depends_on")] string? DependsOn,
    [property: JsonPropertyName("script")] string Script,
    [property: JsonPropertyName("run_ids")] IReadOnlyList<string> RunIds)
{
    public const string ArrayKind = "array";
    public const string AnalysisKind = "analysis";

    /// <summary>Slurm's id of array task <paramref name="index"/> (<c>&lt;job&gt;_&lt;index&gt;</c>).</summary>
    public string TaskId(int index) => $"{JobId}_{index}";
}

/// <summary>
/// The record of one <c>sweep submit</c>: its folder (scripts, run lists, logs) and the jobs it submitted, saved as
/// <c>&lt;out&gt;/slurm/&lt;stamp&gt;/submission.json</c> so <c>sweep status</c> can map runs to Slurm job ids.
/// </summary>
public sealed record SweepSubmission(
    [property: JsonPropertyName("experiment")] string Experiment,
    [property: JsonPropertyName("pipeline")] string Pipeline,
    [property: JsonPropertyName("submitted_at")] DateTime SubmittedAt,
    [property: JsonPropertyName("folder")] string Folder,
    [property: JsonPropertyName("dry_run")] bool DryRun,
    [property: JsonPropertyName("jobs")] IReadOnlyList<SubmittedJob> Jobs)
{
    public const string FileName = "submission.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string RootFor(string output) => Path.Combine(output, "slurm");

    public void Save() => File.WriteAllText(Path.Combine(Folder, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>Every submission recorded under <paramref name="output"/>, oldest first.</summary>
    public static IReadOnlyList<SweepSubmission> LoadAll(string output)
    {
        string root = RootFor(output);
        if (!Directory.Exists(root)) return [];
        var list = new List<SweepSubmission>();
        foreach (var file in Directory.GetFiles(root, FileName, SearchOption.AllDirectories))
        {
            try
            {
                if (JsonSerializer.Deserialize<SweepSubmission>(File.ReadAllText(file), Json) is { } submission) list.Add(submission);
            }
            catch (JsonException e)
            {
                throw new Results.BadInputException(file, "submission", "is not a valid submission record: " + e.Message,
                    "delete this submission folder (it only records job ids) and re-run `sweep status`");
            }
        }
        return list.OrderBy(s => s.SubmittedAt).ToList();
    }
}
