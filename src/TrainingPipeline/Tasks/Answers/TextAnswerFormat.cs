namespace TrainingPipeline.Tasks.Answers;

/// <summary>
/// Answers compared as a sequence of tokens: separators (spaces, commas, brackets, quotes, a final period) do not
/// matter, so "[2, 5, 9]" equals "2 5 9"; everything else, including order and, when set, case, must match.
/// </summary>
public sealed class TextAnswerFormat(bool caseSensitive) : IAnswerFormat
{
    public static TextAnswerFormat CaseSensitive { get; } = new(caseSensitive: true);
    public static TextAnswerFormat CaseInsensitive { get; } = new(caseSensitive: false);

    private static readonly char[] Separators = [' ', '\t', ',', '[', ']', '(', ')', '"', '\'', '`', '*'];

    public bool AllowsLastNumberFallback => false;

    public string? Canonicalize(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.EndsWith('.')) trimmed = trimmed[..^1];
        var tokens = trimmed.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0) return null;
        var joined = string.Join(' ', tokens);
        return caseSensitive ? joined : joined.ToLowerInvariant();
    }
}
