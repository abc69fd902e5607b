using System.Text;

namespace TrainingPipeline.Data;

/// <summary>
/// The default tokenizer: one token per UTF-8 byte (ids 0..255) plus <c>&lt;eod&gt;</c> = 256. No training, no
/// unknown tokens, and the same ids on every corpus, which makes runs on different corpora comparable.
/// </summary>
public sealed class ByteTokenizer : ITextTokenizer
{
    public const int EndOfDocumentId = 256;

    public static ByteTokenizer Instance { get; } = new();

    public string Name => "byte";
    public int VocabSize => 257;
    public int EndOfDocument => EndOfDocumentId;

    public int[] Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) ids[i] = bytes[i];
        return ids;
    }

    /// <summary>Encodes straight into a token buffer, avoiding the int[] of <see cref="Encode"/> in corpus building.</summary>
    internal void EncodeInto(string text, TokenBuffer buffer)
    {
        var byteCount = Encoding.UTF8.GetByteCount(text);
        var span = buffer.Reserve(byteCount);
        Span<byte> bytes = byteCount <= 4096 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(text, bytes);
        for (var i = 0; i < bytes.Length; i++) span[i] = bytes[i];
    }

    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder(ids.Length);
        var bytes = new List<byte>(ids.Length);
        foreach (var id in ids)
        {
            if (id == EndOfDocumentId)
            {
                Flush();
                text.Append(TokenizerText.EndOfDocumentMarker);
            }
            else if ((uint)id < 256) bytes.Add((byte)id);
            else throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside the byte vocabulary (0..256)");
        }
        Flush();
        return text.ToString();

        void Flush()
        {
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
    }
}
