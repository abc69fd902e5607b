using TrainingPipeline.Model;

namespace TrainingPipeline.Bench;

/// <summary>A benchmarked model shape and its batch size. Must match bench/reference/gpt_bench.py.</summary>
public sealed record BenchShape(string Name, int Layers, int Heads, int Width, int Context, int Batch)
{
    public const int VocabSize = 256;

    public static readonly BenchShape S = new("S", Layers: 4, Heads: 4, Width: 128, Context: 128, Batch: 32);
    public static readonly BenchShape M = new("M", Layers: 6, Heads: 6, Width: 384, Context: 256, Batch: 8);

    public int TokensPerStep => Batch * Context;

    public ModelConfig Model(AttentionKernel attention) =>
        new(Layers, Heads, Width, Context, VocabSize, NormKind.LayerNorm, PositionKind.Learned, attention);
}
