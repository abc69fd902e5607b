using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Code;

/// <summary>
/// A program written on the answer line (statements separated by ';'). The text is kept as written, apart from
/// surrounding spaces and backticks, and is judged by running it, not by comparing text.
/// </summary>
public sealed class ProgramAnswerFormat : IAnswerFormat
{
    public static ProgramAnswerFormat Instance { get; } = new();

    public bool AllowsLastNumberFallback => false;

    public string? Canonicalize(string value)
    {
        var program = value.Trim().Trim('`').Trim();
        return program.Length == 0 ? null : program;
    }
}
