namespace TrainingPipeline.RL;

/// <summary>
/// GRPO: reward minus its group's mean, divided by the group's sample std when <paramref name="scaleByStd"/>
/// (Dr. GRPO turns that off). A group whose rewards all agree carries no signal: 0, never 0/0.
/// </summary>
public sealed class GroupRelativeAdvantages(bool scaleByStd, double epsilon = 1e-6) : IAdvantageEstimator
{
    public double[] Estimate(IReadOnlyList<double> rewards, int groupSize)
    {
        Advantages.RequireWholeGroups(rewards, groupSize);
        var advantages = new double[rewards.Count];
        for (int start = 0; start < rewards.Count; start += groupSize)
        {
            var group = Enumerable.Range(start, groupSize).Select(i => rewards[i]).ToArray();
            double mean = group.Average();
            double std = Advantages.GroupStd(group);
            for (int j = 0; j < groupSize; j++)
                advantages[start + j] = std == 0 ? 0 : scaleByStd ? (group[j] - mean) / (std + epsilon) : group[j] - mean;
        }
        return advantages;
    }
}
