using System.Text.RegularExpressions;
using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public class MathDomainTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void MultiplicationAnswersAndPartialProductsAreCorrect(int difficulty)
    {
        foreach (var document in new MultiplicationDomain(difficulty).Documents(1).Take(300))
        {
            var question = Regex.Match(document, @"^What is (\d+) \* (\d+)\?\n");
            Assert.True(question.Success, document);
            Assert.EndsWith($"Answer: {long.Parse(question.Groups[1].Value) * long.Parse(question.Groups[2].Value)}\n", document);
            foreach (Match line in Regex.Matches(document, @"^(\d+) \* (\d+) = (\d+)$", RegexOptions.Multiline))
                Assert.Equal(long.Parse(line.Groups[1].Value) * long.Parse(line.Groups[2].Value), long.Parse(line.Groups[3].Value));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ExpressionStepsAllEvaluateToTheAnswer(int difficulty)
    {
        foreach (var document in new ArithmeticExpressionDomain(difficulty).Documents(2).Take(300))
        {
            var lines = document.TrimEnd('\n').Split('\n');
            var answer = long.Parse(lines[^1]["Answer: ".Length..]);
            Assert.Equal(answer, ExpressionCheck.Arithmetic(lines[0]["Evaluate: ".Length..]));
            foreach (var step in lines[1..^1]) Assert.Equal(answer, ExpressionCheck.Arithmetic(step[2..]));
            Assert.Equal(difficulty + 1, lines.Length - 2);   // one line per operator
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void LinearEquationAnswerSatisfiesTheEquation(int difficulty)
    {
        foreach (var document in new LinearEquationDomain(difficulty).Documents(3).Take(300))
        {
            var equation = Regex.Match(document, @"^Solve for x: (.+) = (.+)\n");
            var x = long.Parse(Regex.Match(document, @"Answer: (-?\d+)\n$").Groups[1].Value);
            Assert.Equal(Substitute(equation.Groups[1].Value, x), Substitute(equation.Groups[2].Value, x));
        }
    }

    private static long Substitute(string side, long x) =>
        ExpressionCheck.Arithmetic(Regex.Replace(side, @"(\d*)x", m => $"{(m.Groups[1].Value == "" ? "1" : m.Groups[1].Value)} * ({x})"));
}
