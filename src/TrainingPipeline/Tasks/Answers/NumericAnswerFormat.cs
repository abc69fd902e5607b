using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace TrainingPipeline.Tasks.Answers;

/// <summary>
/// Numbers compared by exact value: integers, decimals, thousands separators, signs and fractions; currency symbols
/// and unit words are ignored. The text must contain exactly one number, so "5 or 6" is not an answer.
/// </summary>
public sealed partial class NumericAnswerFormat : IAnswerFormat
{
    public static NumericAnswerFormat Instance { get; } = new();

    /// <summary>
    /// A number written with more digits than this is not read as an answer: exact arithmetic on it (a million-digit
    /// decimal's fraction in lowest terms) would take minutes, and no task's answer comes near it.
    /// </summary>
    public const int MaxDigits = 100;

    public bool AllowsLastNumberFallback => true;

    public string? Canonicalize(string value)
    {
        var numbers = FindNumbers(value);
        return numbers.Count == 1 ? numbers[0].ToString() : null;
    }

    /// <summary>Every number in the text, as exact rationals, in order; empty when any number is unusable (a zero
    /// denominator, non-ASCII digits, more than <see cref="MaxDigits"/> digits).</summary>
    public static IReadOnlyList<Rational> FindNumbers(string text)
    {
        var cleaned = Clean(text);
        var found = new List<Rational>();
        foreach (Match match in NumberPattern().Matches(cleaned))
        {
            var parsed = ParseNumber(match.Value);
            if (parsed is null) return []; // an unusable number makes the whole text unusable
            found.Add(parsed.Value);
        }
        return found;
    }

    /// <summary>Removes currency symbols and unifies minus signs so "-$1,200.50" reads as one number.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '$' or '€' or '£' or '¥' or '₹') continue;
            builder.Append(c is '−' or '–' ? '-' : c);
        }
        return builder.ToString();
    }

    private static Rational? ParseNumber(string token)
    {
        var compact = token.Replace(",", "").Replace(" ", "");
        var slash = compact.IndexOf('/');
        if (slash < 0) return ParseDecimal(compact);
        var numerator = ParseDecimal(compact[..slash]);
        var denominator = ParseDecimal(compact[(slash + 1)..]);
        if (numerator is null || denominator is null || denominator.Value.IsZero) return null;
        return numerator.Value / denominator.Value;
    }

    private static Rational? ParseDecimal(string text)
    {
        var negative = text.StartsWith('-');
        if (text.StartsWith('-') || text.StartsWith('+')) text = text[1..];
        var point = text.IndexOf('.');
        var digits = point < 0 ? text : text[..point] + text[(point + 1)..];
        if (digits.Length == 0 || digits.Length > MaxDigits || !digits.All(char.IsAsciiDigit)) return null;
        var scale = point < 0 ? 0 : text.Length - point - 1;
        var numerator = BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        var value = new Rational(negative ? -numerator : numerator, BigInteger.Pow(10, scale));
        return value;
    }

    // A number not glued to a word, a dot or a comma on the left, and not continued by more digits on the right:
    // thousands groups must be exact ("1,200" yes, "1,2" no), an optional decimal part, an optional "/denominator".
    [GeneratedRegex(@"(?<![\w.,/])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)?(?![.,/]?\d)")]
    private static partial Regex NumberPattern();
}
