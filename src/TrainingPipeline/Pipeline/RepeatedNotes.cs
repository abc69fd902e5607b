using System.Globalization;

namespace TrainingPipeline.Pipeline;

/// <summary>
/// Passes progress to <paramref name="inner"/>, but prints a note that repeats across runs only once: the first note
/// under a headline in full, later ones counted, and at <see cref="Flush"/> one line with the count per subject (e.g.
/// every pre-training run noting the same small domains gives 2 lines, not 16).
/// </summary>
public sealed class RepeatedNotes(IProgressSink inner) : IProgressSink
{
    private readonly Dictionary<string, List<string>> _subjects = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Started(string runId, string stage, long totalSteps, string description) => inner.Started(runId, stage, totalSteps, description);

    public void Update(ProgressUpdate update) => inner.Update(update);

    public void Finished(string runId, string stage, string summary) => inner.Finished(runId, stage, summary);

    public void Log(string message) => inner.Log(message);

    public void Note(string headline, string subject, string message)
    {
        if (!_subjects.TryGetValue(headline, out var subjects))
        {
            _subjects[headline] = subjects = [];
            _order.Add(headline);
            inner.Log(message + " (repeats of this note are counted and summarised at the end)");
        }
        subjects.Add(subject);
    }

    /// <summary>One line per headline that was noted more than once: the count, and each subject with its own count.</summary>
    public void Flush()
    {
        foreach (var headline in _order)
        {
            var subjects = _subjects[headline];
            if (subjects.Count < 2) continue;
            var bySubject = subjects.GroupBy(s => s, StringComparer.Ordinal)
                .Select(g => g.Count() == 1 ? g.Key : string.Create(CultureInfo.InvariantCulture, $"{g.Key} (×{g.Count()})"));
            inner.Log(string.Create(CultureInfo.InvariantCulture, $"note: {headline} (×{subjects.Count}): {string.Join(", ", bySubject)}"));
        }
        _subjects.Clear();
        _order.Clear();
    }
}
