using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Cli;

/// <summary>
/// Commands given a results folder (issue 20): <c>results check</c> finds and repairs keys stored twice; the analysis
/// refuses a folder that is not a results dataset and says which runs it covers before they completed.
/// </summary>
[Collection(InProcessCli.Collection)] // these tests redirect Console
public sealed class ResultsFolderCommandTests : IDisposable
{
    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Results => Path.Combine(_workspace.Root, "out", "results");
    private string Report => Path.Combine(_workspace.Root, "out", "analysis");

    private static StepRecord Step(long step, double loss, DateTime at) =>
        new() { Stage = "pretrain_narrow", Step = step, Tokens = 1000 * step, Flops = 6e9 * step, RunFlops = 6e9 * step, Loss = loss, WrittenAt = at };

    private static EvalRecord Eval(long step, long n, double value, DateTime at) => new()
    {
        Stage = "pretrain_narrow",
        Step = step,
        Flops = 6e6 * n,
        RunFlops = 6e6 * n,
        EvalSet = "arith",
        Split = ResultTables.InDistribution,
        Metric = "loss",
        Value = value,
        N = 100,
        Stderr = 0.01,
        WrittenAt = at,
    };

    /// <summary>Six runs of growing size (enough for the analysis to fit), each with 3 steps and an eval at step 3.</summary>
    private ResultsWriter WriteRuns(RunStatus status = RunStatus.Completed)
    {
        var writer = new ResultsWriter(Results);
        for (int i = 0; i < 6; i++)
        {
            string id = $"run{i}";
            long n = 10_000L << i;
            writer.Append(ResultTables.Runs, id, [new RunRecord
            {
                Experiment = "e", Stage = "pretrain_narrow", ConfigJson = "{}", ParamsTotal = n * 2, ParamsNonEmbedding = n,
                Status = RunStatuses.Name(status), WrittenAt = T0,
            }]);
            writer.AppendSteps(ResultTables.Steps, id, 1, 3, [Step(1, 3, T0), Step(2, 2.5, T0), Step(3, 2.2, T0)]);
            writer.AppendSteps(ResultTables.Evals, id, 3, 3, [Eval(3, n, 2 + 40 * Math.Pow(6e6 * n, -0.1), T0)]);
        }
        return writer;
    }

