using System.CommandLine;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>
/// Entry point: a thin command line over the library and the analysis stage. Exit codes: 0 success, 1 run
/// failure, 2 bad input (the message names the file, field and fix).
/// </summary>
public static class Program
{
    public const int Success = 0;
    public const int RunFailure = 1;
    public const int BadInput = 2;

    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "TrainingPipeline: train small transformers with TorchSharp and measure how capability scales.");
        foreach (var command in Commands()) root.Subcommands.Add(command);
        try
        {
            var parsed = root.Parse(args);
            // System.CommandLine reports its own parse errors with exit code 1; bad arguments are bad input.
            if (parsed.Errors.Count > 0)
            {
                foreach (var error in parsed.Errors) Console.Error.WriteLine(MessageText.Printable(error.Message));
                Console.Error.WriteLine("Run with --help for usage.");
                return BadInput;
            }
            // Exceptions reach the handlers below instead of System.CommandLine's generic one (exit 1).
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (BadInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: the last checkpoint is saved; re-run the same command to resume");
            return RunFailure;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"run failed: {MessageText.Printable(e.Message)}");
            return RunFailure;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"run failed: {e}");
            return RunFailure;
        }
    }

    /// <summary>Every verb, each defined in its own file.</summary>
    private static IEnumerable<Command> Commands()
    {
        yield return RunCommand.Create();
        yield return RunCommand.CreatePretrain();
        yield return RunCommand.CreateRl();
        yield return PlanCommand.Create();
        yield return EvalCommand.Create();
        yield return AnalyzeCommand.Create();
        yield return TasksCommand.Create();
        yield return SweepCommand.Create();
        yield return ResultsCommand.Create();
        yield return VerifyCommand.Create();
    }
}
