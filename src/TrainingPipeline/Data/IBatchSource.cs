namespace TrainingPipeline.Data;

/// <summary>A resumable stream of training batches (cached corpus or streamed generation).</summary>
public interface IBatchSource
{
    int BatchSize { get; }
    int ContextLength { get; }

    /// <summary>Batches drawn so far; setting it restores the exact stream from that batch on.</summary>
    long Position { get; set; }

    void Next(Span<long> inputs, Span<long> targets);
}
