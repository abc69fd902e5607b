namespace TrainingPipeline.Data;

/// <summary>
/// Text to token ids and back. <see cref="Encode"/> never emits <see cref="EndOfDocument"/> (the corpus builder adds
/// it between documents), so <c>Decode(Encode(x)) == x</c> for every string <c>x</c> that is valid UTF-16.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Short, file-name-safe name that identifies the vocabulary, e.g. <c>byte</c> or <c>bpe1024-3fa2c1d0</c>.</summary>
    string Name { get; }

    int VocabSize { get; }

    int EndOfDocument { get; }

    int[] Encode(string text);

    /// <summary>Decodes ids; <see cref="EndOfDocument"/> is rendered as <see cref="TokenizerText.EndOfDocumentMarker"/>.</summary>
    string Decode(ReadOnlySpan<int> ids);
}

public static class TokenizerText
{
    /// <summary>How decoded text shows a document boundary (for samples and debugging only).</summary>
    public const string EndOfDocumentMarker = "<eod>";
}
