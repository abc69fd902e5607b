namespace TrainingPipeline.RL;

/// <summary>
/// ScaleRL's batch-level advantage normalisation (Khatri et al. 2025): reward minus its group's mean, divided by the
/// sample std (n − 1) of every reward of the step's trained batch (all its groups, zero-variance ones included, since
/// they are part of the batch; before any zero-variance filtering, which acts on the loss). A batch whose rewards all
/// agree has no signal: 0, never 0/0. The group mean keeps the baseline per prompt; only the scale is shared, so
/// easy and hard prompts are not rescaled to the same spread as per-group scaling does.
/// REINFORCE++ divides the centred advantages by their own batch std instead (docs/pipelines.md says how they differ).
/// </summary>
public sealed class BatchNormalizedGroupAdvantages(double epsilon = 1e-6) : IAdvantageEstimator
{
    public double[] Estimate(IReadOnlyList<double> rewards, int groupSize)
    {
        Advantages.RequireWholeGroups(rewards, groupSize);
        double batchStd = Advantages.GroupStd(rewards);
        var advantages = new double[rewards.Count];
        for (int start = 0; start < rewards.Count; start += groupSize)
        {
            double mean = Enumerable.Range(start, groupSize).Average(i => rewards[i]);
            for (int j = start; j < start + groupSize; j++)
                advantages[j] = batchStd == 0 ? 0 : (rewards[j] - mean) / (batchStd + epsilon);
        }
        return advantages;
    }
}
