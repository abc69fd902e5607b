using System.Text.RegularExpressions;
using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public partial class AdditionDomainTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void AnswerIsTheSumAndEveryColumnLineIsCorrect(int difficulty)
    {
        foreach (var document in new AdditionDomain(difficulty).Documents(3).Take(300))
        {
            var question = Question().Match(document);
            Assert.True(question.Success, document);
            var expected = long.Parse(question.Groups[1].Value) + long.Parse(question.Groups[2].Value);
            Assert.EndsWith($"Answer: {expected}\n", document);
            foreach (Match column in Column().Matches(document))
            {
                var terms = column.Groups[1].Value.Split(" + ").Sum(int.Parse);
                Assert.Equal(terms, int.Parse(column.Groups[2].Value));
                Assert.Equal(terms % 10, int.Parse(column.Groups[3].Value));
            }
        }
    }

    [Fact]
    public void LevelOneLooksLikeThis()
    {
        var document = new AdditionDomain().Documents(0).First();
        Assert.Matches(@"^What is \d\d \+ \d\d?\?\n(.+\n)+Answer: \d+\n$", document);
    }

    [GeneratedRegex(@"^What is (\d+) \+ (\d+)\?\n")]
    private static partial Regex Question();

    [GeneratedRegex(@"^([\d +]+) = (\d+), write (\d)", RegexOptions.Multiline)]
    private static partial Regex Column();
}
