using static TorchSharp.torch;

namespace TrainingPipeline.RL;

/// <summary>
/// The settings of the policy-gradient objectives. <c>RolloutsPerStep</c> (prompts_per_step × group_size) and
/// <c>MaxNewTokens</c> make the fixed denominator of the <c>constant</c> aggregation; <c>GroupSize</c> tells the
/// <c>prompt</c> aggregation which rows belong to one prompt; <c>CispoMaxRatio</c> is CISPO's truncation bound ε_max.
/// </summary>
public sealed record PolicyLossOptions(double ClipLow, double ClipHigh, double KlCoef, LossAggregation Aggregation, int MaxNewTokens,
    int RolloutsPerStep, int GroupSize = 1, double CispoMaxRatio = Config.RlSection.DefaultCispoMaxRatio)
{
    public static PolicyLossOptions From(Config.RlSection rl) =>
        new(rl.ClipLow, rl.ClipHigh, rl.KlCoef, rl.LossAggregation, rl.MaxNewTokens, rl.PromptsPerStep * rl.GroupSize, rl.GroupSize,
            rl.EffectiveCispoMaxRatio);
}

/// <summary>The values of <c>rl.loss_aggregation</c>: how per-token losses become one number (see <see cref="PolicyLoss"/>).</summary>
public enum LossAggregation
{
    Token,
    Sequence,
    Constant,

    /// <summary>ScaleRL's prompt-level average: each prompt group's tokens averaged together, then the prompts.</summary>
    Prompt,
}

/// <summary>
/// Loss and the statistics logged with it (plain numbers, computed without gradient). <c>ClipFraction</c> is the
/// share of completion tokens whose clip is active, i.e. whose gradient the clip removes. <c>Kl</c> is null without a
/// reference model (kl_coef = 0): no KL was computed, so none is reported.
/// </summary>
public sealed record PolicyLossResult(Tensor Loss, double PolicyLoss, double? Kl, double ClipFraction);

/// <summary>
/// PPO-style clipped surrogate over completion tokens, with an optional k3 KL penalty to a reference policy:
/// per token, −min(ρ·A, clip(ρ, 1−ε_low, 1+ε_high)·A) + β·(e^(ref−logp) − (ref−logp) − 1), where ρ = e^(logp−old).
/// Aggregation: <c>token</c> averages over all completion tokens of the batch; <c>sequence</c> averages each
/// completion's tokens, then the completions; <c>constant</c> (Dr. GRPO) divides the token sum by the fixed
/// prompts_per_step × group_size × max_new_tokens, so long and short answers weigh alike per token, and a step that
/// trains on fewer rollouts (dynamic sampling at its round bound) takes a proportionally smaller step, not a larger one;
/// <c>prompt</c> (ScaleRL) averages the tokens of all completions of one prompt, then the prompts, so every prompt
/// weighs alike whatever its completions' lengths.
/// </summary>
public static class PolicyLoss
{
    /// <param name="logProbs">[B, T] log-probabilities of the taken tokens under the policy being trained.</param>
    /// <param name="oldLogProbs">[B, T] the same under the policy that sampled them.</param>
    /// <param name="referenceLogProbs">[B, T] under the frozen reference, or null when the KL coefficient is 0.</param>
    /// <param name="advantages">[B] one advantage per completion.</param>
    /// <param name="mask">[B, T] 1 for completion tokens, 0 for prompt and padding.</param>
    public static PolicyLossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor? referenceLogProbs, Tensor advantages,
        Tensor mask, PolicyLossOptions options)
    {
        var ratio = (logProbs - oldLogProbs).exp();
        var a = advantages.unsqueeze(1);
        var unclipped = ratio * a;
        var clipped = ratio.clamp(1 - options.ClipLow, 1 + options.ClipHigh) * a;
        var perToken = -minimum(unclipped, clipped);
        Tensor? kl = null;
        if (referenceLogProbs is not null && options.KlCoef > 0)
        {
            var delta = referenceLogProbs - logProbs;
            kl = delta.exp() - delta - 1;
            perToken = perToken + options.KlCoef * kl;
        }
        var loss = Aggregate(perToken, mask, options);

        using var noGrad = no_grad();
        double tokens = Math.Max(1.0, mask.sum().item<float>());
        double policyLoss = Aggregate(-minimum(unclipped, clipped), mask, options).item<float>();
        double? klMean = kl is null ? null : (kl * mask).sum().item<float>() / tokens;
        // A clip is active only where it changes the objective (as TRL counts it): a ratio below 1 − ε_low matters
        // for a negative advantage, above 1 + ε_high for a positive one; elsewhere min() takes the unclipped term.
        var lowActive = (ratio < 1 - options.ClipLow).logical_and(a < 0);
        var highActive = (ratio > 1 + options.ClipHigh).logical_and(a > 0);
        var active = lowActive.logical_or(highActive).to_type(ScalarType.Float32);
        double clipFraction = (active * mask).sum().item<float>() / tokens;
        return new PolicyLossResult(loss, policyLoss, klMean, clipFraction);
    }

    /// <summary>Per-token losses [B, T] to one number, as <c>rl.loss_aggregation</c> says (shared by every objective).</summary>
    internal static Tensor Aggregate(Tensor perToken, Tensor mask, PolicyLossOptions options) => options.Aggregation switch
    {
        LossAggregation.Token => (perToken * mask).sum() / mask.sum().clamp_min(1),
        LossAggregation.Sequence => ((perToken * mask).sum(1) / mask.sum(1).clamp_min(1)).mean(),
        LossAggregation.Constant => (perToken * mask).sum() / (options.RolloutsPerStep * (double)options.MaxNewTokens),
        LossAggregation.Prompt => PromptMean(perToken, mask, options.GroupSize),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Aggregation, "not a LossAggregation"),
    };

    // Rows come group after group (RolloutBatch keeps the rollouts' order), so [B] per-row sums fold into [B/G, G].
    private static Tensor PromptMean(Tensor perToken, Tensor mask, int groupSize)
    {
        long rows = perToken.shape[0];
        if (groupSize < 1 || rows % groupSize != 0)
            throw new ArgumentException($"prompt aggregation needs whole groups: {rows} completions, group size {groupSize}");
        var groupLoss = (perToken * mask).sum(1).view(rows / groupSize, groupSize).sum(1);
        var groupTokens = mask.sum(1).view(rows / groupSize, groupSize).sum(1).clamp_min(1);
        return (groupLoss / groupTokens).mean();
    }
}
