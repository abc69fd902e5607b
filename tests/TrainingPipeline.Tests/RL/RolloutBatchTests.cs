using TrainingPipeline.Model;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Tests.RL;

public class RolloutBatchTests
{
    private static readonly ModelConfig Tiny = new(1, 2, 16, 16, 257);

    private static Rollout Rollout(int[] prompt, int[] completion) =>
        new(0, null!, new TaskProblem("t", 1, 0, "", "", ""), prompt, completion, false, Verdict.Wrong(), 0);

    /// <summary>Σ over completion tokens of log softmax(logits / T) at the taken token, computed here in float64.</summary>
    private static double TemperedLogLikelihood(Gpt model, RolloutBatch batch, double temperature)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.forward(batch.Inputs).to_type(ScalarType.Float64) / temperature;
        var taken = F.log_softmax(logits, -1).gather(-1, batch.Targets.unsqueeze(-1)).squeeze(-1);
        return (taken * batch.Mask.to_type(ScalarType.Float64)).sum().item<double>();
    }

    [Fact]
    public void LogProbGradientAtTemperatureHalfIsThatOfTheTemperedLikelihood()
    {
        using var scope = NewDisposeScope();
        const double temperature = 0.5;
        manual_seed(7);
        using var model = new Gpt(Tiny);
        model.to(ScalarType.Float64); // a float64 model so that the finite difference is exact to ~1e-9
        using var batch = new RolloutBatch([Rollout([72, 105, 10], [97, 98, 10, 10]), Rollout([72, 10], [99, 100, 10])], CPU);

        var (logProbs, _) = batch.LogProbs(model, temperature);
        (logProbs * batch.Mask).sum().backward();
        // The largest gradient entries of every parameter tensor, checked against a central difference.
        int checkedEntries = 0;
        foreach (var parameter in model.parameters())
        {
            var grad = parameter.grad!.view(-1);
            long index = grad.abs().argmax().item<long>();
            double analytic = grad[index].item<double>();
            if (Math.Abs(analytic) < 1e-3) continue;
            const double h = 1e-5;
            using (no_grad()) parameter.view(-1)[index].add_(h);
            double plus = TemperedLogLikelihood(model, batch, temperature);
            using (no_grad()) parameter.view(-1)[index].add_(-2 * h);
            double minus = TemperedLogLikelihood(model, batch, temperature);
            using (no_grad()) parameter.view(-1)[index].add_(h);
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(analytic - numeric) <= 1e-4 * Math.Max(1, Math.Abs(numeric)),
                $"parameter of shape [{string.Join(", ", parameter.shape)}]: autograd {analytic:G6}, finite difference {numeric:G6}");
            checkedEntries++;
        }
        Assert.True(checkedEntries >= 4, $"only {checkedEntries} parameters had a gradient to check");
    }

    [Fact]
    public void EntropyIsThatOfTheTemperedDistribution()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = new Gpt(Tiny);
        using var batch = new RolloutBatch([Rollout([72, 105, 10], [97, 98, 10, 10])], CPU);
        // Sharpening (T < 1) lowers the entropy of an untrained model's near-uniform next-token distribution.
        var (_, atOne) = batch.LogProbs(model, 1.0);
        var (_, atHalf) = batch.LogProbs(model, 0.5);
        Assert.True(atHalf < atOne - 1e-3, $"entropy at T = 0.5 ({atHalf:F4}) should be below that at T = 1 ({atOne:F4})");
    }

    [Fact]
    public void ARolloutCostsAForwardOverItsOwnLengthWithoutPadding()
    {
        ModelPresets.TryGet("micro-200k", 257, out var micro);
        // A 26-position RL sequence (20 prompt tokens, 7 completion tokens, the last never fed back), by hand:
        // n_layer 3, d 64, vocab 257 → non-embedding 3·(12·64² + 2·2·64) + 2·64 = 148,352 parameters;
        // 26·(2·148,352 + 2·257·64) + 2·3·26²·64 = 8,569,600 + 259,584.
        Assert.Equal(148_352, micro.ParamsNonEmbedding);
        Assert.Equal(8_829_184.0, micro.ForwardFlops(26));
        var rollout = Rollout(new int[20], new int[7]);
        Assert.Equal(8_829_184.0, RolloutFlops.Forward(micro, [rollout]));
        // A short rollout beside a long one is not charged the long one's padded length.
        var longer = Rollout(new int[20], new int[40]);
        Assert.Equal(micro.ForwardFlops(26) + micro.ForwardFlops(59), RolloutFlops.Forward(micro, [rollout, longer]));
    }
}
