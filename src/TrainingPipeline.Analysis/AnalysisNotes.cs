namespace TrainingPipeline.Analysis;

/// <summary>
/// The notes of one analysis, with repeats aggregated so that ten "not enough points" lines read as one: notes with the
/// same text become "text (×n)", and notes added under the same headline become "headline (×n): detail; detail; …". A
/// headline or text seen once keeps its full wording. Lines come out in the order their first note was added.
/// </summary>
public sealed class AnalysisNotes
{
    /// <summary>How many details an aggregated line names before "… and k more".</summary>
    public const int DetailsShown = 6;

    private readonly List<(string Key, string Text, string? Detail)> _entries = [];

    public int Count => _entries.Count;

    public void Add(string text) => _entries.Add((text, text, null));

    public void AddRange(IEnumerable<string> texts)
    {
        foreach (var text in texts) Add(text);
    }

    /// <summary>A note that aggregates with others of the same <paramref name="headline"/>; <paramref name="text"/> is
    /// its wording when it is the only one, <paramref name="detail"/> what names it in the aggregated line.</summary>
    public void Add(string headline, string text, string detail) => _entries.Add(("\u0001" + headline, text, detail));

    public IReadOnlyList<string> Lines() => Aggregate(_entries, withDetails: true);

    /// <summary>As <see cref="Lines"/>, but an aggregated line without its details ("headline (×n)"), for the report card.</summary>
    public IReadOnlyList<string> Headlines() => Aggregate(_entries, withDetails: false);

    /// <summary>Aggregates plain notes: identical texts become one line with a count.</summary>
    public static IReadOnlyList<string> Aggregate(IEnumerable<string> texts) => Aggregate(texts.Select(t => (t, t, (string?)null)), withDetails: true);

    private static IReadOnlyList<string> Aggregate(IEnumerable<(string Key, string Text, string? Detail)> entries, bool withDetails) =>
        [.. entries.GroupBy(e => e.Key, StringComparer.Ordinal).Select(group =>
        {
            var notes = group.ToList();
            if (notes.Count == 1) return notes[0].Text;
            if (!group.Key.StartsWith('\u0001')) return $"{notes[0].Text} (×{notes.Count})";
            if (!withDetails) return $"{group.Key[1..]} (×{notes.Count})";
            var details = notes.Select(n => n.Detail!).ToList();
            var shown = string.Join("; ", details.Take(DetailsShown));
            var more = details.Count > DetailsShown ? $"; … and {details.Count - DetailsShown} more" : "";
            return $"{group.Key[1..]} (×{notes.Count}): {shown}{more}";
        })];
}
