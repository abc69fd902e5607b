namespace TrainingPipeline.Results;

/// <summary>
/// Input the user can fix: a malformed spec, a missing file, a corrupt table. The command line turns it into exit
/// code 2 and prints <see cref="Exception.Message"/>, which names the file, the field (or JSON path) and the fix.
/// The message has its control characters escaped (<see cref="MessageText"/>): it quotes user input.
/// </summary>
public class BadInputException : Exception
{
    public string InputFile { get; }
    public string Field { get; }
    /// <summary>What is wrong, without the file, field and fix (so a caller can re-wrap it under another source).</summary>
    public string Problem { get; }
    public string Fix { get; }

    public BadInputException(string source, string field, string problem, string fix, Exception? inner = null)
        : base(MessageText.Printable($"{source}: {field}: {problem.TrimEnd('.')}. Fix: {fix}"), inner)
    {
        InputFile = source;
        Field = field;
        Problem = problem;
        Fix = fix;
    }
}
