namespace TrainingPipeline.RL;

/// <summary>
/// Helpers shared by the advantage estimators (<see cref="IAdvantageEstimator"/>) and by evaluation: group statistics,
/// the dynamic-sampling filter and pass@k. Rewards come in groups of completions of one prompt, group after group.
/// </summary>
public static class Advantages
{
    public static void RequireWholeGroups(IReadOnlyList<double> rewards, int groupSize)
    {
        if (rewards.Count % groupSize != 0) throw new ArgumentException("rewards must come in whole groups");
    }

    /// <summary>Sample standard deviation (n − 1), as TRL's GRPO uses.</summary>
    public static double GroupStd(IReadOnlyList<double> group)
    {
        if (group.Count < 2) return 0;
        double mean = group.Average();
        return Math.Sqrt(group.Sum(r => (r - mean) * (r - mean)) / (group.Count - 1));
    }

    /// <summary>Indices of groups whose rewards are not all equal (dynamic sampling keeps only these).</summary>
    public static IReadOnlyList<int> GroupsWithSignal(IReadOnlyList<double> rewards, int groupSize)
    {
        var keep = new List<int>();
        for (int g = 0; g < rewards.Count / groupSize; g++)
        {
            double first = rewards[g * groupSize];
            bool varied = false;
            for (int j = 1; j < groupSize && !varied; j++) varied = rewards[g * groupSize + j] != first;
            if (varied) keep.Add(g);
        }
        return keep;
    }

    /// <summary>Unbiased pass@k from n samples with c correct (Chen et al. 2021): 1 − C(n−c, k) / C(n, k).</summary>
    public static double PassAtK(int n, int c, int k)
    {
        if (k > n) throw new ArgumentException($"pass@{k} needs at least {k} samples, got {n}");
        if (n - c < k) return 1.0;
        double failAll = 1.0;
        for (int i = n - c + 1; i <= n; i++) failAll *= 1.0 - (double)k / i;
        return 1.0 - failAll;
    }
}
