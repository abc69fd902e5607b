namespace TrainingPipeline.Analysis.Fitting;

/// <summary>Huber's loss on a residual: quadratic within ±delta, linear outside (robust to outlying runs).</summary>
public static class HuberLoss
{
    /// <summary>Hoffmann et al. (2022) and Besiroglu et al. (2024) use delta = 1e-3 on log-loss residuals.</summary>
    public const double HoffmannDelta = 1e-3;

    public static double Value(double residual, double delta)
    {
        var abs = Math.Abs(residual);
        return abs <= delta ? 0.5 * residual * residual : delta * (abs - 0.5 * delta);
    }

    /// <summary>d Value / d residual.</summary>
    public static double Derivative(double residual, double delta) =>
        Math.Abs(residual) <= delta ? residual : delta * Math.Sign(residual);
}
