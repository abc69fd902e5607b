using System.Text;
using System.Text.RegularExpressions;

namespace TrainingPipeline.Data;

/// <summary>
/// A small byte-level BPE trainer (Microsoft.ML.Tokenizers 2.x encodes but does not train). Text is split into
/// pre-tokens with <see cref="BpeTokenizer.PreTokenizerPattern"/>, each pre-token starts as its UTF-8 bytes, and the
/// most frequent adjacent pair is merged repeatedly (ties broken by the smaller pair of ids, so training is
/// deterministic). The result is a tiktoken rank table: bytes 0..255 at ranks 0..255, then merges in order, which
/// <see cref="Microsoft.ML.Tokenizers.TiktokenTokenizer"/> encodes with identical semantics.
/// </summary>
public static class BpeTrainer
{
    /// <summary>Merged tokens must occur at least this often; below it, merging only memorizes.</summary>
    public const int MinPairCount = 2;

    /// <summary>
    /// Learns up to <c>vocabSize - 257</c> merges (256 bytes and the end-of-document token take the rest) and returns
    /// each token's bytes in rank order. Stops early when no pair occurs <see cref="MinPairCount"/> times.
    /// </summary>
    public static IReadOnlyList<byte[]> Train(IEnumerable<string> texts, int vocabSize)
    {
        if (vocabSize < 258 || vocabSize > 65536)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), "must be 258..65536 (256 bytes + end-of-document + merges)");
        var (words, counts) = CountPreTokens(texts);
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        var known = tokens.Select((t, i) => (Key: Convert.ToBase64String(t), Id: i)).ToDictionary(p => p.Key, p => p.Id);

        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        var queue = new PriorityQueue<long, (long NegativeCount, long Pair)>();
        for (var w = 0; w < words.Count; w++) AddPairs(w);
        foreach (var (pair, count) in pairCounts) queue.Enqueue(pair, (-count, pair));

        while (tokens.Count < vocabSize - 1 && queue.TryDequeue(out var best, out var priority))
        {
            if (!pairCounts.TryGetValue(best, out var current) || current != -priority.NegativeCount) continue;   // stale entry
            if (current < MinPairCount) break;
            var (left, right) = ((int)(best >> 32), (int)best);
            var merged = tokens[left].Concat(tokens[right]).ToArray();
            // Two merge paths can spell the same bytes; tiktoken needs unique byte strings, so reuse the first id.
            if (!known.TryGetValue(Convert.ToBase64String(merged), out var id))
            {
                id = tokens.Count;
                tokens.Add(merged);
                known[Convert.ToBase64String(merged)] = id;
            }
            var touched = new HashSet<long>();
            foreach (var w in pairWords[best].ToList())
            {
                RemovePairs(w, touched);
                words[w] = Merge(words[w], left, right, id);
                AddPairs(w, touched);
            }
            foreach (var pair in touched)
                if (pairCounts.TryGetValue(pair, out var count) && count > 0) queue.Enqueue(pair, (-count, pair));
        }
        return tokens;

        void AddPairs(int w, HashSet<long>? touched = null)
        {
            var symbols = words[w];
            for (var i = 0; i + 1 < symbols.Length; i++)
            {
                var pair = Pair(symbols[i], symbols[i + 1]);
                pairCounts[pair] = pairCounts.GetValueOrDefault(pair) + counts[w];
                if (!pairWords.TryGetValue(pair, out var set)) pairWords[pair] = set = [];
                set.Add(w);
                touched?.Add(pair);
            }
        }

        void RemovePairs(int w, HashSet<long> touched)
        {
            var symbols = words[w];
            for (var i = 0; i + 1 < symbols.Length; i++)
            {
                var pair = Pair(symbols[i], symbols[i + 1]);
                pairCounts[pair] -= counts[w];
                pairWords[pair].Remove(w);
                touched.Add(pair);
            }
        }
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;

    private static int[] Merge(int[] symbols, int left, int right, int id)
    {
        var result = new List<int>(symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            if (i + 1 < symbols.Length && symbols[i] == left && symbols[i + 1] == right)
            {
                result.Add(id);
                i++;
            }
            else result.Add(symbols[i]);
        }
        return [.. result];
    }

    private static (List<int[]> Words, List<long> Counts) CountPreTokens(IEnumerable<string> texts)
    {
        var frequency = new Dictionary<string, long>(StringComparer.Ordinal);
        var regex = new Regex(BpeTokenizer.PreTokenizerPattern, RegexOptions.Compiled);
        foreach (var text in texts)
            foreach (var match in regex.EnumerateMatches(text))
            {
                var word = text.Substring(match.Index, match.Length);
                frequency[word] = frequency.GetValueOrDefault(word) + 1;
            }
        // Ordinal order makes the word indices, and so the training, independent of dictionary iteration order.
        var ordered = frequency.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        return ([.. ordered.Select(p => Encoding.UTF8.GetBytes(p.Key).Select(b => (int)b).ToArray())], [.. ordered.Select(p => p.Value)]);
    }
}
