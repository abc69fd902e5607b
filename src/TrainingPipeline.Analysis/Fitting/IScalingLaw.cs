namespace TrainingPipeline.Analysis.Fitting;

/// <summary>A parametric law fitted to <see cref="LawPoint"/>s.</summary>
public interface IScalingLaw
{
    /// <summary>The name used in the fits table and on the command line (e.g. <c>chinchilla</c>).</summary>
    string Name { get; }

    /// <summary>Parameter names, in reporting order.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>How many parameters the fit estimates (fewer than <see cref="ParameterNames"/> when one is measured, not fitted).</summary>
    int FreeParameterCount => ParameterNames.Count;

    /// <summary>Fewest points for which a fit is meaningful (more than the number of parameters).</summary>
    int MinimumPoints { get; }

    /// <summary>
    /// Fits the law. With <paramref name="warmStart"/> only that start is used (bootstrap refits); otherwise the
    /// law's full grid of initializations.
    /// </summary>
    LawFit Fit(IReadOnlyList<LawPoint> points, LawFit? warmStart = null);

    /// <summary>The law's prediction of <see cref="LawPoint.Value"/> at a point.</summary>
    double Predict(LawFit fit, LawPoint point);

    /// <summary>Quantities derived from the parameters (e.g. the compute-optimal allocation); may be empty.</summary>
    IReadOnlyDictionary<string, double> Derived(LawFit fit, IReadOnlyList<LawPoint> points);

    /// <summary>
    /// Strictly positive parameters and derived quantities (scales, and ratios such as tokens per parameter), whose run-level
    /// intervals are built on the log scale and exponentiated: on the natural scale a jackknife-t interval of a positive
    /// quantity can reach below 0 (pretrain-scaling's tokens per parameter, 86, had an interval across negatives).
    /// </summary>
    IReadOnlyCollection<string> ScaleParameters => [];

    /// <summary>Parameters that are rates in (0, 1) in this fit, whose run-level intervals are built on the logit scale.</summary>
    IReadOnlyCollection<string> RateParameters(LawFit fit) => [];

    /// <summary>
    /// The bound of the range the fit searches that <paramref name="parameter"/>'s value sits at, or null (also for a
    /// parameter searched over the whole real line). A zero-width interval at a bound is the optimiser stopped there in
    /// every refit; elsewhere it means every refit gave the same value.
    /// </summary>
    double? SearchBoundAt(LawFit fit, string parameter, IReadOnlyList<LawPoint> points) => null;

    /// <summary>
    /// Why a fit on <paramref name="points"/> is degenerate — its parameters are not determined by the points, so neither
    /// they nor its extrapolation say anything about the law — or null (<see cref="RlSigmoidLaw.Degeneracy"/>).
    /// </summary>
    string? Degeneracy(LawFit fit, IReadOnlyList<LawPoint> points) => null;

    /// <summary>Throws <see cref="Results.BadInputException"/> naming <paramref name="source"/> for unusable points.</summary>
    void Validate(IReadOnlyList<LawPoint> points, string source);
}
