namespace TrainingPipeline.Training;

/// <summary>
/// Learning rate at a step (1-based) of a run of <c>totalSteps</c>: linear warmup, then cosine decay to
/// <c>minRatio·peak</c>, a constant rate, or warmup-stable-decay (WSD: constant, then a linear decay over the
/// last <c>decayFraction</c> of the run).
/// </summary>
public sealed record LrSchedule(string Kind, double Peak, int WarmupSteps, long TotalSteps, double MinRatio, double DecayFraction = 0.2)
{
    public double At(long step)
    {
        if (WarmupSteps > 0 && step <= WarmupSteps) return Peak * step / WarmupSteps;
        double min = Peak * MinRatio;
        switch (Kind)
        {
            case "constant":
                return Peak;
            case "wsd":
                long decaySteps = Math.Max(1, (long)Math.Round(TotalSteps * DecayFraction));
                long decayStart = TotalSteps - decaySteps;
                if (step <= decayStart) return Peak;
                return Peak - (Peak - min) * Math.Min(1.0, (double)(step - decayStart) / decaySteps);
            case "cosine":
                long span = Math.Max(1, TotalSteps - WarmupSteps);
                double progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
                return min + 0.5 * (Peak - min) * (1 + Math.Cos(Math.PI * progress));
            default:
                throw new ArgumentException($"unknown schedule '{Kind}'");
        }
    }
}
