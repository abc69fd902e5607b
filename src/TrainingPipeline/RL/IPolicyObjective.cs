using static TorchSharp.torch;

namespace TrainingPipeline.RL;

/// <summary>
/// The loss an RL update minimises, from per-token log-probabilities and per-completion advantages. An RL algorithm
/// supplies one of these through <see cref="RlAlgorithms"/>; the GRPO family shares <see cref="ClippedSurrogateObjective"/>.
/// </summary>
public interface IPolicyObjective
{
    /// <param name="logProbs">[B, T] log-probabilities of the taken tokens under the policy being trained.</param>
    /// <param name="oldLogProbs">[B, T] the same under the policy that sampled them.</param>
    /// <param name="referenceLogProbs">[B, T] under the frozen reference, or null when there is none.</param>
    /// <param name="advantages">[B] one advantage per completion.</param>
    /// <param name="mask">[B, T] 1 for completion tokens, 0 for prompt and padding.</param>
    PolicyLossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor? referenceLogProbs, Tensor advantages, Tensor mask);
}

/// <summary>The PPO-style clipped surrogate of <see cref="PolicyLoss"/> with fixed settings.</summary>
public sealed class ClippedSurrogateObjective(PolicyLossOptions options) : IPolicyObjective
{
    public PolicyLossOptions Options { get; } = options;

    public PolicyLossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor? referenceLogProbs, Tensor advantages, Tensor mask) =>
        PolicyLoss.Compute(logProbs, oldLogProbs, referenceLogProbs, advantages, mask, Options);
}
