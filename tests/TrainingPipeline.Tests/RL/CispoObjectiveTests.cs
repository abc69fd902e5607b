using TrainingPipeline.RL;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.RL;

/// <summary>Issue 18: CISPO, −sg(min(ρ, ε_max))·A·log π, on hand-computed tensors.</summary>
public class CispoObjectiveTests
{
    private static PolicyLossOptions Options(LossAggregation aggregation = LossAggregation.Token, double klCoef = 0, double maxRatio = 4) =>
        new(ClipLow: 0.2, ClipHigh: 0.2, KlCoef: klCoef, Aggregation: aggregation, MaxNewTokens: 4, RolloutsPerStep: 2, GroupSize: 1,
            CispoMaxRatio: maxRatio);

    [Fact]
    public void TheTruncatedWeightScalesTheGradientAndCarriesNone()
    {
        using var scope = NewDisposeScope();
        // One completion of two tokens, A = 1. Token 0: π = 0.5, π_old = 0.1 → ρ = 5, truncated to 4. Token 1: π = π_old
        // = 0.25 → ρ = 1. Loss (token mean) = (−4·ln 0.5 − 1·ln 0.25) / 2; d/d log π = (−4, −1) / 2, the weight held fixed.
        var logp = tensor(new[] { (float)Math.Log(0.5), (float)Math.Log(0.25) }).view(1, 2).requires_grad_();
        var old = tensor(new[] { (float)Math.Log(0.1), (float)Math.Log(0.25) }).view(1, 2);
        var mask = ones(1, 2);
        var result = new CispoObjective(Options()).Compute(logp, old, null, tensor(new float[] { 1 }), mask);
        Assert.Equal((-4 * Math.Log(0.5) - Math.Log(0.25)) / 2, result.Loss.item<float>(), 5);
        Assert.Equal(result.Loss.item<float>(), result.PolicyLoss, 6);
        result.Loss.backward();
        var grad = logp.grad!.data<float>().ToArray();
        Assert.Equal(-2.0, grad[0], 5);
        Assert.Equal(-0.5, grad[1], 5);
        Assert.Equal(0.5, result.ClipFraction, 6); // one of two tokens truncated
        Assert.Null(result.Kl);
    }

    [Fact]
    public void WhereTheClippedSurrogateDropsATokenCispoKeepsItsGradient()
    {
        using var scope = NewDisposeScope();
        // ρ = 5 with A > 0: the clipped surrogate's min takes the clipped, constant term, so the token's gradient is 0.
        var logp = tensor(new[] { (float)Math.Log(0.5) }).view(1, 1).requires_grad_();
        var old = tensor(new[] { (float)Math.Log(0.1) }).view(1, 1);
        var adv = tensor(new float[] { 2 });
        var clipped = new ClippedSurrogateObjective(Options()).Compute(logp, old, null, adv, ones(1, 1));
        clipped.Loss.backward();
        Assert.Equal(0.0, logp.grad!.item<float>(), 6);
        logp.grad!.zero_();
        var cispo = new CispoObjective(Options(maxRatio: 3)).Compute(logp, old, null, adv, ones(1, 1));
        cispo.Loss.backward();
        Assert.Equal(-3.0 * 2, logp.grad!.item<float>(), 5);
    }

    [Fact]
    public void OnPolicyCispoHasTheClippedSurrogatesGradientAndItsKlTerm()
    {
        using var scope = NewDisposeScope();
        // Ratio 1: both objectives' gradients are −A per token (token mean); the k3 KL term is the same in both.
        var data = new float[] { -1, -2, -3, -0.5f };
        var mask = tensor(new float[] { 1, 1, 0, 1 }).view(2, 2);
        var adv = tensor(new float[] { 1, -2 });
        var reference = tensor(new float[] { -1.5f, -2, -3, -0.25f }).view(2, 2);
        var a = tensor(data).view(2, 2).requires_grad_();
        var b = tensor(data).view(2, 2).requires_grad_();
        var clipped = new ClippedSurrogateObjective(Options(klCoef: 0.1)).Compute(a, a.detach(), reference, adv, mask);
        var cispo = new CispoObjective(Options(klCoef: 0.1)).Compute(b, b.detach(), reference, adv, mask);
        clipped.Loss.backward();
        cispo.Loss.backward();
        Assert.Equal(a.grad!.data<float>().ToArray(), b.grad!.data<float>().ToArray());
        Assert.Equal(clipped.Kl!.Value, cispo.Kl!.Value, 6);
        Assert.True(cispo.Kl > 0);
    }

    [Fact]
    public void TheLossNamesTheObjectiveForEveryAlgorithm()
    {
        var rl = new TrainingPipeline.Config.RlSection(new Dictionary<string, double> { ["addition"] = 1 },
            Loss: TrainingPipeline.Config.PolicyLossKind.Cispo, CispoMaxRatio: 2.5);
        foreach (var algorithm in Enum.GetValues<RlAlgorithm>())
        {
            var objective = Assert.IsType<CispoObjective>(RlAlgorithms.ObjectiveFor(rl with { Algorithm = algorithm }));
            Assert.Equal(2.5, objective.Options.CispoMaxRatio);
        }
        Assert.IsType<ClippedSurrogateObjective>(RlAlgorithms.ObjectiveFor(rl with { Loss = default, CispoMaxRatio = null }));
        Assert.Equal(4.0, PolicyLossOptions.From(rl with { CispoMaxRatio = null }).CispoMaxRatio);
    }
}
