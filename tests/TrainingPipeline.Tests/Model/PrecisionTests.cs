using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Tests.Model;

public class PrecisionTests
{
    private static ModelConfig Tiny(AttentionKernel attention = AttentionKernel.Sdpa, PositionKind positions = PositionKind.Rotary) =>
        new(NLayer: 2, NHead: 2, DModel: 32, ContextLength: 16, VocabSize: 50, NormKind.LayerNorm, positions, attention);

    [Fact]
    public void NamesAreThePipelineValues()
    {
        foreach (var name in Precisions.Choices) Assert.Equal(name, Precisions.Name(Precisions.Parse(name)!.Value));
        Assert.Null(Precisions.Parse("fp16"));
        Assert.Null(Precisions.Parse("BF16"));
    }

    [Fact]
    public void Bf16WhereTheDeviceCannotRunItIsBadInputNotASilentFallback()
    {
        Assert.Equal(Precision.Fp32, Precisions.Choose(Precision.Fp32, "cuda", bf16Problem: "no bf16 kernels"));
        Assert.Equal(Precision.Bf16, Precisions.Choose(Precision.Bf16, "cuda", bf16Problem: null));
        var e = Assert.Throws<BadInputException>(() => Precisions.Choose(Precision.Bf16, "cuda", bf16Problem: "no bf16 kernels"));
        Assert.Contains("no bf16 kernels", e.Message);
        Assert.Contains("--precision fp32", e.Message);
    }

    [Fact]
    public void CpuLibtorchRunsTheModelInBf16()
    {
        // The device this suite runs on (--device auto resolves to the CPU here): its libtorch runs every op of the
        // model in bf16, forward and backward, so bf16 runs are allowed and testable on CPU.
        var device = Devices.Resolve("auto");
        Assert.Equal(DeviceType.CPU, device.type);
        Assert.Null(Precisions.Bf16Problem(device));
        Precisions.EnsureSupported(Precision.Bf16, device);
    }

    [Theory]
    [InlineData(AttentionKernel.Sdpa, PositionKind.Rotary)]
    [InlineData(AttentionKernel.Manual, PositionKind.Rotary)]
    [InlineData(AttentionKernel.Sdpa, PositionKind.Learned)]
    public void Bf16LogitsAreFp32AndAgreeWithFp32WithinBf16Rounding(AttentionKernel attention, PositionKind positions)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var fp32 = new Gpt(Tiny(attention, positions));
        using var bf16 = new Gpt(Tiny(attention, positions), Precision.Bf16);
        bf16.load_state_dict(fp32.state_dict());
        var idx = randint(50, new long[] { 3, 16 });
        var exact = fp32.forward(idx);
        var mixed = bf16.forward(idx);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        double difference = (mixed - exact).abs().max().item<float>();
        // bf16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.002); logits here are O(0.1–1).
        Assert.InRange(difference, 1e-6, 0.05); // not identical (the products really ran in bf16), but close
        // Causality holds in bf16 too: changing later tokens leaves earlier logits unchanged.
        var changed = cat(new[] { idx.narrow(1, 0, 10), full(3, 6, 7L, dtype: ScalarType.Int64) }, 1);
        Assert.True(allclose(mixed.narrow(1, 0, 10), bf16.forward(changed).narrow(1, 0, 10)));
    }

    [Fact]
    public void MasterWeightsGradientsAndOptimizerStateStayFp32()
    {
        manual_seed(5);
        using var model = new Gpt(Tiny(), Precision.Bf16);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-2);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var idx = randint(50, new long[] { 4, 16 });
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.forward(idx.narrow(1, 0, 15));
            var loss = F.cross_entropy(logits.reshape(-1, 50), idx.narrow(1, 1, 15).reshape(-1));
            Assert.Equal(ScalarType.Float32, loss.dtype);
            loss.backward();
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
            optimizer.step();
        }
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        // Every parameter was updated, including those only reached through a bf16 cast.
        Assert.All(model.parameters().Zip(before), pair => Assert.False(pair.First.equal(pair.Second).all().item<bool>()));
        foreach (var b in before) b.Dispose();
    }

    [Fact]
    public void Bf16KeyValueCacheGivesTheLogitsOfTheFullForward()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = new Gpt(Tiny(), Precision.Bf16);
        model.eval();
        using var noGrad = no_grad();
        var idx = randint(50, new long[] { 2, 12 });
        var full = model.forward(idx);
        using var cache = new KvCache(model.Config.NLayer, model.Config.ContextLength);
        var prefill = model.Forward(idx.narrow(1, 0, 8), cache);
        Assert.True(allclose(prefill, full.narrow(1, 0, 8), rtol: 0, atol: 1e-6)); // same computation
        for (int t = 8; t < 12; t++)
        {
            var step = model.Forward(idx.narrow(1, t, 1), cache);
            // One query against cached bf16 keys and values: equal to the full pass up to bf16 rounding.
            double difference = (step.select(1, 0) - full.select(1, t)).abs().max().item<float>();
            Assert.InRange(difference, 0, 0.05);
        }
    }
}
