using DuckDB.NET.Data;

namespace TrainingPipeline.Results.Tests;

public sealed class ResultsWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tp-results-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static StepRecord Step(long step, double loss) => new()
    {
        Stage = "pretrain_narrow",
        Step = step,
        Tokens = step * 100,
        Flops = step * 1e9,
        RunFlops = step * 1e9,
        WallSeconds = step * 0.5,
        Lr = 1e-3,
        Loss = loss,
        GradNorm = 1.5,
        TokensPerSecond = 200,
        WrittenAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
    };

    private static T Scalar<T>(DuckDBConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return (T)Convert.ChangeType(cmd.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void DatasetReadsBackThroughDuckDbWithHivePartitions()
    {
        var writer = new ResultsWriter(_root);
        writer.AppendSteps(ResultTables.Steps, "runa", 1, 2, new[] { Step(1, 5.5), Step(2, 4.25) });
        writer.AppendSteps(ResultTables.Steps, "runb", 1, 1, new[] { Step(1, 3.0) });
        writer.Append(ResultTables.Runs, "runa", new[] { new RunRecord
        {
            Experiment = "t", Stage = "pretrain_narrow", ConfigJson = "{}", ConfigHash = "runa", Seed = 7,
            StartedAt = DateTime.UtcNow, Status = RunStatuses.Name(RunStatus.Completed), WrittenAt = DateTime.UtcNow,
        } });
        writer.AppendSteps(ResultTables.Evals, "runa", 2, 2, new[] { new EvalRecord
        {
            Stage = "pretrain_narrow", Step = 2, EvalSet = "arith", Split = ResultTables.HeldOut, Metric = "loss",
            Value = 2.5, N = 1000, Stderr = 0.01, WrittenAt = DateTime.UtcNow,
        } });

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        string steps = Path.Combine(_root, "steps", "**", "*.parquet").Replace('\\', '/');
        Assert.Equal(3L, Scalar<long>(db, $"select count(*) from read_parquet('{steps}', hive_partitioning=true)"));
        Assert.Equal(4.25, Scalar<double>(db,
            $"select loss from read_parquet('{steps}', hive_partitioning=true) where run_id='runa' and step=2"));
        Assert.Equal(2L, Scalar<long>(db,
            $"select count(distinct run_id) from read_parquet('{steps}', hive_partitioning=true)"));
        Assert.Null(Scalar<object?>(db, // RL columns are null for pre-training rows
            $"select max(reward_mean) from read_parquet('{steps}', hive_partitioning=true)") as double?);
        string runs = Path.Combine(_root, "runs", "**", "*.parquet").Replace('\\', '/');
        Assert.Equal(7L, Scalar<long>(db, $"select seed from read_parquet('{runs}', hive_partitioning=true)"));
        Assert.Equal("completed", Scalar<string>(db, $"select status from read_parquet('{runs}', hive_partitioning=true)"));
        string evals = Path.Combine(_root, "evals", "**", "*.parquet").Replace('\\', '/');
        Assert.Equal("held_out", Scalar<string>(db, $"select split from read_parquet('{evals}', hive_partitioning=true)"));
    }

    [Fact]
    public void RollBackRemovesOnlyPartsPastTheCheckpointAndLeftoverTemps()
    {
        var writer = new ResultsWriter(_root);
        writer.AppendSteps(ResultTables.Steps, "r", 1, 10, new[] { Step(1, 1) });
        writer.AppendSteps(ResultTables.Steps, "r", 11, 20, new[] { Step(11, 1) });
        string folder = ResultsWriter.PartitionFolder(_root, ResultTables.Steps, "r");
        File.WriteAllText(Path.Combine(folder, ".part-s000000021-000000030-deadbeef.parquet.tmp"), "half");

        Assert.Equal(1, writer.RollBackPartsAfter(ResultTables.Steps, "r", checkpointStep: 10));

        var left = Directory.GetFiles(folder).Select(Path.GetFileName).ToArray();
        Assert.Single(left);
        Assert.StartsWith("part-s000000001-000000010-", left[0]);
    }

    [Fact]
    public void LeftoversOfKilledWritesAreHiddenFromReadersAndRemovedOnRestart()
    {
        var writer = new ResultsWriter(_root);
        writer.AppendSteps(ResultTables.Steps, "r", 1, 10, new[] { Step(1, 1) });
        // What a write killed before its rename leaves: a hidden temporary file in each table's partition.
        var leftovers = new[] { ResultTables.Runs, ResultTables.Steps, ResultTables.Evals, ResultTables.Contamination }
            .Select(t => Path.Combine(Directory.CreateDirectory(ResultsWriter.PartitionFolder(_root, t, "r")).FullName, ".part-x.parquet.tmp"))
            .ToList();
        foreach (var file in leftovers) File.WriteAllText(file, "half");
        string other = Directory.CreateDirectory(ResultsWriter.PartitionFolder(_root, ResultTables.Steps, "other")).FullName;
        File.WriteAllText(Path.Combine(other, ".part-y.parquet.tmp"), "another run's");

        Assert.Equal(4, writer.RemoveLeftovers("r"));

        Assert.All(leftovers, f => Assert.False(File.Exists(f)));
        Assert.True(File.Exists(Path.Combine(other, ".part-y.parquet.tmp")));
        Assert.Single(Directory.GetFiles(ResultsWriter.PartitionFolder(_root, ResultTables.Steps, "r")));
    }

    [Fact]
    public void FirstUncoveredStepFindsAGapBeforeTheCheckpoint()
    {
        var writer = new ResultsWriter(_root);
        Assert.Equal(1, writer.FirstUncoveredStep(ResultTables.Steps, "r", 5)); // no results at all
        Assert.Null(writer.FirstUncoveredStep(ResultTables.Steps, "r", 0));     // nothing to cover
        writer.AppendSteps(ResultTables.Steps, "r", 1, 3, new[] { Step(1, 1) });
        writer.AppendSteps(ResultTables.Steps, "r", 7, 9, new[] { Step(7, 1) });
        Assert.Null(writer.FirstUncoveredStep(ResultTables.Steps, "r", 3));
        Assert.Equal(4, writer.FirstUncoveredStep(ResultTables.Steps, "r", 9));
        writer.AppendSteps(ResultTables.Steps, "r", 4, 6, new[] { Step(4, 1) });
        Assert.Null(writer.FirstUncoveredStep(ResultTables.Steps, "r", 9));
        Assert.Equal(10, writer.FirstUncoveredStep(ResultTables.Steps, "r", 12));
    }
}
