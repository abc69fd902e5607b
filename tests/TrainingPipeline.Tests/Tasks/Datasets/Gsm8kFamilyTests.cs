using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Datasets;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Tasks.Datasets;

public class Gsm8kFamilyTests
{
    [SharedDataFact("gsm8k/test.jsonl")]
    public void EveryReferenceSolutionScoresOneAndAlteredAnswersScoreZero()
    {
        var family = Gsm8kFamily.Load(SharedData.PathOf("gsm8k/test.jsonl"));
        Assert.Equal(1319, family.Problems.Count);
        var raw = File.ReadLines(SharedData.PathOf("gsm8k/test.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("answer").GetString()!).ToList();
        for (var i = 0; i < family.Problems.Count; i++)
        {
            var problem = family.Problems[i];
            Assert.Equal(1.0, family.Score(problem, raw[i]).Reward);            // the original "#### N" text
            Assert.Equal(1.0, family.Score(problem, problem.Solution).Reward);  // the converted "Answer: N" text
            var value = long.Parse(problem.Answer);
            var marker = raw[i].LastIndexOf("####", StringComparison.Ordinal);
            foreach (var wrong in new[] { value + 1, value - 1, value * 10, -value - 1 })
                Assert.Equal(0.0, family.Score(problem, raw[i][..marker] + "#### " + wrong).Reward);
        }
        Assert.All(family.Problems, p => Assert.DoesNotContain("<<", p.Solution));
        Assert.True(Enumerable.Range(1, 7).All(d => family.Problems.Any(p => p.Difficulty == d)));
        Assert.Equal(family.Generate(5, 3), family.Generate(5, 3));
        Assert.Equal(3, family.Generate(5, 3).Difficulty);
    }

    [Fact]
    public void ParsesAnswersWithThousandsSeparatorsAndStripsCalculatorNotes()
    {
        var path = WriteTemp("""{"question": "Q?", "answer": "80,000+50,000=$<<80000+50000=130000>>130,000\n#### 130,000"}""");
        var family = Gsm8kFamily.Load(path);
        var problem = family.Problems.Single();
        Assert.Equal("130000", problem.Answer);
        Assert.Equal("Q?\n", problem.Prompt);
        Assert.Equal("80,000+50,000=$130,000\nAnswer: 130000\n", problem.Solution);
        Assert.Equal(1.0, family.Score(problem, "The answer is $130,000.").Reward);
        Assert.Equal(0.0, family.Score(problem, "The answer is $130,001.").Reward);
    }

    [Theory]
    [InlineData("not json", "line 1")]
    [InlineData("""{"question": "Q?"}""", "answer")]
    [InlineData("""{"question": "Q?", "answer": "no marker"}""", "####")]
    [InlineData("""{"question": "Q?", "answer": "x\n#### many"}""", "not a number")]
    public void MalformedLinesAreBadInputNamingTheField(string line, string expected)
    {
        var error = Assert.Throws<BadInputException>(() => Gsm8kFamily.Load(WriteTemp(line)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void MissingFileIsBadInput() =>
        Assert.Throws<BadInputException>(() => Gsm8kFamily.Load("/nonexistent/gsm8k.jsonl"));

    private static string WriteTemp(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gsm8k-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, content + "\n");
        return path;
    }
}
