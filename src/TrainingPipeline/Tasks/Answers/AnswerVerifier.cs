namespace TrainingPipeline.Tasks.Answers;

/// <summary>Scores a completion's extracted final answer against a reference answer, exactly.</summary>
public static class AnswerVerifier
{
    public static Verdict Verify(string completion, string referenceAnswer, IAnswerFormat format)
    {
        var expected = format.Canonicalize(referenceAnswer)
            ?? throw new InvalidOperationException($"Reference answer '{referenceAnswer}' is not a valid answer.");
        var extracted = AnswerExtractor.Extract(completion, format);
        if (!extracted.Found) return Verdict.Unparseable(extracted.Problem);
        return extracted.Canonical == expected
            ? Verdict.Correct()
            : Verdict.Wrong($"expected {Shorten(expected)}, got {Shorten(extracted.Canonical!)}");
    }

    /// <summary>Verdict details are logged and stored per rollout: a huge answer is shown by its start and length.</summary>
    internal static string Shorten(string text) => text.Length <= 80 ? text : $"{text[..80]}… ({text.Length} characters)";
}
