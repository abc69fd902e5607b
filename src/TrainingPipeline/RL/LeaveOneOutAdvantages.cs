namespace TrainingPipeline.RL;

/// <summary>RLOO: reward minus the mean of the other completions of its group (needs groups of at least 2).</summary>
public sealed class LeaveOneOutAdvantages : IAdvantageEstimator
{
    public double[] Estimate(IReadOnlyList<double> rewards, int groupSize)
    {
        Advantages.RequireWholeGroups(rewards, groupSize);
        var advantages = new double[rewards.Count];
        for (int start = 0; start < rewards.Count; start += groupSize)
        {
            var group = Enumerable.Range(start, groupSize).Select(i => rewards[i]).ToArray();
            double sum = group.Sum();
            for (int j = 0; j < groupSize; j++) advantages[start + j] = group[j] - (sum - group[j]) / (groupSize - 1);
        }
        return advantages;
    }
}
