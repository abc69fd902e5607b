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
/// Batched autoregressive generation with a preallocated KV cache.
/// <list type="bullet">
/// <item>Ragged batches: prompts of different lengths decode together, left-padded; each row's positions start after
/// its padding and its padding is masked out of attention, so a row computes what it would alone.</item>
/// <item>Prefill once per prompt: each distinct prompt is encoded once (prompts of one length in one batch) and its
/// keys and values are copied to the rows of its group, as nanochat's engine does.</item>
/// <item>Stops on the device: a row's stop sequence (kept in its output) or its token limit ends it; the host looks
/// only every <see cref="CheckEvery"/> tokens, to end early when all rows are done and to drop finished rows from the
/// batch once they are half of it (finished rows in between ride along, their tokens discarded).</item>
/// </list>
/// A batch larger than the memory budget is generated in chunks of whole prompt groups, one after another.
/// </summary>
public static class Sampler
{
    /// <summary>Tokens between the host's looks at which rows are done.</summary>
    public const int CheckEvery = 8;

    /// <summary>Key/value cache bytes one chunk of a generation may hold.</summary>
    public const long CacheBudgetBytes = 512L << 20;

    /// <summary>Most rows decoded in one batch (beyond it a CPU gains nothing and the cache only grows).</summary>
    public const int MaxRowsPerBatch = 512;

    /// <summary>One completion of each prompt.</summary>
    public static Generation Generate(Gpt model, IReadOnlyList<int[]> prompts, SamplingOptions options, Generator? rng) =>
        Generate(model, prompts, options, rng, samplesPerPrompt: 1);

    /// <summary>
    /// <paramref name="samplesPerPrompt"/> completions of each prompt, prompt-major (row p·samples + j is sample j of
    /// prompt p). Prompts may differ in length; each row's limit is the smaller of the options' and its context room.
    /// </summary>
    public static Generation Generate(Gpt model, IReadOnlyList<int[]> prompts, SamplingOptions options, Generator? rng, int samplesPerPrompt) =>
        Generate(model, prompts, options, rng, samplesPerPrompt, rowsPerBatch: null);

    /// <summary>As the public overload; <paramref name="rowsPerBatch"/> overrides the memory budget's rows per chunk.</summary>
    internal static Generation Generate(Gpt model, IReadOnlyList<int[]> prompts, SamplingOptions options, Generator? rng, int samplesPerPrompt,
        int? rowsPerBatch)
    {
        if (prompts.Count == 0) return new Generation([], []);
        if (samplesPerPrompt < 1) throw new ArgumentOutOfRangeException(nameof(samplesPerPrompt), samplesPerPrompt, "must be ≥ 1");
        int context = model.Config.ContextLength;
        foreach (var prompt in prompts)
        {
            if (prompt.Length == 0) throw new ArgumentException("a prompt needs at least one token");
            if (Math.Min(options.MaxNewTokens, context - prompt.Length) <= 0)
                throw new ArgumentException($"prompt of {prompt.Length} tokens leaves no room in a context of {context}");
        }

        int capacity = Capacity(prompts, options, context);
        int promptsPerChunk = Math.Max(1, (rowsPerBatch ?? RowsPerBatch(model.Config, capacity)) / samplesPerPrompt);
        if (prompts.Count <= promptsPerChunk) return GenerateBatch(model, prompts, samplesPerPrompt, options, rng);
        var tokens = new List<int[]>();
        var truncated = new List<bool>();
        for (int start = 0; start < prompts.Count; start += promptsPerChunk)
        {
            var chunk = prompts.Skip(start).Take(promptsPerChunk).ToList();
            var part = GenerateBatch(model, chunk, samplesPerPrompt, options, rng);
            tokens.AddRange(part.Tokens);
            truncated.AddRange(part.Truncated);
        }
        return new Generation([.. tokens], [.. truncated]);
    }

    /// <summary>
    /// Rows one batch may hold: the budget over one row's keys and values (float32 bound) plus a few vocabulary-sized
    /// rows (logits, probabilities, the top-p sort), capped.
    /// </summary>
    public static int RowsPerBatch(ModelConfig model, int capacity)
    {
        long rowBytes = (2L * model.NLayer * capacity * model.DModel + 4L * model.VocabSize) * sizeof(float);
        return (int)Math.Clamp(CacheBudgetBytes / Math.Max(1, rowBytes), 1, MaxRowsPerBatch);
    }

