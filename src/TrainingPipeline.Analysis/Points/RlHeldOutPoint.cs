namespace TrainingPipeline.Analysis.Points;

/// <summary>
/// Held-out pass@1 of one RL run at one evaluation step (mean over eval sets), with the run's cohort: the suffix naming
/// its configuration (pre-training breadth, RL breadth, model size; empty when the runs do not differ), so that the
/// inflection test compares evaluations of replicate runs only.
/// </summary>
public sealed record RlHeldOutPoint(string Cohort, string RunId, long Step, double Compute, double Value);
