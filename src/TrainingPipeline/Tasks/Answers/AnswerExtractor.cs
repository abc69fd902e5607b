using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainingPipeline.Tasks.Answers;

/// <summary>The canonical final answer of a completion, or why there is none.</summary>
public sealed record ExtractedAnswer(string? Canonical, string? Problem)
{
    public bool Found => Canonical is not null;
}

/// <summary>
/// The one extraction rule every verifier applies (documented in docs/tasks.md):
/// <list type="number">
/// <item>Markers: every line starting with <c>Answer:</c> (or <c>Final answer:</c>) or <c>####</c>, every
/// "the answer is …" phrase and every <c>\boxed{…}</c> is a claimed final answer.</item>
/// <item>If there is at least one marker, each claimed value must canonicalize to exactly one answer and all of
/// them must be equal; otherwise the completion is unparseable (listing candidates or changing one's mind after
/// committing earns nothing).</item>
/// <item>Without markers, numeric families fall back to the last line: the text after its last '=' (or the whole
/// line) must hold exactly one number. Other families need a marker.</item>
/// </list>
/// </summary>
public static partial class AnswerExtractor
{
    public static ExtractedAnswer Extract(string completion, IAnswerFormat format)
    {
        var lines = completion.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        // Claims are read lazily and the first unusable or conflicting one ends the search.
        string? agreed = null;
        bool any = false;
        foreach (var claim in EnumerateClaims(lines))
        {
            any = true;
            if (HasInvisibleCharacters(claim))
                return new(null, "a final answer holds control or invisible formatting characters");
            var canonical = format.Canonicalize(claim);
            if (canonical is null)
                return new(null, $"final answer '{Shorten(claim)}' is not exactly one answer");
            if (agreed is not null && agreed != canonical)
                return new(null, $"conflicting final answers '{agreed}' and '{canonical}'");
            agreed = canonical;
        }
        return any ? new(agreed, null) : Fallback(lines, format);
    }

    /// <summary>The raw text of every claimed final answer, in order of appearance.</summary>
    public static IReadOnlyList<string> FindClaims(IReadOnlyList<string> lines) => EnumerateClaims(lines).ToList();

    private static IEnumerable<string> EnumerateClaims(IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            var marker = LineMarker().Match(line);
            if (marker.Success)
            {
                yield return line[(marker.Index + marker.Length)..];
                continue;
            }
            // A phrase's claim runs to the first sentence end, and never past the next phrase: claims of one line are
            // disjoint, so a line repeating "the answer is" 10,000 times costs one pass, not 10,000 copies of itself.
            var phrases = AnswerIsPhrase().Matches(line);
            for (int i = 0; i < phrases.Count; i++)
            {
                int start = phrases[i].Index + phrases[i].Length;
                int limit = i + 1 < phrases.Count ? phrases[i + 1].Index : line.Length;
                yield return FirstSentence(line, start, limit);
            }
            foreach (Match boxed in Boxed().Matches(line))
                yield return boxed.Groups[1].Value;
        }
    }

    private static ExtractedAnswer Fallback(string[] lines, IAnswerFormat format)
    {
        if (!format.AllowsLastNumberFallback)
            return new(null, "no final answer line ('Answer: ...')");
        var last = lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
        if (last is null) return new(null, "empty completion");
        var segment = last[(last.LastIndexOf('=') + 1)..];
        if (HasInvisibleCharacters(segment))
            return new(null, "the last line holds control or invisible formatting characters");
        var canonical = format.Canonicalize(segment);
        return canonical is null
            ? new(null, "no final answer marker and the last line does not end in exactly one number")
            : new(canonical, null);
    }

    /// <summary>
    /// An answer is printable text: control characters (other than tab), format characters (zero-width spaces, bidi
    /// overrides) and line separators inside it make it unparseable, so a byte-level model cannot hide or reorder
    /// what a reader of the completion sees.
    /// </summary>
    private static bool HasInvisibleCharacters(string text)
    {
        foreach (var c in text)
        {
            if (c == '\t') continue;
            if (char.IsControl(c)) return true;
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator) return true;
        }
        return false;
    }

    /// <summary>"18. Because ..." claims "18": the value ends at the first sentence break.</summary>
    private static string FirstSentence(string line, int start, int limit)
    {
        var end = SentenceEnd().Match(line, start, limit - start);
        return end.Success ? line[start..end.Index] : line[start..limit];
    }

    private static string Shorten(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 40 ? trimmed : trimmed[..40] + "...";
    }

    // "(?:\s|\*\*)*" rather than "\s*(?:\*\*)?\s*": two adjacent \s* backtrack against each other, which made a line of
    // "answer" and 60,000 spaces take seconds to reject (quadratic); the alternatives here cannot overlap.
    [GeneratedRegex(@"^\s*(?:\*\*)?(?:(?:final\s+)?answer(?:\s|\*\*)*:(?:\*\*)?|####)", RegexOptions.IgnoreCase)]
    private static partial Regex LineMarker();

    [GeneratedRegex(@"\bthe\s+(?:final\s+)?answer\s+is\s*:?", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerIsPhrase();

    [GeneratedRegex(@"\\boxed\{([^{}]*)\}")]
    private static partial Regex Boxed();

    [GeneratedRegex(@"[.!?](?:\s|$)")]
    private static partial Regex SentenceEnd();
}
