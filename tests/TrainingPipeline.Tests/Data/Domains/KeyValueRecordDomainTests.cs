using System.Text.RegularExpressions;
using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public class KeyValueRecordDomainTests
{
    [Fact]
    public void AgeAnswersMatchTheRecord()
    {
        var checkedAnswers = 0;
        foreach (var document in new KeyValueRecordDomain(2).Documents(9).Take(300))
        {
            var ages = Regex.Matches(document, @"name: (\w+)\nage: (\d+)")
                .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
            var ageQuestion = Regex.Match(document, @"What is the age of (\w+)\?\nAnswer: (\d+)\n$");
            if (ageQuestion.Success)
            {
                Assert.Equal(ages[ageQuestion.Groups[1].Value], int.Parse(ageQuestion.Groups[2].Value));
                checkedAnswers++;
            }
            var older = Regex.Match(document, @"Who is older, (\w+) or (\w+)\?\n.*\nAnswer: (.+)\n$");
            if (older.Success)
            {
                var (a, b) = (older.Groups[1].Value, older.Groups[2].Value);
                var expected = ages[a] == ages[b] ? "same age" : ages[a] > ages[b] ? a : b;
                Assert.Equal(expected, older.Groups[3].Value);
                checkedAnswers++;
            }
        }
        Assert.True(checkedAnswers > 100, $"only {checkedAnswers} answers were checkable");
    }
}
