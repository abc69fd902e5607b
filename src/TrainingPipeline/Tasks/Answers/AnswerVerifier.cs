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
            : Verdict.Wrong($"expected {expected}, got {extracted.Canonical}");
    }
}
