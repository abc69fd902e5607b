using TrainingPipeline.Cluster;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Config;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Training;

namespace TrainingPipeline.Tests.Cluster;

public sealed class SweepSubmitterTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    internal static string TwoSeeds => PretrainStageTests.TwoPhases.Replace("\"pretrain\": {", "\"sweep\": { \"seed\": [5, 6] },\n  \"pretrain\": {", StringComparison.Ordinal);

    private CliInvocation Cli(string? device = null, string? precision = null) => new(["/usr/bin/dotnet", "/opt/tp/TrainingPipeline.Cli.dll"], "/data/my pipeline.json",
        Path.Combine(_workspace.Root, "out"), "/shared/models", "/shared/datasets", device, Precision: precision);

    [Fact]
    public void OneArrayPerChainLevelEachAfterThePreviousThenAnAnalysisJob()
    {
        var plan = TestPlans.RealPlan(TwoSeeds);
        var calls = new List<IReadOnlyList<string>>();
        var submission = new SweepSubmitter(Cli("cuda", "bf16"), new SlurmSubmitOptions("gpu", 1, "04:00:00"))
            .Submit(plan, Path.Combine(_workspace.Root, "out", "results"), args => { calls.Add(args); return (100 + calls.Count).ToString(); });

        Assert.Equal(new[] { "101", "102", "103" }, submission.Jobs.Select(j => j.JobId));
        Assert.Equal(new string?[] { null, "101", "102" }, submission.Jobs.Select(j => j.DependsOn));
        Assert.DoesNotContain(calls[0], a => a.StartsWith("--dependency", StringComparison.Ordinal));
        Assert.Contains("--dependency=afterok:101", calls[1]);
        Assert.Contains("--dependency=afterok:102", calls[2]);

        // Level 0 holds both narrow runs, level 1 both broad runs, in the order of the run list that task i reads.
        var narrow = plan.Runs.Where(r => r.Stage == RunStage.Pretrain("narrow")).Select(r => r.Id).ToList();
        var broad = plan.Runs.Where(r => r.Stage == RunStage.Pretrain("broad")).Select(r => r.Id).ToList();
        Assert.Equal(narrow, submission.Jobs[0].RunIds);
        Assert.Equal(broad, submission.Jobs[1].RunIds);
        string runList = File.ReadAllText(Path.Combine(submission.Folder, "level-1.runs"));
        Assert.Equal(string.Concat(broad.Select(id => $"{id} pretrain\n")), runList);

        string script = File.ReadAllText(submission.Jobs[0].Script);
        foreach (var line in new[] { "#SBATCH --array=0-1", "#SBATCH --requeue", "#SBATCH --signal=B:USR1@120", "#SBATCH --partition=gpu",
                     "#SBATCH --gpus-per-task=1", "#SBATCH --time=04:00:00",
                     "/usr/bin/dotnet /opt/tp/TrainingPipeline.Cli.dll \"$verb\" '/data/my pipeline.json' --out " })
            Assert.Contains(line, script);
        // --precision reaches every task: it is part of the run ids a task looks up (and the analysis job's plan).
        Assert.Contains("--device cuda --precision bf16 --run-id \"$run_id\"", script);
        string analysis = File.ReadAllText(submission.Jobs[2].Script);
        Assert.Contains(" run '/data/my pipeline.json' ", analysis);
        Assert.Contains("--precision bf16", analysis);
        Assert.DoesNotContain("--run-id", analysis);
        Assert.DoesNotContain("--gpus-per-task", analysis);

        // The record round-trips, so `sweep status` can map every run to its array task.
        var loaded = Assert.Single(SweepSubmission.LoadAll(Path.Combine(_workspace.Root, "out")));
        Assert.Equal(submission.Jobs.Select(j => j.TaskId(1)), loaded.Jobs.Select(j => j.TaskId(1)));
        Assert.Equal(broad[1], loaded.Jobs[1].RunIds[1]);
    }

    [Fact]
    public void ResubmittingLeavesOutCompletedRuns()
    {
        var plan = TestPlans.RealPlan(PretrainStageTests.TwoPhases);
        var env = _workspace.Environment();
        new PipelineRunner(env).Run(plan, include: r => r.Stage == RunStage.Pretrain("narrow"));

        int calls = 0;
        var submission = new SweepSubmitter(Cli(), new SlurmSubmitOptions())
            .Submit(plan, env.ResultsRoot, _ => (++calls).ToString());
        Assert.Equal(2, calls); // the broad level and the analysis job
        Assert.Equal(new[] { plan.Runs[1].Id }, submission.Jobs[0].RunIds);
        Assert.Null(submission.Jobs[0].DependsOn);
    }

    [Fact]
    public void ADryRunWritesScriptsButCallsNoSbatch()
    {
        var plan = TestPlans.RealPlan(TwoSeeds);
        var submission = new SweepSubmitter(Cli(), new SlurmSubmitOptions()).Submit(plan, Path.Combine(_workspace.Root, "out", "results"), sbatch: null);
        Assert.True(submission.DryRun);
        Assert.All(submission.Jobs, j => Assert.True(File.Exists(j.Script)));
        Assert.Equal(new[] { "dry-run-L0", "dry-run-L1", "dry-run-analysis" }, submission.Jobs.Select(j => j.JobId));
        // Dry runs are not Slurm jobs: status asks Slurm about none of them.
        Assert.Empty(SweepStatus.JobIds([submission]));
    }

    [Fact]
    public void SlurmOutputIsParsed()
    {
        Assert.Equal("4242", SlurmClient.ParseSbatchJobId("4242;ci\n"));
        Assert.Throws<InvalidOperationException>(() => SlurmClient.ParseSbatchJobId("sbatch: error: invalid partition"));
        var states = SlurmClient.ParseStates("12_0|RUNNING|None\n12_1|PENDING|Dependency\n13|CANCELLED by 0\n\n");
        Assert.Equal(new SlurmJobState("RUNNING", null), states["12_0"]);
        Assert.Equal(new SlurmJobState("PENDING", "Dependency"), states["12_1"]);
        Assert.Equal(new SlurmJobState("CANCELLED", null), states["13"]);
    }

    [Fact]
    public void StatusJoinsResultsWithTheLatestTaskOfEachRun()
    {
        var plan = TestPlans.RealPlan(TwoSeeds);
        string results = Path.Combine(_workspace.Root, "out", "results");
        int next = 10;
        var submitter = new SweepSubmitter(Cli(), new SlurmSubmitOptions());
        submitter.Submit(plan, results, _ => (next++).ToString());
        Thread.Sleep(5); // distinct submission folders (millisecond stamps)
        var second = submitter.Submit(plan, results, _ => (next++).ToString());
        var queue = SlurmClient.ParseStates($"{second.Jobs[0].JobId}_0|RUNNING|None\n{second.Jobs[1].JobId}_1|PENDING|Dependency\n");
        var rows = SweepStatus.Collect(plan, results, SweepSubmission.LoadAll(Path.Combine(_workspace.Root, "out")), queue, accounting: null);

        var narrow0 = rows.Single(r => r.RunId == second.Jobs[0].RunIds[0]);
        Assert.Equal(("13_0", "RUNNING", (RunStatus?)null), (narrow0.SlurmTask, narrow0.SlurmState, narrow0.ResultsStatus));
        var broad1 = rows.Single(r => r.RunId == second.Jobs[1].RunIds[1]);
        Assert.Equal(("14_1", "PENDING (Dependency)"), (broad1.SlurmTask, broad1.SlurmState));
        var narrow1 = rows.Single(r => r.RunId == second.Jobs[0].RunIds[1]);
        Assert.Equal(SweepStatus.NotQueued, narrow1.SlurmState);
    }
}
