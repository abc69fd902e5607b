using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Model;

/// <summary>
/// A GPT-style decoder: token embedding (+ learned or rotary positions) → pre-norm blocks of causal self-attention
/// and a GELU MLP → final norm → logits through the tied token embedding. Read top to bottom, like nanoGPT's model.py.
/// Parameters are always float32; <see cref="Precision"/> says which products run in bfloat16 (<see cref="MixedPrecision"/>).
/// </summary>
public sealed class Gpt : Module<Tensor, Tensor>
{
    public ModelConfig Config { get; }

    /// <summary>The precision of the forward and backward passes; the parameters stay float32 either way.</summary>
    public Precision Precision => precision.Precision;

    private readonly MixedPrecision precision;
    private readonly WeightCasts casts = new();

    private readonly Embedding wte;
    private readonly Embedding? wpe;
    private readonly ModuleList<Block> h;
    private readonly Module<Tensor, Tensor> ln_f;

    public Gpt(ModelConfig config, Precision precision = Precision.Fp32) : base(nameof(Gpt))
    {
        Config = config;
        this.precision = MixedPrecision.For(precision);
        wte = Embedding(config.VocabSize, config.DModel);
        wpe = config.Positions == PositionKind.Learned ? Embedding(config.ContextLength, config.DModel) : null;
        h = new ModuleList<Block>(Enumerable.Range(0, config.NLayer).Select(i => new Block(config, this.precision, casts, $"h.{i}")).ToArray());
        ln_f = Norms.Create(config);
        RegisterComponents();
        InitializeLikeGpt2();
    }

    /// <summary>Logits [batch, time, vocab] for token ids [batch, time].</summary>
    public override Tensor forward(Tensor idx) => Forward(idx, cache: null);

    /// <summary>
    /// Logits for <paramref name="idx"/>, continuing the sequence held in <paramref name="cache"/> (if any): its keys
    /// and values are reused and the new ones written after them, so each new token costs one position, not the whole
    /// prefix. A cache whose rows are left-padded (<see cref="KvCache.Padding"/>) takes one new token per row.
    /// </summary>
    public Tensor Forward(Tensor idx, KvCache? cache) => Forward(idx, cache, padding: null);

    /// <summary>
    /// As <see cref="Forward(Tensor, KvCache?)"/>; <paramref name="padding"/> [batch] gives the left-padding columns of
    /// each row of an uncached batch of prompts of different lengths (a row's positions start after its padding, and
    /// its padding is masked out of attention, so each row computes what it would alone).
    /// </summary>
    public Tensor Forward(Tensor idx, KvCache? cache, Tensor? padding)
    {
        long b = idx.shape[0], t = idx.shape[1];
        int offset = cache?.Length ?? 0;
        var pad = cache?.Padding ?? padding;
        if (pad is null && offset + t > Config.ContextLength)
            throw new ArgumentException($"sequence of {offset + t} tokens exceeds the context length {Config.ContextLength}");
        if (cache is not null && offset + t > cache.Capacity)
            throw new ArgumentException($"{offset + t} tokens exceed the cache's {cache.Capacity} columns");
        if (cache is not null && t > 1 && offset > 0)
            throw new ArgumentException("a multi-token forward continues only an empty cache (prefill)");
        if (cache?.Padding is not null && t > 1)
            throw new ArgumentException("a left-padded cache takes one new token per row");
        // A padded row's first column is padding: a query there would attend to nothing (softmax of all −∞, NaN) and
        // poison the cache. Padded caches are filled by a prefill copy first (Sampler.Prefill).
        if (cache?.Padding is not null && offset == 0)
            throw new ArgumentException("a left-padded cache must be prefilled before it takes new tokens");

        using var scope = NewDisposeScope();
        var layout = pad is null ? new AttentionLayout(offset, null, null) : PaddedLayout(b, t, offset, pad, cache);
        var x = wte.forward(idx);
        if (wpe is not null)
            x = x + wpe.forward(layout.Positions ?? arange(offset, offset + t, dtype: ScalarType.Int64, device: idx.device));
        for (int i = 0; i < h.Count; i++) x = h[i].Forward(x, cache?.Layers[i], layout);
        if (cache is not null) cache.Length = offset + (int)t;
        x = ln_f.forward(x);
        return MixedPrecision.Logits(x, wte.weight!).MoveToOuterDisposeScope(); // tied output head, float32
    }

    /// <summary>
    /// Positions [b, t] and the attention mask of left-padded rows. Positions are clamped to the context: a row that
    /// has reached its own limit may still ride along in the batch, and its (discarded) tokens must not index past
    /// the position table.
    /// </summary>
    private AttentionLayout PaddedLayout(long b, long t, int offset, Tensor pad, KvCache? cache)
    {
        var columns = arange(offset, offset + t, dtype: ScalarType.Int64, device: pad.device).view(1, t);
        var positions = (columns - pad.view(b, 1)).clamp(0, Config.ContextLength - 1);
        if (cache is not null) return new AttentionLayout(offset, positions, cache.KeyMask!.narrow(3, 0, offset + t));
        // Uncached: causal, and a row's padding is hidden from its real tokens. A padding query sees itself only, so
        // that its softmax has one finite score (its output is never used).
        var query = arange(t, dtype: ScalarType.Int64, device: pad.device).view(1, t, 1);
        var key = arange(t, dtype: ScalarType.Int64, device: pad.device).view(1, 1, t);
        var allowed = key.le(query).logical_and(key.ge(pad.view(b, 1, 1)).logical_or(key.eq(query)));
        return new AttentionLayout(offset, positions, allowed.view(b, 1, t, t));
    }

