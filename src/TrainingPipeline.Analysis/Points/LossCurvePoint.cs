namespace TrainingPipeline.Analysis.Points;

/// <summary>One in-distribution loss evaluation along a pre-training run (mean over eval sets), for plots.</summary>
public sealed record LossCurvePoint(string RunId, long ModelSize, double Compute, double Loss);
