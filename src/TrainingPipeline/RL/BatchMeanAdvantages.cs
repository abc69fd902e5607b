namespace TrainingPipeline.RL;

/// <summary>REINFORCE with a batch-mean baseline: reward minus the mean of the whole batch (groups of 1 allowed).</summary>
public sealed class BatchMeanAdvantages : IAdvantageEstimator
{
    public double[] Estimate(IReadOnlyList<double> rewards, int groupSize)
    {
        Advantages.RequireWholeGroups(rewards, groupSize);
        double batchMean = rewards.Average();
        return [.. rewards.Select(r => r - batchMean)];
    }
}
