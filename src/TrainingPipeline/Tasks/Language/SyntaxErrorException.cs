namespace TrainingPipeline.Tasks.Language;

/// <summary>Source text that is not a valid program (raised by <see cref="Parser"/>).</summary>
public sealed class SyntaxErrorException(string message, int line) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
    public string Problem { get; } = message;
}
