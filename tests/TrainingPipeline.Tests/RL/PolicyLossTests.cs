using TrainingPipeline.RL;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.RL;

public class PolicyLossTests
{
    // Two completions; the first has 2 completion tokens, the second 1 (mask 0 marks prompt/padding).
    private static Tensor Mask() => tensor(new float[] { 1, 1, 0, 1 }).view(2, 2);

    private static PolicyLossOptions Options(LossAggregation aggregation = LossAggregation.Token, double klCoef = 0, double clipHigh = 0.2, int rolloutsPerStep = 2) =>
        new(ClipLow: 0.2, ClipHigh: clipHigh, KlCoef: klCoef, Aggregation: aggregation, MaxNewTokens: 4, RolloutsPerStep: rolloutsPerStep);

    [Fact]
    public void ConstantAggregationDividesByTheFixedBatchNotTheRowsTrained()
    {
        using var scope = NewDisposeScope();
        // A step planned for 8 rollouts that trains on 2 (dynamic sampling at its round bound): Dr. GRPO's constant
        // stays 8 × 4, so the step is smaller, not larger, than a full batch's. Ratio 1, A = 1: three tokens of −1.
        var logp = tensor(new float[] { -1, -2, -3, -0.5f }).view(2, 2);
        var adv = tensor(new float[] { 1, 1 });
        var constant = PolicyLoss.Compute(logp, logp, null, adv, Mask(), Options(LossAggregation.Constant, rolloutsPerStep: 8));
        Assert.Equal(-3.0 / 32, constant.Loss.item<float>(), 6);
        Assert.Equal(-3.0 / 32, constant.PolicyLoss, 6);
    }

