using Parquet.Schema;
using Parquet.Serialization;
using TrainingPipeline.Results;

namespace TrainingPipeline.Results.Tests;

public sealed class ResultsReaderTests : IDisposable
{
    private static readonly DateTime T0 = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly string _results = Directory.CreateTempSubdirectory("results-reader").FullName;

    public void Dispose() => Directory.Delete(_results, recursive: true);

    private static readonly ParquetSchema Runs = new(
        new DataField<string>("experiment"), new DataField<string>("stage"), new DataField<string?>("parent_run_id"),
        new DataField<string>("config_json"), new DataField<long>("seed"), new DataField<long>("params_total"),
        new DataField<long>("params_non_embedding"), new DataField<string>("status"), new DataField<DateTime>("written_at"));

    private static readonly ParquetSchema Steps = new(
        new DataField<string>("stage"), new DataField<long>("step"), new DataField<long>("tokens"), new DataField<double>("flops"),
        new DataField<double>("run_flops"), new DataField<double>("loss"), new DataField<DateTime>("written_at"));

    private static readonly ParquetSchema Evals = new(
        new DataField<string>("stage"), new DataField<long>("step"), new DataField<double>("flops"), new DataField<double>("run_flops"),
        new DataField<string>("eval_set"), new DataField<string>("split"), new DataField<string>("metric"),
        new DataField<double>("value"), new DataField<long>("n"), new DataField<double>("stderr"), new DataField<DateTime>("written_at"));

    private void Write(string table, string runId, string part, ParquetSchema schema, params Dictionary<string, object?>[] rows)
    {
        var folder = Path.Combine(_results, table, $"run_id={runId}");
        Directory.CreateDirectory(folder);
        using var stream = File.Create(Path.Combine(folder, part));
        ParquetSerializer.SerializeUntypedAsync(rows, schema, stream).GetAwaiter().GetResult();
    }

    private static Dictionary<string, object?> RunRow(string status, int minute) => new()
    {
        ["experiment"] = "e",
        ["stage"] = "pretrain_narrow",
        ["parent_run_id"] = null,
        ["config_json"] = "{}",
        ["seed"] = 1L,
        ["params_total"] = 2000L,
        ["params_non_embedding"] = 1000L,
        ["status"] = status,
        ["written_at"] = T0.AddMinutes(minute),
    };

    private static Dictionary<string, object?> StepRow(long step, double loss, int minute) => new()
    {
        ["stage"] = "pretrain_narrow",
        ["step"] = step,
        ["tokens"] = step * 100,
        ["flops"] = step * 1e9,
        ["run_flops"] = step * 1e9,
        ["loss"] = loss,
        ["written_at"] = T0.AddMinutes(minute),
    };

    private static Dictionary<string, object?> EvalRow(long step, double value, int minute) => new()
    {
        ["stage"] = "pretrain_narrow",
        ["step"] = step,
        ["flops"] = step * 1e9,
        ["run_flops"] = step * 1e9,
        ["eval_set"] = "web",
        ["split"] = "in_distribution",
        ["metric"] = "loss",
        ["value"] = value,
        ["n"] = 1000L,
        ["stderr"] = 0.01,
        ["written_at"] = T0.AddMinutes(minute),
    };

    [Fact]
    public void KeepsTheLatestRowPerKeyAcrossPartFilesOfAResumedRun()
    {
        // First attempt: started, wrote steps 1-3 and an eval at step 3, then crashed (no completed row).
        Write("runs", "abc", "part-00000-w.parquet", Runs, RunRow("running", 0));
        Write("steps", "abc", "part-00000-w.parquet", Steps, StepRow(1, 5.0, 1), StepRow(2, 4.0, 2), StepRow(3, 9.9, 3));
        Write("evals", "abc", "part-00000-w.parquet", Evals, EvalRow(3, 9.9, 3));
        // Resumed from the step-2 checkpoint: step 3 and its eval are rewritten, then the run completes.
        Write("runs", "abc", "part-00001-w.parquet", Runs, RunRow("running", 10), RunRow("completed", 20));
        Write("steps", "abc", "part-00001-w.parquet", Steps, StepRow(3, 3.5, 11), StepRow(4, 3.2, 12));
        Write("evals", "abc", "part-00001-w.parquet", Evals, EvalRow(3, 3.6, 11));

        var data = ResultsReader.Read(_results);

        var run = Assert.Single(data.Runs);
        Assert.Equal("abc", run.RunId);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(1000, run.ParamsNonEmbedding);
        Assert.Equal([1L, 2, 3, 4], data.Steps.Select(s => s.Step));
        Assert.Equal(3.5, data.Steps.Single(s => s.Step == 3).Loss);
        Assert.Equal(3.6, Assert.Single(data.Evals).Value);
        Assert.Equal(DateTimeKind.Utc, run.WrittenAt.Kind);
    }

