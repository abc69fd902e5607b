using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Training;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Cli;

/// <summary>Issue 15 through the command line: a results folder holding one run under both its ids is refused, exit 2.</summary>
[Collection(InProcessCli.Collection)]
public sealed class StoredRunIdsCliTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void ARunStoredUnderItsOldAndNewIdStopsTheCommandBeforeAnythingRuns()
    {
        Directory.CreateDirectory(_workspace.Root);
        string pipeline = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(pipeline, PretrainStageTests.TwoPhases);
        string output = Path.Combine(_workspace.Root, "out");
        var first = TestPlans.RealPlan(PretrainStageTests.TwoPhases).Runs[0];
        foreach (var id in new[] { first.Id, first.LegacyId! })
            Directory.CreateDirectory(ResultsWriter.PartitionFolder(Path.Combine(output, "results"), ResultTables.Runs, id));

        var (exit, _, error) = InProcessCli.Run("run", pipeline, "--out", output, "--models", Path.Combine(_workspace.Root, "models"),
            "--datasets", Path.Combine(_workspace.Root, "datasets"));

        Assert.Equal(2, exit);
        Assert.Contains(first.LegacyId!, error);
        Assert.Contains("stored twice", error);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, "models")));
    }
}
