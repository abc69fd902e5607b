using DuckDB.NET.Data;
using TrainingPipeline.Cluster;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Training;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Cluster;

public sealed class RunLockTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void ASecondHolderIsRefusedUntilTheFirstReleases()
    {
        string path = Path.Combine(_workspace.Root, "exp", "run-a.lock");
        using (var first = RunLock.TryAcquire(path))
        {
            Assert.NotNull(first);
            Assert.Null(RunLock.TryAcquire(path));
            Assert.Contains($"pid {Environment.ProcessId}", RunLock.DescribeHolder(path));
        }
        using var again = RunLock.TryAcquire(path);
        Assert.NotNull(again);
    }

    [Fact]
    public void ALockedRunAndItsDescendantsAreSkippedAndLeftUntouched()
    {
        var plan = TestPlans.RealPlan(PretrainStageTests.TwoPhases);
        var env = _workspace.Environment();
        var narrow = plan.Runs[0];
        using (RunLock.TryAcquire(RunLock.PathFor(env.Models, plan.Experiment, narrow.Id)))
        {
            var outcomes = new PipelineRunner(env).Run(plan);
            Assert.Equal(new[] { RunOutcomeKind.Locked, RunOutcomeKind.Locked }, outcomes.Select(o => o.Outcome));
            Assert.False(Directory.Exists(env.ResultsRoot), "a locked run must not write results");
        }
    }

    /// <summary>
    /// Another invocation shares the results folder (<c>--out</c>) but not the checkpoints (<c>--models</c>): the
    /// run's results lock keeps this one away from the run's rows.
    /// </summary>
    [Fact]
    public void ARunWhoseResultsAnotherInvocationHoldsIsSkippedEvenWithOtherModels()
    {
        var plan = TestPlans.RealPlan(PretrainStageTests.TwoPhases);
        var env = _workspace.Environment();
        var narrow = plan.Runs[0];
        using (RunLock.TryAcquire(RunLock.ResultsPathFor(env.Output, narrow.Id)))
        {
            var outcomes = new PipelineRunner(env).Run(plan);
            Assert.Equal(new[] { RunOutcomeKind.Locked, RunOutcomeKind.Locked }, outcomes.Select(o => o.Outcome));
            Assert.False(Directory.Exists(env.ResultsRoot), "a run locked elsewhere must not write results");
        }
    }

    /// <summary>
    /// Two scheduled invocations of the real CLI on the same pipeline and results folder, the second started while the
    /// first trains, with one checkpoint folder or each its own (issue 20: then both appended every row, or one
    /// deleted the other's temporary part file): every run is trained by exactly one of them, both exit 0, and each
    /// step is stored once.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoProcessesNeverTrainTheSameRun(bool separateModels)
    {
        Directory.CreateDirectory(_workspace.Root);
        string pipeline = Path.Combine(_workspace.Root, "pipeline.json");
        // One libtorch thread each (two processes share the two cores), and a longer narrow phase (96 steps) so the
        // two invocations overlap on it.
        string json = PretrainStageTests.TwoPhases.Replace("\"threads\": 2", "\"threads\": 1", StringComparison.Ordinal)
            .Replace("\"corpus\": \"narrow\", \"tokens\": 6144", "\"corpus\": \"narrow\", \"tokens\": 24576", StringComparison.Ordinal);
        File.WriteAllText(pipeline, json);
        var plan = TestPlans.RealPlan(json);
        string[] Args(string models) => ["run", pipeline, "--out", Path.Combine(_workspace.Root, "out"), "--models", Path.Combine(_workspace.Root, models),
            "--datasets", Path.Combine(_workspace.Root, "datasets")];

        var timeout = TimeSpan.FromMinutes(2);
        // Started together, as two timers firing at once: whichever locks the narrow run first trains it.
        using var first = CliProcess.Start(_workspace.Root, Args("models"));
        using var second = CliProcess.Start(_workspace.Root, Args(separateModels ? "models-b" : "models"));
        int secondCode = second.WaitForExit(timeout);
        int firstCode = first.WaitForExit(timeout);
        Assert.True(firstCode == 0, first.Output);
        Assert.True(secondCode == 0, second.Output);

        foreach (var run in plan.Runs)
        {
            string[] outcomes = [Outcome(first.Output, run.Id), Outcome(second.Output, run.Id)];
            Assert.True(outcomes.Count(o => o == "completed") == 1,
                $"run {run.Id}: outcomes {string.Join(", ", outcomes)}\n--- first\n{first.Output}\n--- second\n{second.Output}");
        }
        // One process found a run held by the other: the lock, not luck, kept them apart.
        Assert.Contains("locked", plan.Runs.SelectMany(r => new[] { Outcome(first.Output, r.Id), Outcome(second.Output, r.Id) }));

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        var expectedSteps = plan.Runs.ToDictionary(r => r.Id, r => r.Pretrain!.Tokens / (8 * 32));
        cmd.CommandText = $"select run_id, count(*), count(distinct step), max(step) from read_parquet('{_workspace.Root}/out/results/steps/**/*.parquet', " +
                          "hive_partitioning=true) group by run_id";
        using var reader = cmd.ExecuteReader();
        int runs = 0;
        while (reader.Read())
        {
            runs++;
            long expected = expectedSteps[reader.GetString(0)];
            Assert.Equal(expected, reader.GetInt64(1));
            Assert.Equal(expected, reader.GetInt64(2));
            Assert.Equal(expected, reader.GetInt64(3));
        }
        Assert.Equal(plan.Runs.Count, runs);
    }

    /// <summary>The outcome column of the run's row in the CLI's closing runs table.</summary>
    private static string Outcome(string output, string runId)
    {
        var row = output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .LastOrDefault(cells => cells.Length >= 4 && cells[0] == runId);
        return row?[3] ?? "(no row)";
    }
}
