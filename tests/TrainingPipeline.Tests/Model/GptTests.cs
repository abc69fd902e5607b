using TrainingPipeline.Model;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Model;

public class GptTests
{
    private static ModelConfig Tiny(NormKind norm = NormKind.LayerNorm, PositionKind positions = PositionKind.Learned,
        AttentionKernel attention = AttentionKernel.Sdpa) =>
        new(NLayer: 2, NHead: 2, DModel: 16, ContextLength: 32, VocabSize: 50, norm, positions, attention);

    [Theory]
    [InlineData(NormKind.LayerNorm, PositionKind.Learned)]
    [InlineData(NormKind.RmsNorm, PositionKind.Learned)]
    [InlineData(NormKind.LayerNorm, PositionKind.Rotary)]
    [InlineData(NormKind.RmsNorm, PositionKind.Rotary)]
    public void ParameterCountFormulaMatchesTheModel(NormKind norm, PositionKind positions)
    {
        var config = Tiny(norm, positions);
        using var model = new Gpt(config);
        long counted = model.parameters().Sum(p => p.numel());
        Assert.Equal(config.ParamsTotal, counted);
    }

    [Fact]
    public void PresetsSpanFiftyThousandToAHundredMillionParameters()
    {
        var sizes = ModelPresets.Names.Select(n => { ModelPresets.TryGet(n, 257, out var c); return c.ParamsTotal; }).ToList();
        Assert.InRange(sizes.Min(), 40_000, 60_000);
        Assert.InRange(sizes.Max(), 80_000_000, 110_000_000);
    }

    [Fact]
    public void PreTrainingFlopsAreExactlySixTimesTheEffectiveNPerToken()
    {
        ModelPresets.TryGet("micro-200k", 257, out var micro);
        // By hand: 148,352 non-embedding + 257·64 head + 3·128·64 attention = 189,376.
        Assert.Equal(189_376, micro.EffectiveParams, 9);
        Assert.Equal(6 * micro.EffectiveParams, micro.TrainingFlopsPerToken, 6);
        Assert.Equal(1.28, micro.EffectiveParams / micro.ParamsNonEmbedding, 2);
    }

    [Fact]
    public void TrainingFlopsAreThreeTimesForwardAndDominatedBySixN()
    {
        ModelPresets.TryGet("small-11m", 257, out var c);
        Assert.Equal(3 * c.ForwardFlopsPerToken, c.TrainingFlopsPerToken);
        // For an 11M model at context 256 the attention and head terms are small: within 15% of 6N.
        Assert.InRange(c.TrainingFlopsPerToken / (6.0 * c.ParamsNonEmbedding), 1.0, 1.15);
    }

    [Theory]
    [InlineData(AttentionKernel.Sdpa, PositionKind.Learned)]
    [InlineData(AttentionKernel.Manual, PositionKind.Learned)]
    [InlineData(AttentionKernel.Sdpa, PositionKind.Rotary)]
    public void OutputIsCausalAndBothAttentionKernelsAgree(AttentionKernel kernel, PositionKind positions)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new Gpt(Tiny(positions: positions, attention: kernel));
        using var reference = new Gpt(Tiny(positions: positions, attention: AttentionKernel.Manual));
        reference.load_state_dict(model.state_dict());
        var a = tensor(new long[] { 1, 2, 3, 4, 5, 6 }).view(1, 6);
        var b = tensor(new long[] { 1, 2, 3, 9, 9, 9 }).view(1, 6);
        var la = model.forward(a);
        var lb = model.forward(b);
        // Changing tokens 4..6 must not change the logits at positions 1..3.
        Assert.True(allclose(la.narrow(1, 0, 3), lb.narrow(1, 0, 3), rtol: 1e-5, atol: 1e-6));
        Assert.False(allclose(la.narrow(1, 3, 3), lb.narrow(1, 3, 3)));
        Assert.True(allclose(la, reference.forward(a), rtol: 1e-4, atol: 1e-5));
    }

    [Theory]
    [InlineData(PositionKind.Learned)]
    [InlineData(PositionKind.Rotary)]
    public void CachedAndUncachedGreedyGenerationGiveIdenticalTokens(PositionKind positions)
    {
        manual_seed(7);
        using var model = new Gpt(Tiny(positions: positions));
        var prompts = new[] { new[] { 1, 2, 3, 4 }, new[] { 5, 6, 7, 8 }, new[] { 9, 9, 9, 9 } };
        var cached = Sampler.Generate(model, prompts, new SamplingOptions(20, Temperature: 0, UseKvCache: true), null);
        var uncached = Sampler.Generate(model, prompts, new SamplingOptions(20, Temperature: 0, UseKvCache: false), null);
        Assert.Equal(cached.Tokens, uncached.Tokens);
        Assert.All(cached.Tokens, t => Assert.Equal(20, t.Length));
    }

    [Fact]
    public void GenerationStopsPerSequenceAtItsStopSequence()
    {
        manual_seed(3);
        using var model = new Gpt(Tiny());
        var prompts = new[] { new[] { 1, 2 }, new[] { 3, 4 } };
        var free = Sampler.Generate(model, prompts, new SamplingOptions(12, Temperature: 0), null);
        // Use the third greedy token of the first sequence as a stop token: it must stop there, keeping the stop.
        int stop = free.Tokens[0][2];
        var stopped = Sampler.Generate(model, prompts,
            new SamplingOptions(12, Temperature: 0, StopSequences: new[] { new[] { stop } }), null);
        int firstStop = Array.IndexOf(free.Tokens[0], stop);
        Assert.Equal(free.Tokens[0].Take(firstStop + 1), stopped.Tokens[0]);
        Assert.False(stopped.Truncated[0]);
        int secondStop = Array.IndexOf(free.Tokens[1], stop);
        Assert.Equal(secondStop < 0 ? free.Tokens[1] : free.Tokens[1].Take(secondStop + 1), stopped.Tokens[1]);
    }

    [Fact]
    public void TopKOneIsGreedyAndSeededSamplingIsReproducible()
    {
        manual_seed(5);
        using var model = new Gpt(Tiny());
        var prompts = new[] { new[] { 1, 2, 3 }, new[] { 1, 2, 3 } };
        var greedy = Sampler.Generate(model, prompts, new SamplingOptions(10, Temperature: 0), null);
        using var g1 = new Generator(42);
        var topOne = Sampler.Generate(model, prompts, new SamplingOptions(10, Temperature: 1, TopK: 1), g1);
        Assert.Equal(greedy.Tokens, topOne.Tokens);
        using var g2 = new Generator(9);
        using var g3 = new Generator(9);
        var s1 = Sampler.Generate(model, prompts, new SamplingOptions(10, Temperature: 1.5, TopP: 0.9), g2);
        var s2 = Sampler.Generate(model, prompts, new SamplingOptions(10, Temperature: 1.5, TopP: 0.9), g3);
        Assert.Equal(s1.Tokens, s2.Tokens);
    }
}
