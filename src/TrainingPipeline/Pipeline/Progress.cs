namespace TrainingPipeline.Pipeline;

/// <summary>A snapshot of a running stage, for live display.</summary>
public sealed record ProgressUpdate(
    string RunId,
    string Stage,
    long Step,
    long TotalSteps,
    string MetricName,
    double Metric,
    double TokensPerSecond,
    TimeSpan Elapsed)
{
    /// <summary>Estimated time to finish, from the average pace so far.</summary>
    public TimeSpan? Eta(long stepsDoneThisSession) => stepsDoneThisSession <= 0 || Step >= TotalSteps
        ? null
        : TimeSpan.FromSeconds(Elapsed.TotalSeconds / stepsDoneThisSession * (TotalSteps - Step));
}

/// <summary>Where stages report progress: a live terminal display, plain log lines, or nothing (tests).</summary>
public interface IProgressSink
{
    void Started(string runId, string stage, long totalSteps, string description);
    void Update(ProgressUpdate update);
    void Finished(string runId, string stage, string summary);
    void Log(string message);

    /// <summary>A note that may repeat across runs (<see cref="RepeatedNotes"/> prints it once and counts repeats under
    /// <paramref name="headline"/>, naming <paramref name="subject"/>); plain sinks log <paramref name="message"/>.</summary>
    void Note(string headline, string subject, string message) => Log(message);
}

/// <summary>Plain, greppable lines: used when output is redirected or CI is set.</summary>
public sealed class LineProgress(TextWriter writer, TimeSpan? every = null, Func<DateTime>? clock = null) : IProgressSink
{
    private readonly TimeSpan _every = every ?? TimeSpan.FromSeconds(5);
    private readonly Func<DateTime> _clock = clock ?? (() => DateTime.UtcNow);
    private readonly Dictionary<string, (DateTime At, long Step)> _last = new();

    public void Started(string runId, string stage, long totalSteps, string description)
    {
        _last[runId] = (_clock(), 0);
        writer.WriteLine($"[{stage} {runId}] start: {totalSteps} steps, {description}");
    }

    public void Update(ProgressUpdate u)
    {
        var now = _clock();
        // The session's first update fixes where this session started (a resumed run starts past 0), so the ETA uses
        // only steps done in this process; record it before throttling, or the pace is measured over one step.
        if (!_last.ContainsKey(u.RunId + "#first")) _last[u.RunId + "#first"] = (now, u.Step - 1);
        if (_last.TryGetValue(u.RunId, out var last) && now - last.At < _every && u.Step < u.TotalSteps) return;
        long doneBefore = _last[u.RunId + "#first"].Step;
        _last[u.RunId] = (now, u.Step);
        var eta = u.Eta(u.Step - doneBefore);
        writer.WriteLine(FormattableString.Invariant(
            $"[{u.Stage} {u.RunId}] step {u.Step}/{u.TotalSteps} {u.MetricName} {u.Metric:F4} {u.TokensPerSecond:F0} tok/s elapsed {u.Elapsed:hh\\:mm\\:ss}") +
            (eta is { } e ? $" eta {e:hh\\:mm\\:ss}" : ""));
    }

    public void Finished(string runId, string stage, string summary) => writer.WriteLine($"[{stage} {runId}] done: {summary}");

    public void Log(string message) => writer.WriteLine(message);
}

/// <summary>Discards everything.</summary>
public sealed class NullProgress : IProgressSink
{
    public static readonly NullProgress Instance = new();
    public void Started(string runId, string stage, long totalSteps, string description) { }
    public void Update(ProgressUpdate update) { }
    public void Finished(string runId, string stage, string summary) { }
    public void Log(string message) { }
}
