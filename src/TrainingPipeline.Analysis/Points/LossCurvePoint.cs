namespace TrainingPipeline.Analysis.Points;

/// <summary>One in-distribution loss evaluation along a pre-training run (mean over eval sets), for plots.</summary>
public sealed record LossCurvePoint(string RunId, long ModelSize, double Compute, double Loss)
{
    /// <summary>The run's stage (<c>pretrain_narrow</c>, <c>pretrain_broad</c>…): each phase evaluates on its own corpus, so
    /// the plots draw phases as separate segments.</summary>
    public string Phase { get; init; } = "";

    /// <summary>The evaluation's standard error (mean over eval sets: √Σse² / k); NaN when not recorded.</summary>
    public double StdError { get; init; } = double.NaN;
}
