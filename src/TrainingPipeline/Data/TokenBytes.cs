namespace TrainingPipeline.Data;

/// <summary>
/// How many bytes of text each token id stands for, so a loss can be reported per byte (comparable across tokenizers).
/// <c>&lt;eod&gt;</c> counts as one byte: it stands for a document boundary, as a separator byte would, and so the
/// byte tokenizer's bits per byte is exactly its nats per token / ln 2.
/// </summary>
public static class TokenBytes
{
    public static int[] Lengths(ITextTokenizer tokenizer)
    {
        var lengths = tokenizer switch
        {
            ByteTokenizer => Enumerable.Repeat(1, tokenizer.VocabSize).ToArray(),
            BpeTokenizer bpe => [.. bpe.TokenByteLengths, 1],
            _ => throw new ArgumentException($"no byte lengths for tokenizer {tokenizer.Name}", nameof(tokenizer)),
        };
        lengths[tokenizer.EndOfDocument] = 1;
        return lengths;
    }
}
