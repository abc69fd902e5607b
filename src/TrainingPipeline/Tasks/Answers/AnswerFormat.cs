namespace TrainingPipeline.Tasks.Answers;

/// <summary>
/// How a family's final answer is compared: the extracted text is turned into a canonical form, and two answers
/// match when their canonical forms are equal. <c>null</c> means the text is not a single answer of this kind.
/// </summary>
public interface IAnswerFormat
{
    /// <summary>Canonical form of one answer, or null when the text is not exactly one answer.</summary>
    string? Canonicalize(string value);

    /// <summary>Whether a completion without any answer marker may fall back to its last number.</summary>
    bool AllowsLastNumberFallback { get; }
}
