namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Everything known about one fitted law on one group of points: the estimate, 95% intervals for every parameter
/// and derived quantity with what was resampled to get them (<see cref="ResamplingUnit"/>: <c>run</c>, <c>points</c>
/// <c>lineage</c> or <c>none</c>) and why there is none (<see cref="IntervalNote"/>), the extrapolation backtest (null with
/// <see cref="BacktestNote"/> when not possible), and <see cref="FailureNote"/> when the fit failed (e.g. a
/// sigmoid whose ceiling lies below the observed maximum): then its values are not a result.
/// </summary>
public sealed record FittedLaw(
    string Law,
    string Group,
    LawFit Fit,
    IReadOnlyList<ParameterEstimate> Parameters,
    IReadOnlyList<ParameterEstimate> Derived,
    int BootstrapRequested,
    int BootstrapSucceeded,
    string ResamplingUnit,
    BacktestResult? Backtest,
    string? BacktestNote)
{
    public string IntervalMethod { get; init; } = "none";
    /// <summary>How many independent units the fit rests on, counted in <see cref="ReplicateUnit"/>.</summary>
    public int Runs { get; init; }

    /// <summary>What one independent unit is: <c>run</c> (RL seeds), or <c>lineage</c> (pre-training chains), also when there is no interval.</summary>
    public string ReplicateUnit { get; init; } = RunLevelIntervals.Run;
    public string? IntervalNote { get; init; }
    public string? FailureNote { get; init; }
    public int DiscardedEarlyPoints { get; init; }

    /// <summary>Sweep points left out: off the lower convex hull of loss against compute, or past its lowest loss (<see cref="ComputeFrontier"/>).</summary>
    public int OffFrontierPoints { get; init; }

    /// <summary>The seed of each lineage a pre-training law rests on: lineages of one seed are sweep points, not replicates.</summary>
    public IReadOnlyList<long> LineageSeeds { get; init; } = [];

    public int PointCount => Fit.PointCount;
    public bool Failed => FailureNote is not null;
    public ParameterEstimate Parameter(string name) => Parameters.Single(p => p.Name == name);
}