    /// <summary>Cache columns: the longest prompt plus the most tokens fed back (a row's last token is only predicted).</summary>
    private static int Capacity(IReadOnlyList<int[]> prompts, SamplingOptions options, int context) =>
        prompts.Max(p => p.Length) + prompts.Max(p => Math.Min(options.MaxNewTokens, context - p.Length)) - 1;

    private static Generation GenerateBatch(Gpt model, IReadOnlyList<int[]> prompts, int samples, SamplingOptions options, Generator? rng)
    {
        int context = model.Config.ContextLength;
        int batch = prompts.Count * samples;
        int longest = prompts.Max(p => p.Length);
        var limits = new long[batch];   // each row's token limit
        var padding = new long[batch];  // each row's left padding
        for (int p = 0; p < prompts.Count; p++)
        {
            for (int j = 0; j < samples; j++)
            {
                limits[p * samples + j] = Math.Min(options.MaxNewTokens, context - prompts[p].Length);
                padding[p * samples + j] = longest - prompts[p].Length;
            }
        }
        var results = new int[batch][];
        var truncated = new bool[batch];

        bool wasTraining = model.training;
        model.eval();
        try
        {
            GenerateInto(model, prompts, samples, options, rng, limits, padding, results, truncated);
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return new Generation(results, truncated);
    }

    private static void GenerateInto(Gpt model, IReadOnlyList<int[]> prompts, int samples, SamplingOptions options, Generator? rng,
        long[] limits, long[] padding, int[][] results, bool[] truncated)
    {
        int batch = limits.Length, maxNew = (int)limits.Max(), longest = prompts.Max(p => p.Length);
        var device = model.parameters().First().device;
        using var noGrad = no_grad();
        using var casts = model.CastWeightsOnce();
        using var cache = options.UseKvCache ? new KvCache(model.Config.NLayer, longest + maxNew - 1) : null;
        using var stops = new DeviceStops(options.StopSequences, device);
        using var outer = NewDisposeScope();
        using var rows = new RowState(batch, maxNew, limits, device);
        Tensor? sequence = null, sequencePadding = null; // the uncached path's left-padded tokens
        Tensor logits;
        if (cache is not null)
        {
            cache.SetPadding(padding, device);
            logits = Prefill(model, prompts, samples, longest, cache, device);
        }
        else
        {
            sequence = LeftPadded(prompts, samples, longest, device);
            sequencePadding = padding.Any(p => p > 0) ? tensor(padding, device: device) : null;
            logits = model.Forward(sequence, null, sequencePadding).select(1, -1);
        }

        for (int step = 0; step < maxNew; step++)
        {
            using var scope = NewDisposeScope();
            var next = Pick(logits, options, rng); // [live]
            rows.Record(next, step, stops);
            bool last = step == maxNew - 1;
            if (last || (step + 1) % CheckEvery == 0)
            {
                var keep = rows.Harvest(step, results, truncated, last);
                if (keep is null) break; // every row is done
                if (keep.Length < rows.Live)
                {
                    // Compaction: finished rows are half the batch or more; dropping them allocates new buffers once.
                    var kept = tensor(keep.Select(r => (long)r).ToArray(), device: device);
                    rows.Select(kept, keep);
                    next = next.index_select(0, kept);
                    cache?.Select(kept);
                    if (sequence is not null)
                    {
                        var selected = sequence.index_select(0, kept).MoveToOuterDisposeScope();
                        sequence.Dispose();
                        sequence = selected;
                    }
                    if (sequencePadding is not null)
                    {
                        var selected = sequencePadding.index_select(0, kept).MoveToOuterDisposeScope();
                        sequencePadding.Dispose();
                        sequencePadding = selected;
                    }
                }
            }
            var column = next.view(-1, 1);
            Tensor newLogits;
            if (cache is not null) newLogits = model.Forward(column, cache).select(1, -1);
            else
            {
                var longer = cat(new[] { sequence!, column }, 1).MoveToOuterDisposeScope();
                sequence!.Dispose();
                sequence = longer;
                newLogits = model.Forward(sequence, null, sequencePadding).select(1, -1);
            }
            logits.Dispose();
            logits = newLogits.MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// Encodes each prompt once (prompts of one length in one batch), copies its keys and values to the rows of its
    /// group after their padding, and returns every row's next-token logits [batch, vocab].
    /// </summary>
    internal static Tensor Prefill(Gpt model, IReadOnlyList<int[]> prompts, int samples, int longest, KvCache cache, Device device)
    {
        int batch = prompts.Count * samples;
        var logits = zeros(new long[] { batch, model.Config.VocabSize }, device: device);
        foreach (var lengthClass in Enumerable.Range(0, prompts.Count).GroupBy(p => prompts[p].Length))
        {
            using var scope = NewDisposeScope();
            int length = lengthClass.Key;
            var members = lengthClass.ToArray();
            var tokens = tensor(members.SelectMany(p => prompts[p].Select(t => (long)t)).ToArray(), device: device).view(members.Length, length);
            using var once = new KvCache(model.Config.NLayer, length);
            var last = model.Forward(tokens, once).select(1, -1); // [members, vocab]
            // Row p·samples + j of the batch is sample j of prompt p: source row i of this class repeats `samples` times.
            var source = tensor(Enumerable.Range(0, members.Length).SelectMany(i => Enumerable.Repeat((long)i, samples)).ToArray(), device: device);
            var target = tensor(members.SelectMany(p => Enumerable.Range(p * samples, samples).Select(r => (long)r)).ToArray(), device: device);
            logits.index_copy_(0, target, last.index_select(0, source));
            for (int layer = 0; layer < cache.Layers.Length; layer++)
                cache.Layers[layer].CopyFrom(once.Layers[layer], source, target, longest - length, length, batch);
        }
        cache.Length = longest;
        return logits;
    }

    private static Tensor LeftPadded(IReadOnlyList<int[]> prompts, int samples, int longest, Device device)
    {
        var tokens = new long[prompts.Count * samples * longest];
        for (int p = 0; p < prompts.Count; p++)
        {
            for (int j = 0; j < samples; j++)
            {
                int row = p * samples + j, pad = longest - prompts[p].Length;
                for (int t = 0; t < prompts[p].Length; t++) tokens[row * longest + pad + t] = prompts[p][t];
            }
        }
        return tensor(tokens, device: device).view(prompts.Count * samples, longest);
    }

    /// <summary>Greedy at temperature 0; otherwise sampling after temperature, top-k and nucleus (top-p) filtering.</summary>
    internal static Tensor Pick(Tensor logits, SamplingOptions options, Generator? rng)
    {
        if (options.Temperature <= 0) return logits.argmax(-1);
        var distribution = Distribution(logits, options);
        if (distribution.device.type == TorchSharp.DeviceType.CPU || rng is null)
            return multinomial(distribution, 1, replacement: true, generator: rng).view(-1);
        return DrawOnHostNoise(distribution, rng);
    }

    /// <summary>The distribution tokens are drawn from: softmax(logits / T) after top-k and nucleus (top-p) filtering.</summary>
    internal static Tensor Distribution(Tensor logits, SamplingOptions options)
    {
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
        return F.softmax(scaled, -1);
    }

    /// <summary>
    /// One draw per row from <paramref name="probabilities"/> on any device with a CPU generator (TorchSharp creates
    /// only CPU generators, which libtorch rejects for a CUDA tensor): exponential noise drawn on the host, then
    /// argmax(p / noise) on the device — libtorch's own algorithm for one multinomial sample, so the stream of draws is
    /// the generator's whatever the device.
    /// </summary>
    internal static Tensor DrawOnHostNoise(Tensor probabilities, Generator rng)
    {
        var noise = empty(probabilities.shape, dtype: ScalarType.Float32).exponential_(1, generator: rng).to(probabilities.device);
        return (probabilities / noise).argmax(-1);
    }

    /// <summary>
    /// The live rows' generated tokens and finish state, on the device: tokens [live, maxNew], each row's limit, the
    /// length of its output once a stop sequence ended it, and whether one did.
    /// </summary>
    private sealed class RowState : IDisposable
    {
        private Tensor _tokens, _limits, _lengths, _stopped;
        private int[] _original; // original row index of each live row

        public int Live => _original.Length;

        public RowState(int batch, int maxNew, long[] limits, Device device)
        {
            _tokens = zeros(new long[] { batch, maxNew }, dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
            _limits = tensor(limits, device: device).DetachFromDisposeScope();
            _lengths = _limits.clone().DetachFromDisposeScope();
            _stopped = zeros(new long[] { batch }, dtype: ScalarType.Bool, device: device).DetachFromDisposeScope();
            _original = Enumerable.Range(0, batch).ToArray();
        }

        /// <summary>Writes the step's tokens and marks rows whose output now ends with a stop sequence.</summary>
        public void Record(Tensor next, int step, DeviceStops stops)
        {
            _tokens.select(1, step).copy_(next);
            if (stops.Count == 0) return;
            // A row is still generating at this step when no stop ended it and its limit is not reached.
            var generating = _stopped.logical_not().logical_and(_limits.gt(step));
            var hit = stops.EndsWithStop(_tokens, step).logical_and(generating);
            _lengths.masked_fill_(hit, step + 1);
            _stopped.logical_or_(hit);
        }

        /// <summary>
        /// Copies the rows finished by this step to the host results; returns the live indices of the rows to keep
        /// (all live rows while fewer than half are done), or null when all are done.
        /// </summary>
        public int[]? Harvest(int step, int[][] results, bool[] truncated, bool last)
        {
            var doneTensor = _stopped.logical_or(_limits.le(step + 1));
            // .cpu() first: data<T>() reads host memory only (a no-op copy on CPU; one transfer per check on a GPU).
            var done = doneTensor.cpu().data<bool>().ToArray();
            int finished = done.Count(d => d);
            if (!last && finished * 2 < done.Length) return Enumerable.Range(0, done.Length).ToArray();
            var tokens = _tokens.cpu().data<long>().ToArray();
            var lengths = _lengths.cpu().data<long>().ToArray();
            var stopped = _stopped.cpu().data<bool>().ToArray();
            long width = _tokens.shape[1];
            var keep = new List<int>();
            for (int row = 0; row < done.Length; row++)
            {
                if (!done[row] && !last) { keep.Add(row); continue; }
                int original = _original[row];
                // A slice, not Skip/Take: skipping walks every earlier row, quadratic in the batch at the last harvest.
                var output = new int[lengths[row]];
                for (int t = 0; t < output.Length; t++) output[t] = (int)tokens[row * width + t];
                results[original] = output;
                truncated[original] = !stopped[row];
            }
            return keep.Count == 0 ? null : [.. keep];
        }

        public void Select(Tensor kept, int[] keep)
        {
            _tokens = Swap(_tokens, _tokens.index_select(0, kept));
            _limits = Swap(_limits, _limits.index_select(0, kept));
            _lengths = Swap(_lengths, _lengths.index_select(0, kept));
            _stopped = Swap(_stopped, _stopped.index_select(0, kept));
            _original = [.. keep.Select(r => _original[r])];
        }

        private static Tensor Swap(Tensor old, Tensor replacement)
        {
            old.Dispose();
            return replacement.DetachFromDisposeScope();
        }

        public void Dispose()
        {
            _tokens.Dispose();
            _limits.Dispose();
            _lengths.Dispose();
            _stopped.Dispose();
        }
    }

    /// <summary>Stop sequences as device tensors, matched against the end of every row's output at once.</summary>
    private sealed class DeviceStops : IDisposable
    {
        private readonly List<Tensor> _sequences = [];

        public int Count => _sequences.Count;

        public DeviceStops(IReadOnlyList<int[]>? stops, Device device)
        {
            foreach (var stop in stops ?? [])
                if (stop.Length > 0)
                    _sequences.Add(tensor(stop.Select(t => (long)t).ToArray(), device: device).view(1, -1).DetachFromDisposeScope());
        }

        /// <summary>[rows] true where tokens 0..step end with one of the stop sequences.</summary>
        public Tensor EndsWithStop(Tensor tokens, int step)
        {
            Tensor? any = null;
            foreach (var stop in _sequences)
            {
                int length = (int)stop.shape[1];
                if (length > step + 1) continue;
                var match = tokens.narrow(1, step + 1 - length, length).eq(stop).all(1);
                any = any is null ? match : any.logical_or(match);
            }
            return any ?? zeros(new long[] { tokens.shape[0] }, dtype: ScalarType.Bool, device: tokens.device);
        }

        public void Dispose()
        {
            foreach (var s in _sequences) s.Dispose();
        }
    }
}
