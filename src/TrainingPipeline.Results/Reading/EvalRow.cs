namespace TrainingPipeline.Results.Reading;

/// <summary>One (step, eval set, split, metric, shots) evaluation.</summary>
public sealed record EvalRow(
    string RunId,
    RunStage Stage,
    long Step,
    double Flops,
    double RunFlops,
    string EvalSet,
    string Split,
    string Metric,
    double Value,
    long N,
    double Stderr,
    DateTime WrittenAt)
{
    /// <summary>Solved examples shown before each prompt (0: zero-shot, as every row written before the column).</summary>
    public int Shots { get; init; }
}