    /// <summary>
    /// Until disposed, bf16 matrix products reuse one bfloat16 copy of each weight instead of casting it at every call
    /// (every token of a generation). For inference only: the weights must not change meanwhile. A no-op in fp32.
    /// </summary>
    public IDisposable CastWeightsOnce() => precision.ComputeType is null ? WeightCasts.None : casts.Begin();

    /// <summary>Weights cast and held by <see cref="CastWeightsOnce"/> right now.</summary>
    internal int HeldWeightCasts => casts.Count;

    /// <summary>GPT-2 initialisation: N(0, 0.02), residual projections scaled by 1/√(2·n_layer), zero biases.</summary>
    private void InitializeLikeGpt2()
    {
        using var noGrad = no_grad();
        double residualStd = 0.02 / Math.Sqrt(2.0 * Config.NLayer);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) init.normal_(p, 0, residualStd);
            else if (name.StartsWith("ln", StringComparison.Ordinal) || name.Contains(".ln", StringComparison.Ordinal))
            {
                if (name.EndsWith("weight", StringComparison.Ordinal)) init.ones_(p); else init.zeros_(p);
            }
            else init.normal_(p, 0, 0.02);
        }
    }

    /// <summary>Parameters split for AdamW: matrices decay, embeddings' vectors and norms do not (as nanoGPT).</summary>
    public (IReadOnlyList<Parameter> Decay, IReadOnlyList<Parameter> NoDecay) WeightDecayGroups()
    {
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var p in parameters()) (p.dim() >= 2 ? decay : noDecay).Add(p);
        return (decay, noDecay);
    }
}

/// <summary>One transformer block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
internal sealed class Block : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> ln_1;
    private readonly CausalSelfAttention attn;
    private readonly Module<Tensor, Tensor> ln_2;
    private readonly Mlp mlp;

    public Block(ModelConfig config, MixedPrecision precision, WeightCasts casts, string name) : base(name)
    {
        ln_1 = Norms.Create(config);
        attn = new CausalSelfAttention(config, precision, casts);
        ln_2 = Norms.Create(config);
        mlp = new Mlp(config, precision, casts);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, null, AttentionLayout.Plain);

    public Tensor Forward(Tensor x, KvCache.Layer? cache, AttentionLayout layout)
    {
        x = MixedPrecision.Residual(x, attn.Forward(ln_1.forward(x), cache, layout));
        return MixedPrecision.Residual(x, mlp.forward(ln_2.forward(x)));
    }
}

/// <summary>Multi-head causal self-attention with optional rotary positions and a key/value cache.</summary>
internal sealed class CausalSelfAttention : Module<Tensor, Tensor>
{
    private readonly Linear c_attn;
    private readonly Linear c_proj;
    private readonly ModelConfig config;
    private readonly MixedPrecision precision;
    private readonly WeightCasts casts;
    private readonly Rotary? rotary;

    public CausalSelfAttention(ModelConfig config, MixedPrecision precision, WeightCasts casts) : base(nameof(CausalSelfAttention))
    {
        this.config = config;
        this.precision = precision;
        this.casts = casts;
        c_attn = Linear(config.DModel, 3 * config.DModel, hasBias: false);
        c_proj = Linear(config.DModel, config.DModel, hasBias: false);
        rotary = config.Positions == PositionKind.Rotary ? new Rotary(config.HeadDim, config.ContextLength) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, null, AttentionLayout.Plain);

    public Tensor Forward(Tensor x, KvCache.Layer? cache, AttentionLayout layout)
    {
        long b = x.shape[0], t = x.shape[1];
        var (q, k, v) = SplitHeads(precision.Linear(x, c_attn, casts), b, t); // each [b, heads, t, hd]
        if (rotary is not null)
        {
            q = rotary.Apply(q, layout);
            k = rotary.Apply(k, layout);
        }
        (q, k, v) = (precision.Compute(q), precision.Compute(k), precision.Compute(v)); // rotary tables are float32
        if (cache is not null) (k, v) = cache.Write(k, v, layout.Offset);

        // Without a mask: a multi-token forward starts at position 0 (training, or a prefill into an empty cache), where
        // the ordinary causal mask is right; a single new query attends to every cached key. Left-padded rows carry a
        // mask that also hides their padding.
        bool causal = layout.Mask is null && t > 1;
        var y = config.Attention == AttentionKernel.Sdpa
            ? F.scaled_dot_product_attention(q, k, v, attn_mask: layout.Mask, is_casual: causal)
            : ManualAttention(q, k, v, causal, layout.Mask);
        // One query per row (decoding): [b, heads, 1, hd] already lies in [b, 1, d] order, so a view is enough.
        y = t == 1 ? y.reshape(b, 1, config.DModel) : y.transpose(1, 2).contiguous().view(b, t, config.DModel);
        return precision.Linear(y, c_proj, casts);
    }

