using static TorchSharp.torch;

namespace TrainingPipeline.RL;

/// <summary>
/// CISPO (MiniMax-M1, Chen et al. 2025; the loss of ScaleRL, Khatri et al. 2025): truncated importance-sampling
/// REINFORCE. Per token −sg(min(ρ, ε_max))·A·log π + β·k3, with ρ = π/π_old and the stop-gradient on the truncated
/// weight, so every token keeps its gradient A·∇log π (scaled by the weight) instead of losing it to a clip, as it does
/// in the clipped surrogate. Only an upper bound, as ScaleRL writes it (verl's <c>compute_policy_loss_cispo</c> clamps
/// to [1 − ε_low, 1 + ε_high]; MiniMax-M1 sets ε_low large, i.e. no lower bound). The k3 KL penalty and the
/// aggregation are the clipped surrogate's (<see cref="PolicyLoss"/>), so switching the loss changes only the
/// policy-gradient term. <c>ClipFraction</c> reports the share of completion tokens whose weight was truncated (ρ &gt; ε_max).
/// </summary>
public sealed class CispoObjective(PolicyLossOptions options) : IPolicyObjective
{
    public PolicyLossOptions Options { get; } = options;

    public PolicyLossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor? referenceLogProbs, Tensor advantages, Tensor mask)
    {
        Tensor ratio;
        using (no_grad()) ratio = (logProbs - oldLogProbs).exp();
        var weight = ratio.clamp_max(Options.CispoMaxRatio).detach();
        var policyTerm = -(weight * advantages.unsqueeze(1) * logProbs);
        var perToken = policyTerm;
        Tensor? kl = null;
        if (referenceLogProbs is not null && Options.KlCoef > 0)
        {
            var delta = referenceLogProbs - logProbs;
            kl = delta.exp() - delta - 1;
            perToken = perToken + Options.KlCoef * kl;
        }
        var loss = PolicyLoss.Aggregate(perToken, mask, Options);

        using var noGrad = no_grad();
        double tokens = Math.Max(1.0, mask.sum().item<float>());
        double policyLoss = PolicyLoss.Aggregate(policyTerm, mask, Options).item<float>();
        double? klMean = kl is null ? null : (kl * mask).sum().item<float>() / tokens;
        var truncated = (ratio > Options.CispoMaxRatio).to_type(ScalarType.Float32);
        double clipFraction = (truncated * mask).sum().item<float>() / tokens;
        return new PolicyLossResult(loss, policyLoss, klMean, clipFraction);
    }
}
