using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Model;

/// <summary>How to pick tokens. Temperature 0 is greedy decoding.</summary>
public sealed record SamplingOptions(
    int MaxNewTokens,
    double Temperature = 1.0,
    int TopK = 0,
    double TopP = 1.0,
    bool UseKvCache = true,
    IReadOnlyList<int[]>? StopSequences = null);

/// <summary>Generated tokens per sequence, and whether each hit the token limit before a stop sequence.</summary>
public sealed record Generation(int[][] Tokens, bool[] Truncated);

/// <summary>
/// Batched autoregressive generation. All prompts in a batch share one length (RL samples a group of completions
/// of one prompt together). A sequence stops at its first stop sequence (which is kept) or at the token limit;
/// finished sequences are dropped from the batch so they cost nothing further.
/// </summary>
public static class Sampler
{
    /// <summary>
    /// <paramref name="samplesPerPrompt"/> completions of each prompt, prompt-major (row p·samples + j is sample j of
    /// prompt p). Prompts may differ in length; each row's limit is the smaller of the options' and its context room.
    /// </summary>
    public static Generation Generate(Gpt model, IReadOnlyList<int[]> prompts, SamplingOptions options, Generator? rng, int samplesPerPrompt)
    {
        var tokens = new List<int[]>();
        var truncated = new List<bool>();
        foreach (var prompt in prompts)
        {
            var one = Generate(model, Enumerable.Repeat(prompt, samplesPerPrompt).ToList(), options, rng);
            tokens.AddRange(one.Tokens);
            truncated.AddRange(one.Truncated);
        }
        return new Generation([.. tokens], [.. truncated]);
    }

    public static Generation Generate(Gpt model, IReadOnlyList<int[]> prompts, SamplingOptions options, Generator? rng)
    {
        int batch = prompts.Count;
        int promptLength = prompts[0].Length;
        if (prompts.Any(p => p.Length != promptLength)) throw new ArgumentException("prompts in one batch must have equal length");
        int maxNew = Math.Min(options.MaxNewTokens, model.Config.ContextLength - promptLength);
        if (maxNew <= 0) throw new ArgumentException($"prompt of {promptLength} tokens leaves no room in a context of {model.Config.ContextLength}");

        var device = model.parameters().First().device;
        var outputs = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var truncated = Enumerable.Repeat(true, batch).ToArray();
        var active = Enumerable.Range(0, batch).ToList(); // original index of each live row

        bool wasTraining = model.training;
        model.eval();
        using var noGrad = no_grad();
        using var cache = options.UseKvCache ? new KvCache(model.Config.NLayer) : null;
        using var outer = NewDisposeScope();
        var sequence = tensor(prompts.SelectMany(p => p.Select(t => (long)t)).ToArray(), device: device)
            .view(batch, promptLength);
        var logits = LastLogits(model, sequence, cache);

        for (int step = 0; step < maxNew && active.Count > 0; step++)
        {
            using var scope = NewDisposeScope();
            var next = Pick(logits, options, rng); // [live]
            long[] picked = next.data<long>().ToArray();
            var keep = new List<long>();
            for (int row = 0; row < active.Count; row++)
            {
                var output = outputs[active[row]];
                output.Add((int)picked[row]);
                if (EndsWithStop(output, options.StopSequences)) truncated[active[row]] = false;
                else keep.Add(row);
            }
            if (keep.Count == 0 || step == maxNew - 1) break;

            var nextColumn = next.view(-1, 1);
            if (keep.Count < active.Count)
            {
                var rows = tensor(keep.ToArray(), device: device);
                nextColumn = nextColumn.index_select(0, rows);
                sequence = sequence.index_select(0, rows);
                cache?.Select(rows);
                active = keep.Select(r => active[(int)r]).ToList();
            }
            sequence = cat(new[] { sequence, nextColumn }, 1);
            var newLogits = cache is not null ? LastLogits(model, nextColumn, cache) : LastLogits(model, sequence, null);
            logits.Dispose();
            sequence = sequence.MoveToOuterDisposeScope();
            logits = newLogits.MoveToOuterDisposeScope();
        }
        if (wasTraining) model.train();
        return new Generation(outputs.Select(o => o.ToArray()).ToArray(), truncated);
    }

    private static Tensor LastLogits(Gpt model, Tensor tokens, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var logits = model.Forward(tokens, cache);
        return logits.select(1, -1).MoveToOuterDisposeScope(); // [b, vocab]
    }

    /// <summary>Greedy at temperature 0; otherwise sampling after temperature, top-k and nucleus (top-p) filtering.</summary>
    internal static Tensor Pick(Tensor logits, SamplingOptions options, Generator? rng)
    {
        if (options.Temperature <= 0) return logits.argmax(-1);
        var scaled = logits.to_type(ScalarType.Float32) / options.Temperature;
        if (options.TopK > 0 && options.TopK < scaled.shape[1])
        {
            var kth = scaled.topk(options.TopK, dim: -1).values.narrow(-1, options.TopK - 1, 1);
            scaled = scaled.masked_fill(scaled < kth, float.NegativeInfinity);
        }
        if (options.TopP < 1.0)
        {
            var (sorted, order) = scaled.sort(-1, descending: true);
            var probabilities = F.softmax(sorted, -1);
            // Drop a token when the tokens ranked above it already cover top_p; the top token always stays.
            var drop = probabilities.cumsum(-1) - probabilities > options.TopP;
            sorted = sorted.masked_fill(drop, float.NegativeInfinity);
            scaled = full_like(scaled, float.NegativeInfinity).scatter(-1, order, sorted);
        }
        return multinomial(F.softmax(scaled, -1), 1, replacement: true, generator: rng).view(-1);
    }

    private static bool EndsWithStop(List<int> output, IReadOnlyList<int[]>? stops)
    {
        if (stops is null) return false;
        foreach (var stop in stops)
        {
            if (stop.Length == 0 || output.Count < stop.Length) continue;
            bool match = true;
            for (int i = 0; i < stop.Length && match; i++) match = output[output.Count - stop.Length + i] == stop[i];
            if (match) return true;
        }
        return false;
    }
}
