using TrainingPipeline.Config;

namespace TrainingPipeline.Training;

/// <summary>
/// Learning rate at a step (1-based) of a run of <c>totalSteps</c>: linear warmup, then cosine decay to
/// <c>minRatio·peak</c>, a constant rate, or warmup-stable-decay (WSD: constant, then a linear decay over the
/// last <c>decayFraction</c> of the run).
/// </summary>
public sealed record LrSchedule(LrScheduleKind Kind, double Peak, int WarmupSteps, long TotalSteps, double MinRatio, double DecayFraction = 0.2)
{
    /// <summary>
    /// A phase's schedule over its <paramref name="totalSteps"/>: the pipeline's schedule from its warmup
    /// (<c>rewarm</c>, every phase's default, so a later phase warms up to the peak again), or a constant rate at the
    /// value that schedule ends on (<c>hold_final</c>: lr·min_lr_ratio after cosine or WSD, lr when constant).
    /// </summary>
    public static LrSchedule ForPhase(PretrainSection training, PhaseLrSchedule? phaseSchedule, long totalSteps)
    {
        var full = new LrSchedule(training.Schedule, training.Lr, training.WarmupSteps, totalSteps, training.MinLrRatio, training.WsdDecayFraction);
        return phaseSchedule is PhaseLrSchedule.HoldFinal
            ? new LrSchedule(LrScheduleKind.Constant, training.Schedule == LrScheduleKind.Constant ? training.Lr : training.Lr * training.MinLrRatio, 0, totalSteps, 1)
            : full;
    }

    public double At(long step)
    {
        if (WarmupSteps > 0 && step <= WarmupSteps) return Peak * step / WarmupSteps;
        double min = Peak * MinRatio;
        switch (Kind)
        {
            case LrScheduleKind.Constant:
                return Peak;
            case LrScheduleKind.Wsd:
                long decaySteps = Math.Max(1, (long)Math.Round(TotalSteps * DecayFraction));
                long decayStart = TotalSteps - decaySteps;
                if (step <= decayStart) return Peak;
                return Peak - (Peak - min) * Math.Min(1.0, (double)(step - decayStart) / decaySteps);
            case LrScheduleKind.Cosine:
                long span = Math.Max(1, TotalSteps - WarmupSteps);
                double progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
                return min + 0.5 * (Peak - min) * (1 + Math.Cos(Math.PI * progress));
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "not an LrScheduleKind");
        }
    }
}
