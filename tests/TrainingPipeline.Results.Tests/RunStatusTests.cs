namespace TrainingPipeline.Results.Tests;

public sealed class RunStatusTests : IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("run-status").FullName;

    public void Dispose() => Directory.Delete(_results, recursive: true);

    /// <summary>The runs table's <c>status</c> words stay what they were when statuses were strings.</summary>
    [Theory]
    [InlineData(RunStatus.Running, "running")]
    [InlineData(RunStatus.Completed, "completed")]
    [InlineData(RunStatus.Failed, "failed")]
    [InlineData(RunStatus.Interrupted, "interrupted")]
    public void EachStatusWritesItsFormerWordAndReadsItBack(RunStatus status, string word)
    {
        Assert.Equal(word, RunStatuses.Name(status));
        Assert.True(RunStatuses.TryParse(word, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Fact]
    public void EveryStatusIsPinnedAbove() => Assert.Equal(4, Enum.GetValues<RunStatus>().Length);

    [Theory]
    [InlineData("Completed")]
    [InlineData("done")]
    [InlineData("")]
    public void AWordNoRunWritesIsRejected(string word) => Assert.False(RunStatuses.TryParse(word, out _));

    [Fact]
    public void TheLedgerReadsTheNewestRowsStatus()
    {
        var writer = new ResultsWriter(_results);
        var t0 = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.Null(RunLedger.LatestStatus(_results, "abc"));
        writer.Append(ResultTables.Runs, "abc", [Row(RunStatus.Running, t0)]);
        writer.Append(ResultTables.Runs, "abc", [Row(RunStatus.Interrupted, t0.AddMinutes(1))]);
        Assert.Equal(RunStatus.Interrupted, RunLedger.LatestStatus(_results, "abc"));
    }

    /// <summary>A status the tool cannot have written must not read as "not completed" (and be retrained over): it is named.</summary>
    [Fact]
    public void AnUnknownStatusInTheLedgerNamesTheFileAndColumn()
    {
        var writer = new ResultsWriter(_results);
        writer.Append(ResultTables.Runs, "abc", [new RunRecord { Experiment = "e", Stage = "rl", ConfigJson = "{}", Status = "done", WrittenAt = DateTime.UtcNow }]);
        var e = Assert.Throws<BadInputException>(() => RunLedger.LatestStatus(_results, "abc"));
        Assert.Equal("status", e.Field);
        Assert.EndsWith(".parquet", e.InputFile, StringComparison.Ordinal);
        Assert.Throws<BadInputException>(() => ResultsReader.ReadRuns(_results));
    }

    private static RunRecord Row(RunStatus status, DateTime at) =>
        new() { Experiment = "e", Stage = "rl", ConfigJson = "{}", Status = RunStatuses.Name(status), WrittenAt = at };
}
