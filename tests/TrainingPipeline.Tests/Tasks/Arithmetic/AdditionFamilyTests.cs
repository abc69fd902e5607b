using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Arithmetic;

namespace TrainingPipeline.Tests.Tasks.Arithmetic;

public class AdditionFamilyTests
{
    private readonly AdditionFamily _family = new();

    [Fact]
    public void AnswerIsTheSumOfThePromptsOperandsWithDifficultyDigits()
    {
        for (var difficulty = 1; difficulty <= _family.MaxDifficulty; difficulty++)
        {
            for (var seed = 0; seed < 50; seed++)
            {
                var problem = _family.Generate(seed, difficulty);
                var match = System.Text.RegularExpressions.Regex.Match(problem.Prompt, @"^What is (\d+) \+ (\d+)\?\n$");
                Assert.True(match.Success, problem.Prompt);
                Assert.Equal(difficulty, match.Groups[1].Value.Length);
                Assert.Equal(difficulty, match.Groups[2].Value.Length);
                Assert.Equal((long.Parse(match.Groups[1].Value) + long.Parse(match.Groups[2].Value)).ToString(), problem.Answer);
            }
        }
    }

    [Fact]
    public void EasiestLevelIsTiny()
    {
        var problem = _family.Generate(1, 1);
        Assert.True(problem.Prompt.Length <= 20);
        Assert.Equal($"Answer: {problem.Answer}\n", problem.Solution);
    }

    [Fact]
    public void ColumnStepsCarry()
    {
        Assert.Equal(["9+3+0=12", "9+0+1=10"], AdditionFamily.ColumnSteps(99, 3));
        Assert.Equal(["7+5+0=12", "5+8+1=14", "4+1+1=6"], AdditionFamily.ColumnSteps(457, 185));
    }

    [Fact]
    public void ScoresCommonCompletionStyles()
    {
        var problem = new TaskProblem("addition", 2, 0, "What is 37 + 58?\n", "Answer: 95\n", "95");
        Assert.Equal(1.0, _family.Score(problem, "37 + 58 = 95").Reward);
        Assert.Equal(1.0, _family.Score(problem, "Answer: 95\n\nWhat is 1 + 2?").Reward);
        Assert.Equal(0.0, _family.Score(problem, "Answer: 96").Reward);
        Assert.Equal(0.0, _family.Score(problem, "Answer: 95 96").Reward);
        Assert.Throws<ArgumentException>(() => _family.Score(problem with { Family = "code-trace" }, "95"));
    }
}
