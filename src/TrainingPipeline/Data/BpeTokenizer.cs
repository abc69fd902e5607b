using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace TrainingPipeline.Data;

/// <summary>
/// A byte-level BPE tokenizer trained by <see cref="BpeTrainer"/>, stored as a tiktoken rank file
/// (<c>base64(bytes) rank</c> per line) and encoded/decoded by Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/>.
/// Ids 0..N-1 are the ranks; <see cref="EndOfDocument"/> = N is ours alone (never produced by encoding text).
/// </summary>
public sealed class BpeTokenizer : ITextTokenizer
{
    /// <summary>
    /// GPT-2 style pre-tokenization, except digits are split one by one (arithmetic is easier when every number is
    /// spelled digit by digit). The alternatives cover every character, so no text is dropped.
    /// </summary>
    public const string PreTokenizerPattern = @"'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly TiktokenTokenizer _tiktoken;

    private BpeTokenizer(string ranksText)
    {
        RanksText = ranksText;
        var rankCount = ranksText.Count(c => c == '\n');
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(ranksText));
        var preTokenizer = new RegexPreTokenizer(new Regex(PreTokenizerPattern, RegexOptions.Compiled), null);
        _tiktoken = TiktokenTokenizer.Create(stream, preTokenizer, normalizer: null);
        EndOfDocument = rankCount;
        VocabSize = rankCount + 1;
        Name = $"bpe{VocabSize}-{StableHash.Sha256Hex(ranksText)[..8]}";
    }

    public string Name { get; }
    public int VocabSize { get; }
    public int EndOfDocument { get; }

    /// <summary>The tiktoken rank file contents.</summary>
    public string RanksText { get; }

    /// <summary>Bytes of each rank's token, in rank order (<see cref="EndOfDocument"/> not included).</summary>
    public IReadOnlyList<int> TokenByteLengths =>
        [.. RanksText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => Convert.FromBase64String(line[..line.IndexOf(' ')]).Length)];

    public static BpeTokenizer FromRanks(IReadOnlyList<byte[]> tokens)
    {
        var text = new StringBuilder();
        for (var rank = 0; rank < tokens.Count; rank++) text.Append(Convert.ToBase64String(tokens[rank])).Append(' ').Append(rank).Append('\n');
        return new BpeTokenizer(text.ToString());
    }

    public static BpeTokenizer Train(IEnumerable<string> texts, int vocabSize) => FromRanks(BpeTrainer.Train(texts, vocabSize));

    public static BpeTokenizer Load(string ranksPath) => new(File.ReadAllText(ranksPath).Replace("\r\n", "\n"));

    /// <summary>Writes the rank file atomically (temp file, then rename).</summary>
    public void Save(string ranksPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ranksPath))!);
        var temporary = ranksPath + $".tmp-{Guid.NewGuid():N}";
        File.WriteAllText(temporary, RanksText);
        File.Move(temporary, ranksPath, overwrite: true);
    }

    public int[] Encode(string text) => [.. _tiktoken.EncodeToIds(text)];

    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder();
        var start = 0;
        for (var i = 0; i <= ids.Length; i++)
        {
            if (i < ids.Length && ids[i] != EndOfDocument) continue;
            if (i > start) text.Append(_tiktoken.Decode(ids[start..i].ToArray()));
            if (i < ids.Length) text.Append(TokenizerText.EndOfDocumentMarker);
            start = i + 1;
        }
        return text.ToString();
    }
}
