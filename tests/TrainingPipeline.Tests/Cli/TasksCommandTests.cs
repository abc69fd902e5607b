using System.Text.Json;
using TrainingPipeline.Cli;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Cli;

/// <summary>The 'tasks' verb (src/TrainingPipeline.Cli/TasksCommand.cs).</summary>
[Collection("console")] // calls Program.Main, which writes to Console
public class TasksCommandTests
{
    [Fact]
    public void SamplePrintsProblemsThatRoundTripThroughScore()
    {
        var lines = TasksCommand.SampleLines("code-synthesis", 2, 5, 10).ToList();
        Assert.Equal(5, lines.Count);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        // The default split is train: the first line is seed 10's first train-split problem (the raw draw may be eval).
        var expected = ProblemSplits.Generate(TaskRegistry.Get("code-synthesis"), 10, 2, ProblemSplit.Train);
        Assert.Equal(expected.Prompt, first.GetProperty("prompt").GetString());
        Assert.Equal(ProblemSplit.Train, ProblemSplits.Of(expected));

        var data = Temp(lines);
        var answers = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("answer").GetString()!).ToList();
        var completions = Temp(answers.Select((a, i) => JsonSerializer.Serialize(new { completion = i < 3 ? $"Answer: {a}" : "Answer: print 0" })));
        var summary = TasksCommand.Score("code-synthesis", data, completions);
        Assert.Equal(5, (int)summary["n"]!);
        Assert.Equal(3, (int)summary["correct"]!);
        Assert.Equal(0.6, (double)summary["accuracy"]!, 6);
    }

    [Fact]
    public void MisalignedOrMalformedFilesAreBadInput()
    {
        var data = Temp(TasksCommand.SampleLines("addition", 1, 3, 0));
        Assert.Throws<BadInputException>(() => TasksCommand.Score("addition", data, Temp(["""{"completion": "Answer: 1"}"""])));
        Assert.Throws<BadInputException>(() => TasksCommand.Score("addition", data, Temp(["{}", "{}", "{}"])));
        Assert.Throws<BadInputException>(() => TasksCommand.Score("sorting", data, Temp(["{}", "{}", "{}"])));
        Assert.Throws<BadInputException>(() => TasksCommand.SampleLines("nope", 1, 1, 0).ToList());
    }

    [SharedDataFact("gsm8k/test.jsonl")]
    public void ScoresGsm8kReferenceSolutionsAsAllCorrect()
    {
        var data = SharedData.PathOf("gsm8k/test.jsonl");
        var completions = Temp(File.ReadLines(data).Select(l =>
            JsonSerializer.Serialize(new { completion = JsonDocument.Parse(l).RootElement.GetProperty("answer").GetString() })));
        var summary = TasksCommand.Score("gsm8k", data, completions);
        Assert.Equal(1319, (int)summary["n"]!);
        Assert.Equal(1319, (int)summary["correct"]!);
        Assert.Equal(1.0, (double)summary["accuracy"]!);
    }

    [Fact]
    public void TheSampleVerbRefusesATooSmallEvalSplitWithExitTwoAndPrintsNothing()
    {
        // Addition at difficulty 1 has 100 problems, about 20 in the eval split.
        var (exit, stdout, stderr) = InProcessCli.Run("tasks", "sample", "--family", "addition", "--difficulty", "1", "--n", "500", "--split", "eval");
        Assert.Equal(Program.BadInput, exit);
        Assert.Equal("", stdout);
        Assert.Contains("addition", stderr);
        var (ok, printed, _) = InProcessCli.Run("tasks", "sample", "--family", "addition", "--difficulty", "2", "--n", "500", "--split", "eval");
        Assert.Equal(Program.Success, ok);
        Assert.Equal(500, printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
    }

    [Fact]
    public void BadInputFromTheVerbExitsWithTwo()
    {
        Assert.Equal(Program.BadInput, Program.Main(["tasks", "sample", "--family", "nope"]));
        Assert.Equal(Program.BadInput, Program.Main(["tasks", "score", "--task", "addition", "--data", "/nonexistent", "--completions", "/nonexistent"]));
    }

    private static string Temp(IEnumerable<string> lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tasks-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }
}
