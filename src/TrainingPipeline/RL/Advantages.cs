namespace TrainingPipeline.RL;

/// <summary>
/// Per-completion advantages from rewards, for the algorithms of the GRPO family. Rewards come in groups of
/// completions of one prompt, laid out group after group.
/// </summary>
public static class Advantages
{
    /// <param name="algorithm">grpo: reward minus its group's mean, divided by the group's std when
    /// <paramref name="scaleByStd"/> (Dr. GRPO turns that off); rloo: reward minus the mean of the other completions
    /// of its group; reinforce: reward minus the mean of the whole batch.</param>
    public static double[] Compute(IReadOnlyList<double> rewards, int groupSize, string algorithm, bool scaleByStd, double epsilon = 1e-6)
    {
        if (rewards.Count % groupSize != 0) throw new ArgumentException("rewards must come in whole groups");
        var advantages = new double[rewards.Count];
        if (algorithm == "reinforce")
        {
            double batchMean = rewards.Average();
            for (int i = 0; i < rewards.Count; i++) advantages[i] = rewards[i] - batchMean;
            return advantages;
        }
        for (int start = 0; start < rewards.Count; start += groupSize)
        {
            var group = Enumerable.Range(start, groupSize).Select(i => rewards[i]).ToArray();
            double mean = group.Average();
            double std = GroupStd(group);
            for (int j = 0; j < groupSize; j++)
            {
                double r = group[j];
                advantages[start + j] = algorithm switch
                {
                    // A group whose rewards all agree carries no signal: 0, never 0/0.
                    "grpo" when std == 0 => 0,
                    "grpo" => scaleByStd ? (r - mean) / (std + epsilon) : r - mean,
                    "rloo" => r - (group.Sum() - r) / (groupSize - 1),
                    _ => throw new ArgumentException($"unknown algorithm '{algorithm}'"),
                };
            }
        }
        return advantages;
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
