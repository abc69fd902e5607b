using System.Text.Json.Serialization;

namespace TrainingPipeline.Model;

[JsonConverter(typeof(JsonStringEnumConverter<NormKind>))]
public enum NormKind { LayerNorm, RmsNorm }

[JsonConverter(typeof(JsonStringEnumConverter<PositionKind>))]
public enum PositionKind { Learned, Rotary }

/// <summary>
/// Which attention kernel runs. <c>Sdpa</c> is libtorch's fused scaled_dot_product_attention; <c>Manual</c> is a plain
/// masked softmax, which measured faster for CPU training at longer contexts (docs/performance.md).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttentionKernel>))]
public enum AttentionKernel { Sdpa, Manual }

/// <summary>The shape of a GPT decoder. Everything the model needs, nothing else.</summary>
public sealed record ModelConfig(
    int NLayer,
    int NHead,
    int DModel,
    int ContextLength,
    int VocabSize,
    NormKind Norm = NormKind.LayerNorm,
    PositionKind Positions = PositionKind.Learned,
    AttentionKernel Attention = AttentionKernel.Sdpa)
{
    public int HeadDim => DModel / NHead;

    /// <summary>Trainable parameters, with the tied input/output embedding counted once.</summary>
    public long ParamsTotal => ParamsNonEmbedding + EmbeddingParams;

    /// <summary>Token and learned position embeddings (the tied output head is the token embedding).</summary>
    public long EmbeddingParams =>
        (long)VocabSize * DModel + (Positions == PositionKind.Learned ? (long)ContextLength * DModel : 0);

    /// <summary>Parameters of the transformer blocks and the final norm: 12·d² per layer plus norms.</summary>
    public long ParamsNonEmbedding
    {
        get
        {
            long d = DModel;
            long norm = Norm == NormKind.LayerNorm ? 2 * d : d; // LayerNorm has weight and bias
            return NLayer * (12 * d * d + 2 * norm) + norm;
        }
    }

    /// <summary>
    /// Forward FLOPs of one sequence of <paramref name="positions"/> input tokens (Kaplan et al. 2020, with n_ctx the
    /// sequence's own length): per token 2 per non-embedding parameter and 2 per output-head weight (the logits
    /// matmul), plus Kaplan's attention term 2·n_layer·n_ctx·d_model, which counts the QKᵀ logits only (the weighted
    /// sum of values would add as much again; Kaplan leaves it out, and so do we) and is not halved for the causal
    /// mask. Padding is never counted: callers pass the real length of each sequence (docs/results-schema.md).
    /// </summary>
    public double ForwardFlops(long positions) =>
        positions * (2.0 * ParamsNonEmbedding + 2.0 * VocabSize * DModel) + 2.0 * NLayer * (double)positions * positions * DModel;

    /// <summary>Forward FLOPs per token of a full-context sequence, as pre-training processes them.</summary>
    public double ForwardFlopsPerToken => ForwardFlops(ContextLength) / ContextLength;

    /// <summary>
    /// The N of the project's C = 6·N·D convention: C / (6·D) for pre-training at full context, i.e. the
    /// non-embedding parameters plus the output head plus n_layer·n_ctx·d_model for attention. The analysis fits
    /// L(N, D) with this N (computed there as C / 6D), so the compute-optimal allocation under C = 6ND is exact.
    /// </summary>
    public double EffectiveParams => ForwardFlopsPerToken / 2;

    /// <summary>Training FLOPs per token: forward plus a backward pass of twice its cost.</summary>
    public double TrainingFlopsPerToken => 3.0 * ForwardFlopsPerToken;

    public IEnumerable<string> Validate()
    {
        if (NLayer < 1) yield return "n_layer must be ≥ 1";
        if (NHead < 1) yield return "n_head must be ≥ 1";
        if (DModel < 1) yield return "d_model must be ≥ 1";
        else if (NHead >= 1 && DModel % NHead != 0) yield return $"d_model ({DModel}) must be divisible by n_head ({NHead})";
        else if (Positions == PositionKind.Rotary && HeadDim % 2 != 0) yield return "rotary positions need an even head dimension";
        if (ContextLength < 2) yield return "context_length must be ≥ 2";
        if (VocabSize < 2) yield return "vocab_size must be ≥ 2";
    }
}

/// <summary>Named shapes from about 50k to about 100M parameters (byte vocabulary).</summary>
public static class ModelPresets
{
    private static readonly Dictionary<string, (int Layers, int Heads, int Width, int Context)> Shapes = new()
    {
        ["nano-50k"] = (2, 2, 40, 64),
        ["micro-200k"] = (3, 4, 64, 128),
        ["tiny-800k"] = (4, 4, 128, 128),
        ["mini-3m"] = (6, 6, 192, 256),
        ["small-11m"] = (6, 6, 384, 256),
        ["base-25m"] = (8, 8, 512, 512),
        ["medium-85m"] = (12, 12, 768, 1024),
    };

    public static IReadOnlyCollection<string> Names => Shapes.Keys;

    public static bool TryGet(string name, int vocabSize, out ModelConfig config)
    {
        config = null!;
        if (!Shapes.TryGetValue(name, out var s)) return false;
        config = new ModelConfig(s.Layers, s.Heads, s.Width, s.Context, vocabSize);
        return true;
    }
}
