namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// One observation for a scaling-law fit. <paramref name="Value"/> is the loss (nats) or the score; compute is in
/// FLOPs. Model size and tokens are only needed by the Chinchilla law (NaN otherwise). <paramref name="Cluster"/>
/// names the run the point came from, so the bootstrap can resample whole runs when a run gave several points.
/// <paramref name="StdError"/> is the evaluation's standard error over its problems (NaN when unknown): the
/// evaluation-noise part of the uncertainty, used when there are too few runs for a run-level interval.
/// <paramref name="Step"/> is the training step of an RL evaluation (null when unknown): "distinct evaluation levels" are
/// counted in steps, because FLOPs per step differ slightly between runs and would make one step look like several.
/// </summary>
public sealed record LawPoint(
    double Compute,
    double Value,
    double ModelSize = double.NaN,
    double Tokens = double.NaN,
    string? Cluster = null,
    double StdError = double.NaN,
    long? Step = null);
