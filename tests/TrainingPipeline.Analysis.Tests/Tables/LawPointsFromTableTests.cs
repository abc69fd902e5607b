using TrainingPipeline.Analysis.Tables;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Tables;

public class LawPointsFromTableTests
{
    private static NumericTable Table(params (string Name, double[] Values)[] columns) =>
        new("t.csv", columns.ToDictionary(c => c.Name, c => c.Values), columns[0].Values.Length);

    [Fact]
    public void TokensComeFromComputeWhenMissing()
    {
        var table = Table(("Model Size", [1e8, 2e8]), ("Training FLOP", [6e18, 2.4e19]), ("loss", [3.0, 2.9]));
        var points = LawPointsFromTable.Build(table, "chinchilla", new ColumnMapping());
        Assert.Equal(1e10, points[0].Tokens, 1e-3);
        Assert.Equal(2e10, points[1].Tokens, 1e-3);
        Assert.Equal(2e8, points[1].ModelSize);
    }

    [Fact]
    public void ComputeComesFromSizeAndTokensWhenMissing()
    {
        var table = Table(("N", [1e8]), ("D", [1e10]), ("loss", [3.0]));
        Assert.Equal(6e18, LawPointsFromTable.Build(table, "loss-compute", new ColumnMapping())[0].Compute, 1e6);
    }

    [Fact]
    public void ExplicitColumnsWin()
    {
        var table = Table(("flops_total", [1e15, 1e16]), ("acc", [0.1, 0.2]), ("C", [1, 2]));
        var mapping = ColumnMapping.Parse(["C=flops_total", "score=acc"]);
        var points = LawPointsFromTable.Build(table, "rl-loglinear", mapping);
        Assert.Equal(1e16, points[1].Compute);
        Assert.Equal(0.2, points[1].Value);
    }

    [Fact]
    public void MissingColumnNamesTheRoleAndTheFix()
    {
        var table = Table(("C", [1e15]), ("acc", [0.1]));
        var error = Assert.Throws<BadInputException>(() => LawPointsFromTable.Build(table, "rl-sigmoid", new ColumnMapping()));
        Assert.Contains("t.csv: score", error.Message);
        Assert.Contains("--col score=", error.Message);
    }

    [Fact]
    public void MalformedColumnSpecIsBadInput() =>
        Assert.Throws<BadInputException>(() => ColumnMapping.Parse(["Nparams"]));
}
