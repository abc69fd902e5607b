using TrainingPipeline.Results;

namespace TrainingPipeline.Data;

/// <summary>
/// Draws training batches as random windows of <c>contextLength + 1</c> tokens from a materialized corpus (windows
/// cross document boundaries; the end-of-document token marks them). Window starts are a pure function of
/// (seed, batch index, row), so setting <see cref="Position"/> resumes the exact stream in O(1), and
/// <see cref="Next"/> allocates nothing.
/// </summary>
public sealed class BatchLoader : IBatchSource
{
    private readonly ushort[] _tokens;
    private readonly long _seed;
    private readonly ulong _windowCount;

    public BatchLoader(TokenCorpus corpus, int batchSize, int contextLength, long seed)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "must be positive");
        if (contextLength <= 0) throw new ArgumentOutOfRangeException(nameof(contextLength), "must be positive");
        if (corpus.TokenCount < contextLength + 1L)
            throw new BadInputException(corpus.Directory, "TokenCount",
                $"the corpus has {corpus.TokenCount} tokens, fewer than one window of {contextLength + 1}",
                "raise the corpus token budget or shorten the context");
        _tokens = corpus.TokenArray;
        _seed = seed;
        _windowCount = (ulong)(corpus.TokenCount - contextLength);
        BatchSize = batchSize;
        ContextLength = contextLength;
    }

    public int BatchSize { get; }
    public int ContextLength { get; }

    /// <summary>Batches drawn so far; setting it makes the next <see cref="Next"/> return batch number <c>value</c>.</summary>
    public long Position { get; set; }

    /// <summary>Fills <c>[batchSize * contextLength]</c> inputs and targets (targets are inputs shifted by one token).</summary>
    public void Next(Span<long> inputs, Span<long> targets)
    {
        var size = BatchSize * ContextLength;
        if (inputs.Length != size || targets.Length != size)
            throw new ArgumentException($"inputs and targets must each hold batchSize*contextLength = {size} values");
        for (var row = 0; row < BatchSize; row++)
        {
            var window = _tokens.AsSpan((int)WindowStart(Position, row), ContextLength + 1);
            var input = inputs.Slice(row * ContextLength, ContextLength);
            var target = targets.Slice(row * ContextLength, ContextLength);
            for (var i = 0; i < ContextLength; i++)
            {
                input[i] = window[i];
                target[i] = window[i + 1];
            }
        }
        Position++;
    }

    /// <summary>Where row <paramref name="row"/> of batch <paramref name="batch"/> starts: a hash, so no state to replay.</summary>
    internal long WindowStart(long batch, int row) =>
        (long)(SplitMix64.Mix((ulong)SplitMix64.Combine(_seed, batch * BatchSize + row)) % _windowCount);
}
