using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

/// <summary>The sigmoid floor R0 gets no interval when its interval reaches the boundary at 0 (docs/analysis.md).</summary>
public class UnidentifiedFloorTests
{
    [Fact]
    public void FloorIntervalReachingZeroIsWithdrawnWithANote()
    {
        List<ParameterEstimate> parameters = [new("R0", 0.004, 0.0001, 0.02), new("A", 0.7, 0.65, 0.75)];
        var note = LawAnalysis.WithdrawUnidentifiedFloor(parameters);
        Assert.NotNull(note);
        Assert.Contains("R0 not identified", note);
        Assert.True(double.IsNaN(parameters[0].CiLow) && double.IsNaN(parameters[0].CiHigh));
        Assert.Equal(0.004, parameters[0].Value);
        Assert.Equal(0.65, parameters[1].CiLow);
    }

    [Fact]
    public void FloorIntervalAboveTheBoundaryIsKept()
    {
        List<ParameterEstimate> parameters = [new("R0", 0.1, 0.05, 0.15)];
        Assert.Null(LawAnalysis.WithdrawUnidentifiedFloor(parameters));
        Assert.Equal(0.05, parameters[0].CiLow);
    }

    [Fact]
    public void SigmoidOnLateRunsReportsTheFloorAsNotIdentified()
    {
        // Runs that start above the floor's influence: the fit cannot bound R0 from below.
        var points = new List<LawPoint>();
        var random = new Random(3);
        for (var run = 0; run < 4; run++)
            for (var step = 20; step <= 200; step += 10)
            {
                var compute = 1e12 * step;
                var value = 0.1 + 0.6 / (1 + Math.Pow(4e13 / compute, 2)) + 0.01 * (random.NextDouble() - 0.5);
                points.Add(new LawPoint(compute, value, Cluster: $"run{run}", StdError: 0.01));
            }
        var fitted = LawAnalysis.Run(new RlSigmoidLaw(), points, "g", new FitOptions(BacktestFraction: 0), "test");
        var floor = fitted.Parameter("R0");
        Assert.True(double.IsNaN(floor.CiLow) || floor.CiLow >= LawAnalysis.FloorBoundary, $"R0 interval [{floor.CiLow}, {floor.CiHigh}]");
        if (double.IsNaN(floor.CiLow)) Assert.Contains("R0 not identified", fitted.IntervalNote);
    }
}
