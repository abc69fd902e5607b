using TrainingPipeline.Cli;

namespace TrainingPipeline.Tests.Cli;

/// <summary>
/// <see cref="Program.Main"/> called in-process with Console captured: the command line exactly as users call it,
/// without starting a process. Console is global, so every caller belongs to the <see cref="Collection"/> collection.
/// </summary>
internal static class InProcessCli
{
    public const string Collection = "console";

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (Program.Main(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
