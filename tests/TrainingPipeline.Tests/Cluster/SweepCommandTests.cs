using TrainingPipeline.Cli;
using TrainingPipeline.Cluster;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Cluster;

public sealed class SweepCommandTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Pipeline()
    {
        Directory.CreateDirectory(_workspace.Root);
        string path = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(path, SweepSubmitterTests.TwoSeeds);
        return path;
    }

    [Theory]
    [InlineData("--time", "4h")]
    [InlineData("--gpus-per-task", "0")]
    public void BadSchedulerOptionsAreBadInput(string option, string value)
    {
        string output = Path.Combine(_workspace.Root, "out");
        Assert.Equal(Program.BadInput, Program.Main(["sweep", "submit", Pipeline(), "--slurm", "--dry-run", "--out", output, option, value]));
        Assert.False(Directory.Exists(SweepSubmission.RootFor(output)), "nothing is written for bad input");
    }

    [Fact]
    public void SubmittingWithoutChoosingSlurmIsBadInput() =>
        Assert.Equal(Program.BadInput, Program.Main(["sweep", "submit", Pipeline(), "--dry-run", "--out", Path.Combine(_workspace.Root, "out")]));

    [Fact]
    public void ADryRunThroughTheCliRecordsTheScriptsWithoutSlurm()
    {
        string output = Path.Combine(_workspace.Root, "out");
        Assert.Equal(Program.Success, Program.Main(["sweep", "submit", Pipeline(), "--slurm", "--dry-run", "--out", output, "--time", "1-00:00:00"]));
        var submission = Assert.Single(SweepSubmission.LoadAll(output));
        Assert.True(submission.DryRun);
        Assert.Contains("#SBATCH --time=1-00:00:00", File.ReadAllText(submission.Jobs[0].Script));
    }
}
