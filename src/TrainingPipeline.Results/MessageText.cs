using System.Globalization;
using System.Text;

namespace TrainingPipeline.Results;

/// <summary>
/// Makes text from user input safe to print: control characters (ANSI escapes, NUL, newlines, C1 controls),
/// invisible format characters (bidi overrides, zero-width spaces) and lone surrogates become <c>\uXXXX</c>, so a
/// rejected name cannot recolour, clear or rewrite the user's terminal, and what was wrong with it stays visible.
/// </summary>
public static class MessageText
{
    public static string Printable(string text)
    {
        StringBuilder? builder = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                builder?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                builder ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else builder?.Append(c);
        }
        return builder?.ToString() ?? text;
    }
}
