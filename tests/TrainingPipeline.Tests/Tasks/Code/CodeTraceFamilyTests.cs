using TrainingPipeline.Tasks.Code;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tests.Tasks.Code;

public class CodeTraceFamilyTests
{
    private readonly CodeTraceFamily _family = new();

    [Fact]
    public void AnswerIsWhatTheInterpreterPrintsForThePromptsProgram()
    {
        for (var difficulty = 1; difficulty <= _family.MaxDifficulty; difficulty++)
        {
            for (var seed = 0; seed < 40; seed++)
            {
                var problem = _family.Generate(seed, difficulty);
                Assert.StartsWith("Run:\n", problem.Prompt);
                Assert.EndsWith("\nOutput?\n", problem.Prompt);
                var run = Interpreter.Run(HardnessMeasures.ProgramOf(problem.Prompt));
                Assert.True(run.Succeeded);
                Assert.Equal(string.Join(' ', run.OutputLines), problem.Answer);
            }
        }
    }

    [Fact]
    public void WorkedStepsAreTheExecutionTrace()
    {
        var problem = _family.Generate(3, 4);
        var run = Interpreter.Run(HardnessMeasures.ProgramOf(problem.Prompt));
        var expected = string.Concat(run.Trace.Select(t => t.Text + "\n")) + $"Answer: {problem.Answer}\n";
        Assert.Equal(expected, problem.Solution);
    }

    [Fact]
    public void HigherLevelsUseTheirSignatureConstructs()
    {
        static bool AllUse(int difficulty, string keyword) =>
            Enumerable.Range(0, 20).All(s => new CodeTraceFamily().Generate(s, difficulty).Prompt.Contains(keyword));
        Assert.True(AllUse(3, "if "));
        Assert.True(AllUse(4, "while "));
        Assert.True(AllUse(5, "for "));
        Assert.True(AllUse(6, "func "));
        Assert.True(AllUse(8, "return f(") || AllUse(8, "f(n - 1)"));
    }
}
