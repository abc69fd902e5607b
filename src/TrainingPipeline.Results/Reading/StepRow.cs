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
    DateTime WrittenAt);
