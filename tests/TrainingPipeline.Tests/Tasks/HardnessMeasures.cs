using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Code;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tests.Tasks;

/// <summary>
/// Observable hardness per family, measured from the problem itself (not from metadata the family reports):
/// the mean must grow with difficulty.
/// </summary>
internal static class HardnessMeasures
{
    public static Func<TaskProblem, double> For(string family) => family switch
    {
        // The worked step names the rule, whose wording length says nothing about hardness.
        "sequence" => p => p.Prompt.Length + p.Answer.Length,
        "code-trace" => p => ExecutedSteps(ProgramOf(p.Prompt)),
        _ when family.StartsWith("code-") => p => HiddenTests.Parse(p).Average(inputs => ExecutedSteps(p.Answer, inputs)),
        _ => p => p.Prompt.Length + p.Solution.Length,
    };

    /// <summary>The program between the "Run:" line and the "Output?" line of a code-trace prompt.</summary>
    public static string ProgramOf(string prompt)
    {
        var lines = prompt.TrimEnd('\n').Split('\n');
        return string.Join('\n', lines[1..^1]);
    }

    public static double ExecutedSteps(string source, IReadOnlyList<long>? inputs = null)
    {
        var result = Interpreter.Run(source, ExecutionLimits.Verification, inputs);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.StepsUsed;
    }
}
