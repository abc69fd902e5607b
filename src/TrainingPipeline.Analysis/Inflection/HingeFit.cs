namespace TrainingPipeline.Analysis.Inflection;

/// <summary>y = Intercept + SlopeBefore·x + SlopeChange·max(0, x − Breakpoint), by least squares.</summary>
public sealed record HingeFit(double Intercept, double SlopeBefore, double SlopeChange, double Breakpoint, double SumOfSquares)
{
    public double SlopeAfter => SlopeBefore + SlopeChange;

    public double Predict(double x) => Intercept + SlopeBefore * x + SlopeChange * Math.Max(0, x - Breakpoint);
}
