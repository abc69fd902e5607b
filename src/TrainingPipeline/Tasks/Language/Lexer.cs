using System.Globalization;

namespace TrainingPipeline.Tasks.Language;

public enum TokenKind { Number, Name, Symbol, Separator, EndOfInput }

/// <summary>A token; <see cref="TokenKind.Separator"/> is a newline or ';' (both end a statement).</summary>
public sealed record Token(TokenKind Kind, string Text, int Line);

/// <summary>Splits source into tokens. '#' starts a comment to the end of the line.</summary>
public static class Lexer
{
    private static readonly string[] TwoCharSymbols = ["==", "!=", "<=", ">="];
    private const string OneCharSymbols = "+-*/%<>=(),";

    public static IReadOnlyList<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        var line = 1;
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\n' || c == ';')
            {
                tokens.Add(new Token(TokenKind.Separator, c == ';' ? ";" : "\\n", line));
                if (c == '\n') line++;
                i++;
            }
            else if (c is ' ' or '\t' or '\r') i++;
            else if (c == '#')
            {
                while (i < source.Length && source[i] != '\n') i++;
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < source.Length && char.IsAsciiDigit(source[i])) i++;
                var text = source[start..i];
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    throw new SyntaxErrorException($"number {Shorten(text)} does not fit in 64 bits", line);
                tokens.Add(new Token(TokenKind.Number, text, line));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Name, source[start..i], line));
            }
            else if (i + 1 < source.Length && TwoCharSymbols.Contains(source.Substring(i, 2)))
            {
                tokens.Add(new Token(TokenKind.Symbol, source.Substring(i, 2), line));
                i += 2;
            }
            else if (OneCharSymbols.Contains(c))
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), line));
                i++;
            }
            else throw new SyntaxErrorException($"unexpected character '{c}'", line);
        }
        tokens.Add(new Token(TokenKind.EndOfInput, "", line));
        return tokens;
    }

    private static string Shorten(string text) => text.Length <= 24 ? text : text[..24] + "...";
}
