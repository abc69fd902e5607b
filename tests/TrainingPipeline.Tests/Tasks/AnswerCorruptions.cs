using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Answers;
using TrainingPipeline.Tasks.Code;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tests.Tasks;

/// <summary>Near-miss variants of a correct answer: the kinds of mistakes a verifier must never reward.</summary>
internal static class AnswerCorruptions
{
    public static IEnumerable<string> Of(string answer)
    {
        var numeric = NumericAnswerFormat.Instance.Canonicalize(answer);
        if (numeric is not null && long.TryParse(answer, out var value))
        {
            yield return (value + 1).ToString();
            yield return (value - 1).ToString();
            yield return (value * 10).ToString();
            if (value != 0) yield return (-value).ToString();
            yield return answer + "0";
            yield return value + ".5";
        }
        var tokens = answer.Split(' ');
        if (tokens.Length > 1)
        {
            yield return string.Join(' ', tokens.Reverse());
            yield return string.Join(' ', tokens.Skip(1));
            yield return answer + " " + tokens[0];
            yield return string.Join(' ', tokens[1..].Prepend(tokens[0] + tokens[0]));
        }
        // Change one character: a digit to its successor, a letter to the next letter.
        for (var i = 0; i < answer.Length; i++)
        {
            var c = answer[i];
            char? changed = char.IsAsciiDigit(c) ? (char)('0' + (c - '0' + 1) % 10)
                : char.IsAsciiLetterLower(c) ? (char)('a' + (c - 'a' + 1) % 26)
                : char.IsAsciiLetterUpper(c) ? (char)('A' + (c - 'A' + 1) % 26)
                : null;
            if (changed is not null)
            {
                yield return answer[..i] + changed + answer[(i + 1)..];
                break;
            }
        }
        yield return answer + "x";
    }

    /// <summary>True when both read as the same answer (same number, or same tokens ignoring separators).</summary>
    public static bool SameAnswer(string a, string b)
    {
        var numericA = NumericAnswerFormat.Instance.Canonicalize(a);
        if (numericA is not null && numericA == NumericAnswerFormat.Instance.Canonicalize(b)) return true;
        return TextAnswerFormat.CaseSensitive.Canonicalize(a) == TextAnswerFormat.CaseSensitive.Canonicalize(b);
    }

    /// <summary>
    /// Families whose answers are checked semantically can accept a different text: programs that print the same on
    /// every hidden case (judged by running them), and yes/no or true/false in another case.
    /// </summary>
    public static bool IsEquivalentFor(string family, TaskProblem problem, string variant)
    {
        if (family.StartsWith("code-synthesis") || family.StartsWith("code-repair"))
            return HiddenTests.Parse(problem).All(inputs =>
            {
                var reference = Interpreter.Run(problem.Answer, ExecutionLimits.Verification, inputs);
                var candidate = Interpreter.Run(variant, ExecutionLimits.Verification, inputs);
                return candidate.Succeeded && candidate.OutputLines.SequenceEqual(reference.OutputLines);
            });
        return family is "boolean-logic" or "graph-reachability"
            && string.Equals(variant, problem.Answer, StringComparison.OrdinalIgnoreCase);
    }
}
