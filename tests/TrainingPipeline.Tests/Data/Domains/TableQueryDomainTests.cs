using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public class TableQueryDomainTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void AnswersAreComputedFromTheTable(int difficulty)
    {
        foreach (var document in new TableQueryDomain(difficulty).Documents(10).Take(300))
        {
            var lines = document.TrimEnd('\n').Split('\n');
            Assert.Equal("name,team,score", lines[0]);
            var rows = lines.Skip(1).TakeWhile(l => l.Contains(',')).Select(l => l.Split(',')).ToList();
            var question = lines[1 + rows.Count];
            var answer = lines[^1]["Answer: ".Length..];
            if (question.StartsWith("total score of team "))
            {
                var team = question["total score of team ".Length..^1];
                Assert.Equal(rows.Where(r => r[1] == team).Sum(r => int.Parse(r[2])).ToString(), answer);
            }
            else if (question.StartsWith("how many rows are in team "))
            {
                var team = question["how many rows are in team ".Length..^1];
                Assert.Equal(rows.Count(r => r[1] == team).ToString(), answer);
            }
            else Assert.Equal(rows.First(r => int.Parse(r[2]) == rows.Max(x => int.Parse(x[2])))[0], answer);
        }
    }
}
