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
        var claims = FindClaims(lines);
        if (claims.Count == 0) return Fallback(lines, format);

        string? agreed = null;
        foreach (var claim in claims)
        {
            var canonical = format.Canonicalize(claim);
            if (canonical is null)
                return new(null, $"final answer '{Shorten(claim)}' is not exactly one answer");
            if (agreed is not null && agreed != canonical)
                return new(null, $"conflicting final answers '{agreed}' and '{canonical}'");
            agreed = canonical;
        }
        return new(agreed, null);
    }

    /// <summary>The raw text of every claimed final answer, in order of appearance.</summary>
    public static IReadOnlyList<string> FindClaims(IReadOnlyList<string> lines)
    {
        var claims = new List<string>();
        foreach (var line in lines)
        {
            var marker = LineMarker().Match(line);
            if (marker.Success)
            {
                claims.Add(line[(marker.Index + marker.Length)..]);
                continue;
            }
            foreach (Match phrase in AnswerIsPhrase().Matches(line))
                claims.Add(FirstSentence(line[(phrase.Index + phrase.Length)..]));
            foreach (Match boxed in Boxed().Matches(line))
                claims.Add(boxed.Groups[1].Value);
        }
        return claims;
    }

    private static ExtractedAnswer Fallback(string[] lines, IAnswerFormat format)
    {
        if (!format.AllowsLastNumberFallback)
            return new(null, "no final answer line ('Answer: ...')");
        var last = lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
        if (last is null) return new(null, "empty completion");
        var segment = last[(last.LastIndexOf('=') + 1)..];
        var canonical = format.Canonicalize(segment);
        return canonical is null
            ? new(null, "no final answer marker and the last line does not end in exactly one number")
            : new(canonical, null);
    }

    /// <summary>"18. Because ..." claims "18": the value ends at the first sentence break.</summary>
    private static string FirstSentence(string text)
    {
        var end = SentenceEnd().Match(text);
        return end.Success ? text[..end.Index] : text;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text.Trim() : text.Trim()[..40] + "...";

    [GeneratedRegex(@"^\s*(?:\*\*)?(?:(?:final\s+)?answer\s*(?:\*\*)?\s*:(?:\*\*)?|####)", RegexOptions.IgnoreCase)]
    private static partial Regex LineMarker();

    [GeneratedRegex(@"\bthe\s+(?:final\s+)?answer\s+is\s*:?", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerIsPhrase();

    [GeneratedRegex(@"\\boxed\{([^{}]*)\}")]
    private static partial Regex Boxed();

    [GeneratedRegex(@"[.!?](?:\s|$)")]
    private static partial Regex SentenceEnd();
}
