using System.Globalization;
using TrainingPipeline.Tasks.Answers;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tasks.Code;

/// <summary>
/// The input cases a candidate program is run on, stored in <see cref="TaskProblem.Metadata"/> under "tests" as
/// "1,2;3,4" (cases separated by ';', inputs by ','). Expected outputs come from running the reference answer.
/// </summary>
public static class HiddenTests
{
    public const string MetadataKey = "tests";

    public static string Format(IEnumerable<IReadOnlyList<long>> cases) =>
        string.Join(';', cases.Select(c => string.Join(',', c.Select(v => v.ToString(CultureInfo.InvariantCulture)))));

    public static IReadOnlyList<long[]> Parse(TaskProblem problem)
    {
        if (problem.Metadata is null || !problem.Metadata.TryGetValue(MetadataKey, out var text))
            throw new ArgumentException($"Problem has no '{MetadataKey}' metadata.", nameof(problem));
        return text.Split(';').Select(c => c.Length == 0 ? [] : c.Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
    }

    /// <summary>
    /// Scores a completion whose final answer is a program: extract it with the shared rule, run it on every case,
    /// compare the printed lines with the reference's. With <paramref name="partialCredit"/> the reward is the
    /// fraction of cases passed; otherwise all must pass.
    /// </summary>
    public static Verdict Score(TaskProblem problem, string completion, bool partialCredit)
    {
        var extracted = AnswerExtractor.Extract(completion, ProgramAnswerFormat.Instance);
        if (!extracted.Found) return Verdict.Unparseable(extracted.Problem);
        var limits = ExecutionLimits.Verification;
        ProgramSyntax candidate;
        try
        {
            candidate = Parser.Parse(extracted.Canonical!, limits);
        }
        catch (SyntaxErrorException e)
        {
            return Verdict.Unparseable("syntax error: " + e.Message);
        }
        catch (InsufficientExecutionStackException)
        {
            return Verdict.Unparseable("syntax error: program nested too deeply");
        }
        var reference = Parser.Parse(problem.Answer, limits);
        var cases = Parse(problem);
        var passed = 0;
        Verdict? firstFailure = null;
        foreach (var inputs in cases)
        {
            var expected = Interpreter.Run(reference, limits, inputs);
            if (!expected.Succeeded) throw new InvalidOperationException($"Reference program failed: {expected.Error}");
            var actual = Interpreter.Run(candidate, limits, inputs);
            if (actual.Succeeded && actual.OutputLines.SequenceEqual(expected.OutputLines)) passed++;
            else firstFailure ??= Failure(actual, expected, inputs);
        }
        if (passed == cases.Count) return Verdict.Correct();
        var detail = $"{passed}/{cases.Count} tests passed; first failure: {firstFailure!.Detail}";
        if (partialCredit && passed > 0) return new Verdict((double)passed / cases.Count, VerdictReason.PartialCredit, detail);
        return firstFailure with { Detail = detail };
    }

    private static Verdict Failure(ExecutionResult actual, ExecutionResult expected, long[] inputs)
    {
        var input = string.Join(' ', inputs);
        if (actual.Error is { } error)
        {
            var reason = error.Kind switch
            {
                ExecutionErrorKind.StepLimit => VerdictReason.Timeout,
                ExecutionErrorKind.OutputLimit or ExecutionErrorKind.RecursionLimit => VerdictReason.LimitExceeded,
                _ => VerdictReason.RuntimeError,
            };
            return new Verdict(0.0, reason, $"input {input}: {error}");
        }
        return Verdict.Wrong($"input {input}: expected '{expected.Output}', got '{Shorten(actual.Output)}'");
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
