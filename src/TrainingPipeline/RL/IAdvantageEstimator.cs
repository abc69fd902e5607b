namespace TrainingPipeline.RL;

/// <summary>
/// Turns one step's rewards into one advantage per completion. Rewards come in groups of completions of one prompt,
/// laid out group after group. An RL algorithm supplies one of these through <see cref="RlAlgorithms"/>.
/// </summary>
public interface IAdvantageEstimator
{
    double[] Estimate(IReadOnlyList<double> rewards, int groupSize);
}
