using Parquet.Serialization;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Reporting;

namespace TrainingPipeline.Analysis.Tests.Reporting;

public sealed class FitsTableWriterTests : IDisposable
{
    private readonly string _fits = Directory.CreateTempSubdirectory("fits-table").FullName;

    public void Dispose() => Directory.Delete(_fits, recursive: true);

    [Fact]
    public async Task AFailedFitStoresNoValuesAndKeepsBothNotes()
    {
        var fit = new LawFit(RlSigmoidLaw.LawName, 12, new Dictionary<string, double> { ["A"] = 0.576 }, 0.01, [0.0]);
        var law = new FittedLaw(RlSigmoidLaw.LawName, "g", fit, [new ParameterEstimate("A", 0.576, 0.45, 0.708, 0.01)], [], 0, 0,
            RunLevelIntervals.Run, null, "no backtest")
        {
            FailureNote = "failed fit: the ceiling lies below the observed maximum",
            IntervalNote = "R0 not identified",
            Runs = 4,
        };

        var path = FitsTableWriter.Write(_fits, "test", [law], [], DateTime.UtcNow);

        await using var stream = File.OpenRead(path);
        var row = Assert.Single((await ParquetSerializer.DeserializeUntypedAsync(stream)).Data);
        // The failed fit's numbers are not a result: the table must not carry them as if they were.
        Assert.True(double.IsNaN((double)row["value"]!));
        Assert.True(double.IsNaN((double)row["ci_low"]!) && double.IsNaN((double)row["ci_high"]!));
        Assert.True(!row.TryGetValue("eval_stderr", out var stderr) || stderr is null);
        Assert.Equal("failed fit: the ceiling lies below the observed maximum; R0 not identified", row["interval_note"]);
    }

    [Fact]
    public void NotesAreJoinedWithoutEmptyOnes()
    {
        Assert.Null(FitsTableWriter.JoinNotes(null, ""));
        Assert.Equal("a", FitsTableWriter.JoinNotes(null, "a"));
        Assert.Equal("a; b", FitsTableWriter.JoinNotes("a", "b"));
    }
}