    /// <summary>
    /// Queries, keys and values [b, heads, t, hd] from the fused projection [b, t, 3d]. Decoding (t = 1) takes two
    /// operations instead of seven: a decode step is ~100 small operations, each costing microseconds of overhead.
    /// </summary>
    private (Tensor Q, Tensor K, Tensor V) SplitHeads(Tensor qkv, long b, long t)
    {
        if (t == 1)
        {
            var parts = qkv.view(b, 3, config.NHead, 1, config.HeadDim).unbind(1);
            return (parts[0], parts[1], parts[2]);
        }
        var split = qkv.split(config.DModel, dim: 2);
        Tensor Heads(Tensor z) => z.view(b, t, config.NHead, config.HeadDim).transpose(1, 2);
        return (Heads(split[0]), Heads(split[1]), Heads(split[2]));
    }

    private Tensor ManualAttention(Tensor q, Tensor k, Tensor v, bool causal, Tensor? allowed)
    {
        var att = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(config.HeadDim));
        if (allowed is not null) att = att.masked_fill(allowed.logical_not(), float.NegativeInfinity);
        if (causal)
        {
            long t = q.shape[2];
            var mask = ones(t, t, dtype: ScalarType.Bool, device: q.device).triu(1);
            att = att.masked_fill(mask, float.NegativeInfinity);
        }
        return precision.Softmax(att, -1).matmul(v);
    }
}

/// <summary>The position-wise feed-forward network: d → 4d → GELU → d.</summary>
internal sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear c_fc;
    private readonly Linear c_proj;
    private readonly MixedPrecision precision;
    private readonly WeightCasts casts;

    public Mlp(ModelConfig config, MixedPrecision precision, WeightCasts casts) : base(nameof(Mlp))
    {
        this.precision = precision;
        this.casts = casts;
        c_fc = Linear(config.DModel, 4 * config.DModel, hasBias: false);
        c_proj = Linear(4 * config.DModel, config.DModel, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => precision.Linear(F.gelu(precision.Linear(x, c_fc, casts)), c_proj, casts);
}

/// <summary>Rotary position embedding (Su et al. 2021) in the half-split layout, as in GPT-NeoX and Llama.</summary>
internal sealed class Rotary : Module
{
    private readonly Tensor cos;
    private readonly Tensor sin;

    public Rotary(int headDim, int contextLength) : base(nameof(Rotary))
    {
        var inverseFrequency = 1.0 / pow(10000.0, arange(0, headDim, 2, dtype: ScalarType.Float32) / headDim);
        var angles = outer(arange(contextLength, dtype: ScalarType.Float32), inverseFrequency); // [T, hd/2]
        cos = angles.cos();
        sin = angles.sin();
        register_buffer("cos", cos, persistent: false);
        register_buffer("sin", sin, persistent: false);
    }

    /// <summary>Rotates x [b, heads, t, hd] by the angles of its positions (per row when rows are left-padded).</summary>
    public Tensor Apply(Tensor x, AttentionLayout layout)
    {
        long b = x.shape[0], t = x.shape[2], half = x.shape[3] / 2;
        Tensor c, s;
        if (layout.Positions is { } positions)
        {
            var flat = positions.reshape(-1);
            c = cos.index_select(0, flat).view(b, 1, t, half);
            s = sin.index_select(0, flat).view(b, 1, t, half);
        }
        else
        {
            c = cos.narrow(0, layout.Offset, t);
            s = sin.narrow(0, layout.Offset, t);
        }
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        return cat(new[] { x1 * c - x2 * s, x1 * s + x2 * c }, -1);
    }
}

/// <summary>
/// Where a forward's tokens sit: the cache column of the first (<paramref name="Offset"/>), and for left-padded rows
/// their positions [b, t] and the keys each query may attend to (<paramref name="Mask"/>, [b, 1, t, keys], true =
/// attend). Without padding both are null: positions are Offset.. and attention is causal.
/// </summary>
internal sealed record AttentionLayout(int Offset, Tensor? Positions, Tensor? Mask)
{
    public static readonly AttentionLayout Plain = new(0, null, null);
}

/// <summary>Root-mean-square normalisation (Zhang and Sennrich 2019): no mean subtraction, no bias.</summary>
internal sealed class RmsNorm : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private const double Eps = 1e-5;

    public RmsNorm(int size) : base(nameof(RmsNorm))
    {
        weight = Parameter(ones(size));
        register_parameter("weight", weight);
    }

    public override Tensor forward(Tensor x) => x * (x.pow(2).mean(new long[] { -1 }, keepdim: true) + Eps).rsqrt() * weight;
}

internal static class Norms
{
    public static Module<Tensor, Tensor> Create(ModelConfig config) => config.Norm == NormKind.LayerNorm
        ? LayerNorm(config.DModel)
        : new RmsNorm(config.DModel);
}