    [Fact]
    public void IgnoresLeftoverTmpFilesAndMissingTables()
    {
        Write("runs", "r1", "part-00000-w.parquet", Runs, RunRow("completed", 0));
        File.WriteAllText(Path.Combine(_results, "runs", "run_id=r1", ".part-00001-w.parquet.tmp"), "half written");
        var data = ResultsReader.Read(_results);
        Assert.Single(data.Runs);
        Assert.Empty(data.Steps);
        Assert.Empty(data.Evals);
    }

    [Fact]
    public void MissingFolderIsBadInput()
    {
        var error = Assert.Throws<BadInputException>(() => ResultsReader.Read(Path.Combine(_results, "nope")));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void CorruptPartFileIsBadInputNamingTheFile()
    {
        var folder = Path.Combine(_results, "steps", "run_id=r1");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "part-00000-w.parquet"), "not parquet at all");
        var error = Assert.Throws<BadInputException>(() => ResultsReader.Read(_results));
        Assert.Contains("part-00000-w.parquet", error.Message);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void ImpossibleComputeIsBadInputNamingColumnAndRow(double flops)
    {
        var bad = StepRow(2, 4.0, 2);
        bad["flops"] = flops;
        Write("steps", "r1", "part-00000-w.parquet", Steps, StepRow(1, 5.0, 1), bad);
        var error = Assert.Throws<BadInputException>(() => ResultsReader.Read(_results));
        Assert.Contains("part-00000-w.parquet: flops: row 2 holds", error.Message);
    }

    [Fact]
    public void UnreadablePartFilesOfEveryKindAreBadInput()
    {
        var folder = Path.Combine(_results, "runs", "run_id=r1");
        Directory.CreateDirectory(folder);
        string part = Path.Combine(folder, "part-00000-w.parquet");
        // Magic bytes around garbage: Parquet.Net throws a ThriftProtocolException, not a ParquetException.
        File.WriteAllBytes(part, [.. "PAR1"u8, .. new byte[64], .. "PAR1"u8]);
        Assert.Contains("part-00000-w.parquet", Assert.Throws<BadInputException>(() => ResultsReader.Read(_results)).Message);
        Assert.Contains("part-00000-w.parquet", Assert.Throws<BadInputException>(() => RunLedger.LatestStatus(_results, "r1")).Message);
    }

    [Fact]
    public void MissingRequiredColumnIsBadInputNamingTheColumn()
    {
        var schema = new ParquetSchema(new DataField<string>("stage"), new DataField<DateTime>("written_at"));
        Write("runs", "r1", "part-00000-w.parquet", schema,
            new Dictionary<string, object?> { ["stage"] = "rl", ["written_at"] = T0 });
        var error = Assert.Throws<BadInputException>(() => ResultsReader.Read(_results));
        Assert.Contains("params_non_embedding", error.Message);
    }

    [Fact]
    public void TheReportCardsColumnsAreReadWhenWrittenAndAbsentOtherwise()
    {
        // Written by the pipeline's own writer: started_at / ended_at of runs, wall_seconds / groups_trained of steps.
        var writer = new ResultsWriter(_results);
        writer.Append(ResultTables.Runs, "rl-run", new[]
        {
            new RunRecord { Stage = "rl", ConfigJson = "{}", Status = "completed", StartedAt = T0, EndedAt = T0.AddSeconds(75), WrittenAt = T0.AddSeconds(75) },
        });
        writer.AppendSteps(ResultTables.Steps, "rl-run", 1, 1, new[]
        {
            new StepRecord { Stage = "rl", Step = 1, Tokens = 10, WallSeconds = 12.5, GroupsTrained = 3, WrittenAt = T0 },
        });
        var run = ResultsReader.ReadRuns(_results).Single();
        var step = ResultsReader.ReadSteps(_results).Single();
        Assert.Equal((T0, T0.AddSeconds(75)), (run.StartedAt, run.EndedAt));
        Assert.Equal((12.5, 3.0), (step.WallSeconds, step.GroupsTrained));

        // Files without the columns (older writers, other tools) read as unknown, not as zero.
        Directory.Delete(_results, recursive: true);
        Write("runs", "old", "part-0.parquet", Runs, RunRow("completed", 1));
        Write("steps", "old", "part-0.parquet", Steps, StepRow(1, 2.0, 1));
        Assert.Equal((null, null), (ResultsReader.ReadRuns(_results).Single().StartedAt, ResultsReader.ReadRuns(_results).Single().EndedAt));
        Assert.True(double.IsNaN(ResultsReader.ReadSteps(_results).Single().WallSeconds));
        Assert.True(double.IsNaN(ResultsReader.ReadSteps(_results).Single().GroupsTrained));
    }
}