    [Fact]
    public void OnPolicyLossIsMinusTheMaskedMeanAdvantage()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { -1, -2, -3, -0.5f }).view(2, 2);
        var adv = tensor(new float[] { 1, -2 });
        var token = PolicyLoss.Compute(logp, logp, null, adv, Mask(), Options(LossAggregation.Token));
        // Ratio 1: per-token loss −A. Tokens: −1, −1, (masked), +2 → sum 0 over 3 tokens.
        Assert.Equal(0.0, token.Loss.item<float>(), 6);
        var sequence = PolicyLoss.Compute(logp, logp, null, adv, Mask(), Options(LossAggregation.Sequence));
        // Per sequence: −1 and +2 → mean 0.5.
        Assert.Equal(0.5, sequence.Loss.item<float>(), 6);
        var constant = PolicyLoss.Compute(logp, logp, null, adv, Mask(), Options(LossAggregation.Constant));
        // Token sum 0 / (2 × 4).
        Assert.Equal(0.0, constant.Loss.item<float>(), 6);
        Assert.Equal(0.0, token.ClipFraction);
    }

    [Fact]
    public void RatiosAreClippedAsymmetrically()
    {
        using var scope = NewDisposeScope();
        // Ratio e^0.5 ≈ 1.6487 on every token, positive advantage 1: clipped at 1 + ε_high.
        var old = zeros(2, 2);
        var logp = full(2, 2, 0.5f);
        var adv = tensor(new float[] { 1, 1 });
        var standard = PolicyLoss.Compute(logp, old, null, adv, Mask(), Options(clipHigh: 0.2));
        var higher = PolicyLoss.Compute(logp, old, null, adv, Mask(), Options(clipHigh: 0.28));
        Assert.Equal(-1.2, standard.Loss.item<float>(), 5);
        Assert.Equal(-1.28, higher.Loss.item<float>(), 5);
        Assert.Equal(1.0, standard.ClipFraction);
        // With a negative advantage the unclipped (larger) penalty stands: −min(ρA, clip(ρ)A) = ρ·|A|.
        var negative = PolicyLoss.Compute(logp, old, null, -adv, Mask(), Options());
        Assert.Equal(Math.Exp(0.5), negative.Loss.item<float>(), 4);
    }

    [Fact]
    public void ClipFractionCountsOnlyClipsThatRemoveTheGradient()
    {
        using var scope = NewDisposeScope();
        // Every ratio is outside [0.8, 1.2]: 1.5 and 0.5 in each row. A clip is active only for ρ > 1 + ε_high
        // with A > 0 (row 0, token 0) and ρ < 1 − ε_low with A < 0 (row 1, token 1); the other two take the
        // unclipped term of the min, so their gradient flows and they are not clipped.
        var ratios = tensor(new float[] { 1.5f, 0.5f, 1.5f, 0.5f }).view(2, 2);
        var old = full(2, 2, -1f);
        var leaf = (old + ratios.log()).detach().requires_grad_(true);
        var adv = tensor(new float[] { 1, -1 });
        var mask = ones(2, 2);
        var result = PolicyLoss.Compute(leaf, old, null, adv, mask, Options());
        Assert.Equal(0.5, result.ClipFraction, 6);
        result.Loss.backward();
        var grad = leaf.grad!.data<float>().ToArray();
        Assert.Equal(new[] { 0f, 1f, 1f, 0f }, grad.Select(g => g == 0 ? 0f : 1f).ToArray()); // zero exactly where active
    }

    [Fact]
    public void KlIsZeroWhenPolicyEqualsReferenceAndPositiveOtherwise()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { -1, -2, -3, -0.5f }).view(2, 2);
        var adv = zeros(2);
        var same = PolicyLoss.Compute(logp, logp, logp, adv, Mask(), Options(klCoef: 0.1));
        Assert.Equal(0.0, same.Kl!.Value, 9);
        var reference = logp - 0.3f;
        var differs = PolicyLoss.Compute(logp, logp, reference, adv, Mask(), Options(klCoef: 0.1));
        double k3 = Math.Exp(-0.3) + 0.3 - 1; // e^(ref−logp) − (ref−logp) − 1 with ref − logp = −0.3
        Assert.Equal(k3, differs.Kl!.Value, 5);
        Assert.Equal(0.1 * k3, differs.Loss.item<float>(), 5);
    }

    [Fact]
    public void WithoutAReferenceModelNoKlIsReported()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { -1, -2, -3, -0.5f }).view(2, 2);
        // kl_coef = 0 loads no reference: a KL of 0 would read as "the policy has not moved", which nothing measured.
        Assert.Null(PolicyLoss.Compute(logp, logp, null, zeros(2), Mask(), Options()).Kl);
    }

    [Fact]
    public void GradientPushesUpTokensWithPositiveAdvantage()
    {
        using var scope = NewDisposeScope();
        var leaf = tensor(new float[] { -1, -1, -1, -1 }, requires_grad: true);
        var logp = leaf.view(2, 2);
        var adv = tensor(new float[] { 1, -1 });
        PolicyLoss.Compute(logp, logp.detach(), null, adv, Mask(), Options()).Loss.backward();
        var grad = leaf.grad!.data<float>().ToArray();
        Assert.True(grad[0] < 0 && grad[1] < 0, "descending the loss raises log-probs of the first completion");
        Assert.True(grad[3] > 0, "and lowers those of the second");
        Assert.Equal(0f, grad[2]); // masked
    }
    [Fact]
    public void PromptAggregationAveragesEachPromptsTokensThenThePrompts()
    {
        using var scope = NewDisposeScope();
        // Two prompts × two completions, ratio 1 so each token's loss is −A. Prompt 0: completions of 3 and 1 tokens,
        // A = 1 and −1 → tokens −1, −1, −1, +1 → mean −0.5. Prompt 1: 1 and 1 token, A = 2 and 0 → −2, 0 → mean −1.
        // Prompt level: (−0.5 − 1) / 2 = −0.75; token level would be (−2 − 2) / 6, sequence level (−1 + 1 − 2 + 0) / 4.
        var logp = zeros(4, 3);
        var mask = tensor(new float[] { 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0 }).view(4, 3);
        var adv = tensor(new float[] { 1, -1, 2, 0 });
        PolicyLossOptions With(LossAggregation aggregation) => Options(aggregation) with { GroupSize = 2 };
        Assert.Equal(-0.75, PolicyLoss.Compute(logp, logp, null, adv, mask, With(LossAggregation.Prompt)).Loss.item<float>(), 6);
        Assert.Equal(-4.0 / 6, PolicyLoss.Compute(logp, logp, null, adv, mask, With(LossAggregation.Token)).Loss.item<float>(), 6);
        Assert.Equal(-0.5, PolicyLoss.Compute(logp, logp, null, adv, mask, With(LossAggregation.Sequence)).Loss.item<float>(), 6);
        Assert.Throws<ArgumentException>(() => PolicyLoss.Compute(logp, logp, null, adv, mask, Options(LossAggregation.Prompt) with { GroupSize = 3 }));
    }
}
