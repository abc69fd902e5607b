using TrainingPipeline.Analysis.Points;
using TrainingPipeline.Analysis.Tests.TestData;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Points;

/// <summary>
/// Rows of the <c>eval</c> verb (stage <c>eval</c>) may be measured with other settings (e.g. <c>--temperature</c>):
/// the reader keeps them beside the RL stage's own rows of the same key, and the RL laws use the stage's rows only.
/// </summary>
public sealed class EvalVerbRowsTests : IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("eval-verb-rows").FullName;

    public void Dispose() => Directory.Delete(_results, recursive: true);

    [Fact]
    public void AnEvalVerbRowNeverReplacesTheRlStagesOwnRow()
    {
        new ResultsFolderBuilder(_results)
            .Run("rl", "rl", 1000, parent: "pt")
            .Eval("rl", "rl", 4, 7e6, 1e6, "arith", "in_distribution", "pass@1", 0.2)
            .Flush()
            .Eval("rl", "eval", 4, 7e6, 1e6, "arith", "in_distribution", "pass@1", 0.9) // written later, same step and metric
            .Flush();

        var data = ResultsReader.Read(_results);
        Assert.Equal(["eval", "rl"], data.Evals.Select(e => e.Stage.ToString()).Order());
        var points = ResultsPoints.From(data);
        Assert.Equal(0.2, Assert.Single(points.RlGroups["arith / in_distribution"]).Value);
        Assert.Equal(0.2, Assert.Single(points.RlRuns).InDistribution);
    }
}
