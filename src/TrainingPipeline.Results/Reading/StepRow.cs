namespace TrainingPipeline.Results.Reading;

/// <summary>One optimizer step or RL iteration (the columns the analysis stage uses).</summary>
public sealed record StepRow(
    string RunId,
    RunStage Stage,
    long Step,
    long Tokens,
    double Flops,
    double RunFlops,
    double Loss,
    DateTime WrittenAt)
{
    /// <summary>Cumulative training seconds of the run at this step (<c>wall_seconds</c>, evaluation excluded); NaN when absent.</summary>
    public double WallSeconds { get; init; } = double.NaN;

    /// <summary>RL: prompt groups in this step's update (<c>groups_trained</c>); NaN for pre-training and when absent.</summary>
    public double GroupsTrained { get; init; } = double.NaN;
}
