namespace TrainingPipeline.Results.Reading;

/// <summary>One (step, eval set, split, metric) evaluation.</summary>
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
    DateTime WrittenAt);
