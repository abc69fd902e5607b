using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Inflection;

/// <summary>The null distribution of the hinge test along compute (docs/analysis.md, "Inflections").</summary>
public enum HingeNull
{
    /// <summary>Student t over runs of each run's own hinge slope change (rejected: too liberal at 4–8 evaluations per run).</summary>
    RunSlopeChangeT,

    /// <summary>Student t over runs of each run's slope change at the breakpoint fitted to the other runs (the default).</summary>
    CrossFittedSlopeChangeT,

    /// <summary>Wild cluster bootstrap of the pooled F: each run's residual curve times one Webb weight.</summary>
    WildClusterWebb,
}

/// <summary>
/// A segmented regression of <see cref="Group"/> against <see cref="XLabel"/>: the breakpoint and slopes with 95%
/// intervals, and the test against the straight line (no break) named by <see cref="NullModel"/>: for runs along
/// compute a t test over the runs' slope changes, for independent runs or points a bootstrap of the F statistic under
/// the straight line (the textbook F distribution does not apply because the breakpoint does not exist under the null).
/// </summary>
public sealed record InflectionAnalysis(
    string Group,
    string XLabel,
    int PointCount,
    HingeFit Fit,
    double LinearSumOfSquares,
    ParameterEstimate Breakpoint,
    ParameterEstimate SlopeBefore,
    ParameterEstimate SlopeAfter,
    double FStatistic,
    double PValue,
    int NullSimulations,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y)
{
    /// <summary>What the null and the intervals resampled: <c>run</c> (whole runs), or <c>points</c> (independent points).</summary>
    public string ResamplingUnit { get; init; } = "points";

    public int Runs { get; init; }

    public string NullModel { get; init; } = "parametric bootstrap under the straight line (independent Gaussian noise)";

    /// <summary>The statistic the p-value refers to: F (bootstrap nulls) or the t over runs' slope changes.</summary>
    public double TestStatistic { get; init; } = double.NaN;

    /// <summary>Why the breakpoint has no interval (null when it has one).</summary>
    public string? BreakpointNote { get; init; }

    /// <summary>A caution on the design (null when none): at exactly the gate's minimum the test is slightly liberal.</summary>
    public string? DesignNote { get; init; }

    public bool BreakIsSignificant => PValue < 0.05;
}
