namespace TrainingPipeline.Results;

/// <summary>A run's state in the <c>runs</c> table (its newest row says which).</summary>
public enum RunStatus
{
    /// <summary>Started or resumed, not finished (or the process died).</summary>
    Running,
    Completed,
    Failed,
    /// <summary>Stopped by a signal (SIGTERM, Slurm preemption) after checkpointing; resumable.</summary>
    Interrupted,
}

/// <summary>The <c>status</c> column's words: the member's name in lowercase, as when statuses were strings.</summary>
public static class RunStatuses
{
    public static string Name(RunStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Reads the column's word; false for anything <see cref="Name"/> cannot have written.</summary>
    public static bool TryParse(string? text, out RunStatus status)
    {
        foreach (var candidate in Enum.GetValues<RunStatus>())
        {
            if (Name(candidate) == text)
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }

    /// <summary>A status read from <paramref name="source"/>: a clear error naming the file and field otherwise.</summary>
    public static RunStatus Read(string text, string source, string field) => TryParse(text, out var status) ? status
        : throw new BadInputException(source, field, $"'{text}' is not a run status (expected running, completed, failed or interrupted)",
            "the file was not written by this pipeline or is damaged: restore it, or delete it and rerun the stage that wrote it");
}