    private static string[] Files(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void ACleanDatasetChecksOut()
    {
        WriteRuns();
        var (exit, stdout, stderr) = InProcessCli.Run("results", "check", Results);
        Assert.True(exit == 0, stderr);
        Assert.Contains("stored once", stdout);
    }

    /// <summary>Two writers that shared a results folder stored steps 1–3 and an eval of run0 twice.</summary>
    [Fact]
    public void DuplicateKeysAreReportedAndRepairKeepsTheNewestRowOfEach()
    {
        var writer = WriteRuns();
        var later = T0.AddMinutes(1);
        writer.AppendSteps(ResultTables.Steps, "run0", 1, 3, [Step(1, 3.5, later), Step(2, 2.75, later), Step(3, 2.25, later)]);
        writer.AppendSteps(ResultTables.Evals, "run0", 3, 3, [Eval(3, 10_000, 9, later)]);
        string[] untouched = Files(Path.Combine(Results, "steps", "run_id=run1"));

        var (exit, stdout, stderr) = InProcessCli.Run("results", "check", Results);
        Assert.True(exit == 2, stdout + stderr);
        Assert.Contains("run0", stdout);
        Assert.Contains("4 key(s) are stored more than once", stderr);
        Assert.Contains("--repair", stderr);
        Assert.Equal(4, ResultsCheck.FindDuplicates(Results).Count); // a check changes nothing

        var repaired = InProcessCli.Run("results", "check", Results, "--repair");
        Assert.True(repaired.Exit == 0, repaired.Out + repaired.Err);
        Assert.Contains("3 duplicate row(s) dropped", repaired.Out);
        Assert.Empty(ResultsCheck.FindDuplicates(Results));
        var steps = ResultsReader.ReadSteps(Results).Where(s => s.RunId == "run0").ToList();
        Assert.Equal(new[] { 3.5, 2.75, 2.25 }, steps.Select(s => s.Loss));
        Assert.Single(Directory.GetFiles(Path.Combine(Results, "steps", "run_id=run0"), "*.parquet"));
        Assert.Equal(9, ResultsReader.ReadEvals(Results).Single(e => e.RunId == "run0").Value);
        Assert.Equal(untouched, Files(Path.Combine(Results, "steps", "run_id=run1")));
    }

    [Fact]
    public void DuplicatesOfARunThatIsNotCompletedAreNotRepaired()
    {
        var writer = WriteRuns();
        writer.Append(ResultTables.Runs, "run0", [new RunRecord { Experiment = "e", Stage = "pretrain_narrow", ConfigJson = "{}", Status = RunStatuses.Name(RunStatus.Running), WrittenAt = T0.AddMinutes(2) }]);
        writer.AppendSteps(ResultTables.Steps, "run0", 1, 1, [Step(1, 3.5, T0.AddMinutes(1))]);

        var (exit, stdout, stderr) = InProcessCli.Run("results", "check", Results, "--repair");
        Assert.True(exit == 2, stdout + stderr);
        Assert.Contains("run0: not repaired, it is not completed", stdout);
        Assert.Contains("still stored more than once", stderr);
        Assert.Single(ResultsCheck.FindDuplicates(Results));
    }

    public static TheoryData<string> NotResultsFolders() => ["empty", "csv files", "missing"];

    [Theory]
    [MemberData(nameof(NotResultsFolders))]
    public void AnalyzeReportRefusesAFolderThatIsNotAResultsDataset(string kind)
    {
        string folder = Path.Combine(_workspace.Root, "not-results");
        if (kind != "missing") Directory.CreateDirectory(folder);
        if (kind == "csv files") File.WriteAllText(Path.Combine(folder, "points.csv"), "N,loss\n1000,3.2\n");

        var (exit, stdout, stderr) = InProcessCli.Run("analyze", "report", "--results", folder, "--out", Report, "--bootstrap", "0");

        Assert.True(exit == 2, stdout + stderr);
        Assert.Contains(folder, stderr);
        Assert.Contains("--results", stderr);
        Assert.Contains(kind == "missing" ? "does not exist" : "not a results dataset", stderr);
        Assert.False(Directory.Exists(Report), "a report was written");
        var check = InProcessCli.Run("results", "check", folder);
        Assert.Equal(2, check.Exit);
    }

    /// <summary>Folders shared with a concurrent sweep: the analysis names the run another invocation is still training.</summary>
    [Fact]
    public void TheAnalysisNamesRunsThatAreNotCompleted()
    {
        var writer = WriteRuns();
        writer.Append(ResultTables.Runs, "run5", [new RunRecord
        {
            Experiment = "e", Stage = "pretrain_narrow", ConfigJson = "{}", ParamsTotal = 640_000, ParamsNonEmbedding = 320_000,
            Status = RunStatuses.Name(RunStatus.Running), WrittenAt = T0.AddMinutes(1),
        }]);

        var (exit, stdout, stderr) = InProcessCli.Run("analyze", "report", "--results", Results, "--out", Report, "--bootstrap", "0");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("1 run(s) not completed", stderr);
        Assert.Contains("run5 (pretrain_narrow, running)", stderr);
        Assert.DoesNotContain("run4 (", stderr);
    }

    /// <summary>The pipeline's analysis options are flags of <c>analyze report</c>, so a committed dataset re-analyses as it ran.</summary>
    [Theory]
    [InlineData("--backtest-fraction", "1.5")]
    [InlineData("--discard-below", "-0.1")]
    public void AnalysisOptionsOutOfRangeAreRefusedWithNothingWritten(string flag, string value)
    {
        WriteRuns();

        var (exit, stdout, stderr) = InProcessCli.Run("analyze", "report", "--results", Results, "--out", Report, "--bootstrap", "0", flag, value);

        Assert.True(exit == 2, stdout + stderr);
        Assert.Contains(flag, stderr);
        Assert.Contains("must be in [0, 1)", stderr);
        Assert.False(Directory.Exists(Report), "a report was written");
    }

    [Fact]
    public void BacktestFractionZeroDisablesTheBacktestsOfTheReport()
    {
        WriteRuns();

        var (exit, stdout, stderr) = InProcessCli.Run("analyze", "report", "--results", Results, "--out", Report, "--bootstrap", "0",
            "--backtest-fraction", "0", "--discard-below", "0.01");

        Assert.True(exit == 0, stdout + stderr);
        var report = File.ReadAllText(Path.Combine(Report, "report.md"));
        Assert.Matches(@"backtest holds out the top 0\s?% of the log-compute range; RL laws leave out points below 1\s?% of their run's compute", report);
    }
}
