using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using TrainingPipeline.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Bench;

/// <summary>
/// Where a training step's time goes (<c>profile_S</c>, <c>profile_M</c>): forward, backward and optimizer phases of
/// the real step (CPU ops are synchronous, so wall-clock splits are exact), then the attention kernels alone at the
/// shape's sizes (forward+backward of SDPA and of the manual masked softmax, on the same q, k, v). Medians in ms.
/// </summary>
public static class PhaseProfile
{
    public static IEnumerable<Dictionary<string, object?>> Measure(BenchShape shape, AttentionKernel attention, int steps, int seed)
    {
        var phases = new Dictionary<string, List<double>>
        {
            ["forward"] = [],
            ["loss"] = [],
            ["backward"] = [],
            ["clip"] = [],
            ["optimizer"] = [],
            ["step"] = [],
        };
        manual_seed(seed);
        using (var model = new Gpt(shape.Model(attention)))
        {
            var (decay, noDecay) = model.WeightDecayGroups();
            using var optimizer = optim.AdamW(new[]
            {
                new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = 0.1 }),
                new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }),
            }, lr: 3e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.1);
            using var x = randint(BenchShape.VocabSize, new long[] { shape.Batch, shape.Context });
            using var y = randint(BenchShape.VocabSize, new long[] { shape.Batch * shape.Context });
            for (int i = -2; i < steps; i++) // two untimed warm-up steps
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                var lap = Stopwatch.StartNew();
                double Lap() { double ms = lap.Elapsed.TotalMilliseconds; lap.Restart(); return ms; }
                optimizer.zero_grad();
                var logits = model.forward(x);
                double forward = Lap();
                var loss = F.cross_entropy(logits.view(-1, BenchShape.VocabSize), y);
                double lossMs = Lap();
                loss.backward();
                double backward = Lap();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                double clip = Lap();
                optimizer.step();
                loss.item<float>();
                double opt = Lap();
                if (i < 0) continue;
                phases["forward"].Add(forward);
                phases["loss"].Add(lossMs);
                phases["backward"].Add(backward);
                phases["clip"].Add(clip);
                phases["optimizer"].Add(opt);
                phases["step"].Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        foreach (var (phase, times) in phases)
            yield return new() { ["phase"] = phase, ["ms"] = Median(times), ["attention"] = attention.ToString().ToLowerInvariant() };

        foreach (var kernel in new[] { AttentionKernel.Sdpa, AttentionKernel.Manual })
        {
            var (forwardMs, backwardMs) = AttentionKernelTimes(shape, kernel, steps);
            // One layer's attention core; the model runs it once per layer.
            yield return new() { ["phase"] = $"attention_core_{kernel.ToString().ToLowerInvariant()}", ["forward_ms"] = forwardMs, ["backward_ms"] = backwardMs, ["layers"] = shape.Layers };
        }
    }

    private static (double ForwardMs, double BackwardMs) AttentionKernelTimes(BenchShape shape, AttentionKernel kernel, int repetitions)
    {
        int headDim = shape.Width / shape.Heads;
        var forwardTimes = new List<double>();
        var backwardTimes = new List<double>();
        using var q = randn(shape.Batch, shape.Heads, shape.Context, headDim).requires_grad_();
        using var k = randn(shape.Batch, shape.Heads, shape.Context, headDim).requires_grad_();
        using var v = randn(shape.Batch, shape.Heads, shape.Context, headDim).requires_grad_();
        for (int i = -2; i < repetitions * 3; i++)
        {
            using var scope = NewDisposeScope();
            q.grad?.zero_(); k.grad?.zero_(); v.grad?.zero_();
            var clock = Stopwatch.StartNew();
            var output = kernel == AttentionKernel.Sdpa
                ? F.scaled_dot_product_attention(q, k, v, is_casual: true)
                : ManualCausalAttention(q, k, v);
            double forward = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            output.sum().backward();
            double backward = clock.Elapsed.TotalMilliseconds;
            if (i < 0) continue;
            forwardTimes.Add(forward);
            backwardTimes.Add(backward);
        }
        return (Median(forwardTimes), Median(backwardTimes));
    }

    /// <summary>The same computation as the model's manual kernel (Gpt.cs), for timing it in isolation.</summary>
    private static Tensor ManualCausalAttention(Tensor q, Tensor k, Tensor v)
    {
        long t = q.shape[2];
        var scores = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(q.shape[3]));
        var mask = ones(t, t, dtype: ScalarType.Bool).triu(1);
        return F.softmax(scores.masked_fill(mask, float.NegativeInfinity), -1).matmul(v);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
