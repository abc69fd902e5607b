using TrainingPipeline.Model;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Model;

/// <summary>
/// The batched sampler against an unbatched reference: prompts of different lengths decoded together (left padding,
/// per-row positions, a mask), each prompt prefilled once and copied to its group, must give every row what it gets
/// alone — identical greedy tokens, logits within 1e-4 in fp32.
/// </summary>
public class SamplerTests
{
    private static ModelConfig Tiny(PositionKind positions, AttentionKernel attention, int context = 48) =>
        new(NLayer: 2, NHead: 2, DModel: 32, ContextLength: context, VocabSize: 40, NormKind.LayerNorm, positions, attention);

    private static readonly int[][] RaggedPrompts = [[1, 2, 3], [4, 5, 6, 7, 8, 9], [10, 11, 12, 13], [4, 5, 6, 7, 8, 9], [20]];

    public static TheoryData<PositionKind, AttentionKernel> Layouts => new()
    {
        { PositionKind.Learned, AttentionKernel.Sdpa },
        { PositionKind.Learned, AttentionKernel.Manual },
        { PositionKind.Rotary, AttentionKernel.Sdpa },
        { PositionKind.Rotary, AttentionKernel.Manual },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void BatchedRaggedGreedyGenerationGivesEveryRowItsUnbatchedTokens(PositionKind positions, AttentionKernel attention)
    {
        manual_seed(11);
        using var model = new Gpt(Tiny(positions, attention));
        var options = new SamplingOptions(16, Temperature: 0);
        var batched = Sampler.Generate(model, RaggedPrompts, options, null, samplesPerPrompt: 3);
        Assert.Equal(RaggedPrompts.Length * 3, batched.Tokens.Length);
        for (int p = 0; p < RaggedPrompts.Length; p++)
        {
            var alone = Sampler.Generate(model, [RaggedPrompts[p]], options, null);
            for (int j = 0; j < 3; j++) Assert.Equal(alone.Tokens[0], batched.Tokens[p * 3 + j]);
        }
        var uncached = Sampler.Generate(model, RaggedPrompts, options with { UseKvCache = false }, null, samplesPerPrompt: 3);
        Assert.Equal(batched.Tokens, uncached.Tokens);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void LeftPaddedCachedDecodingGivesEveryRowItsUnbatchedLogits(PositionKind positions, AttentionKernel attention)
    {
        manual_seed(12);
        using var model = new Gpt(Tiny(positions, attention));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int samples = 2, steps = 10;
        int longest = RaggedPrompts.Max(p => p.Length), rows = RaggedPrompts.Length * samples;
        // Fixed continuation tokens per row, so each step's logits can be compared with a full forward of the row alone.
        var continuation = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, steps).Select(s => (r * 7 + s * 3) % 40).ToArray()).ToArray();

        using var cache = new KvCache(model.Config.NLayer, longest + steps);
        cache.SetPadding([.. Enumerable.Range(0, rows).Select(r => (long)(longest - RaggedPrompts[r / samples].Length))], CPU);
        var logits = Sampler.Prefill(model, RaggedPrompts, samples, longest, cache, CPU);
        double worst = 0;
        for (int s = 0; ; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                var sequence = RaggedPrompts[r / samples].Concat(continuation[r].Take(s)).Select(t => (long)t).ToArray();
                var alone = model.forward(tensor(sequence).view(1, -1)).select(1, -1).squeeze(0);
                worst = Math.Max(worst, (logits[r] - alone).abs().max().item<float>());
            }
            if (s == steps) break;
            logits = model.Forward(tensor(continuation.Select(c => (long)c[s]).ToArray()).view(-1, 1), cache).select(1, -1);
        }
        Assert.InRange(worst, 0, 1e-4);
    }

    [Fact]
    public void EachRowStopsAtItsOwnStopSequenceOrLimitWhateverTheBatch()
    {
        manual_seed(13);
        using var model = new Gpt(Tiny(PositionKind.Learned, AttentionKernel.Sdpa, context: 24));
        var free = Sampler.Generate(model, RaggedPrompts, new SamplingOptions(20, Temperature: 0), null);
        // A stop made of a two-token stretch of one row's free output, and a one-token stop from another row.
        int[] twoToken = [free.Tokens[1][4], free.Tokens[1][5]];
        int[] oneToken = [free.Tokens[2][2]];
        var options = new SamplingOptions(20, Temperature: 0, StopSequences: [twoToken, oneToken]);
        var batched = Sampler.Generate(model, RaggedPrompts, options, null, samplesPerPrompt: 2);
        for (int p = 0; p < RaggedPrompts.Length; p++)
        {
            var expected = ExpectedStop(free.Tokens[p], [twoToken, oneToken], out bool stopped);
            var alone = Sampler.Generate(model, [RaggedPrompts[p]], options, null);
            Assert.Equal(expected, alone.Tokens[0]);
            Assert.Equal(!stopped, alone.Truncated[0]);
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(expected, batched.Tokens[p * 2 + j]);
                Assert.Equal(!stopped, batched.Truncated[p * 2 + j]);
            }
        }
        // The limit is each row's own context room: the 6-token prompt has 18 new tokens in a context of 24.
        Assert.Equal(18, free.Tokens[1].Length);
        Assert.Equal(20, free.Tokens[4].Length);
    }

    private static int[] ExpectedStop(int[] free, int[][] stops, out bool stopped)
    {
        for (int end = 1; end <= free.Length; end++)
        {
            foreach (var stop in stops)
            {
                if (end >= stop.Length && free.Skip(end - stop.Length).Take(stop.Length).SequenceEqual(stop))
                {
                    stopped = true;
                    return free[..end];
                }
            }
        }
        stopped = false;
        return free;
    }

    [Fact]
    public void ChunkedGenerationKeepsPromptMajorRowsAndEqualsOneBatch()
    {
        manual_seed(14);
        using var model = new Gpt(Tiny(PositionKind.Rotary, AttentionKernel.Sdpa));
        var options = new SamplingOptions(12, Temperature: 0.8, StopSequences: [[3], [7]]);
        // 6 rows per chunk = 1 prompt of 4 samples per chunk: five chunks, against one batch of all 20 rows. Sampled
        // tokens depend on the batch (the generator's draws are shared), so compare greedy tokens, and sampled runs
        // only for reproducibility.
        var greedy = options with { Temperature = 0 };
        var chunked = Sampler.Generate(model, RaggedPrompts, greedy, null, samplesPerPrompt: 4, rowsPerBatch: 6);
        var whole = Sampler.Generate(model, RaggedPrompts, greedy, null, samplesPerPrompt: 4);
        Assert.Equal(whole.Tokens, chunked.Tokens);
        Assert.Equal(whole.Truncated, chunked.Truncated);

        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        var a = Sampler.Generate(model, RaggedPrompts, options, g1, samplesPerPrompt: 4, rowsPerBatch: 6);
        var b = Sampler.Generate(model, RaggedPrompts, options, g2, samplesPerPrompt: 4, rowsPerBatch: 6);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(a.Truncated, b.Truncated);
        Assert.Contains(a.Truncated, t => !t); // some rows stopped early, so the compaction path ran
    }

    public static TheoryData<double, int, double> Filters => new()
    {
        { 0.5, 0, 1.0 },
        { 1.5, 0, 1.0 },
        { 1.0, 3, 1.0 },
        { 1.0, 0, 0.7 },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void PickDrawsFromTheTemperedFilteredSoftmax(double temperature, int topK, double topP)
    {
        // The RL loss assumes completions come from softmax(logits / T) after top-k and top-p: check the empirical
        // frequencies of 40,000 draws against that distribution, for the multinomial path and the host-noise path.
        using var scope = NewDisposeScope();
        float[] row = [2.0f, 1.5f, 1.0f, 0.5f, 0.0f, -0.5f, -1.0f, -3.0f];
        var expected = Expected(row, temperature, topK, topP);
        const int draws = 40_000;
        var logits = tensor(row).view(1, -1).expand(draws, -1).contiguous();
        var options = new SamplingOptions(1, temperature, topK, topP);
        using var g1 = new Generator(21);
        using var g2 = new Generator(22);
        foreach (var picked in new[] { Sampler.Pick(logits, options, g1), HostNoisePick(logits, options, g2) })
        {
            var counts = new double[row.Length];
            foreach (long token in picked.data<long>()) counts[token]++;
            for (int v = 0; v < row.Length; v++)
                Assert.InRange(counts[v] / draws, expected[v] - 0.012, expected[v] + 0.012); // ≥ 4.8 s.e. of a frequency
        }
    }

    private static Tensor HostNoisePick(Tensor logits, SamplingOptions options, Generator rng)
    {
        // The path a GPU takes (a CPU generator's noise), forced here on the CPU: same filtering, then the noise draw.
        return Sampler.DrawOnHostNoise(Sampler.Distribution(logits, options), rng);
    }

    private static double[] Expected(float[] row, double temperature, int topK, double topP)
    {
        var p = row.Select(x => Math.Exp(x / temperature)).ToArray();
        double sum = p.Sum();
        p = [.. p.Select(x => x / sum)];
        var order = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).ToArray();
        var keep = new bool[p.Length];
        double covered = 0;
        for (int rank = 0; rank < order.Length; rank++)
        {
            int i = order[rank];
            bool inTopK = topK <= 0 || rank < topK;
            bool inTopP = topP >= 1.0 || covered <= topP; // dropped once the tokens ranked above it cover top_p
            keep[i] = inTopK && inTopP;
            covered += p[i];
        }
        double kept = Enumerable.Range(0, p.Length).Where(i => keep[i]).Sum(i => p[i]);
        return [.. Enumerable.Range(0, p.Length).Select(i => keep[i] ? p[i] / kept : 0)];
    }

    [Fact]
    public void RowsKeepTheirOwnPromptsThroughRepeatedCompactions()
    {
        // Context rooms of 8, 16, 24 and 40 tokens: at the checks after 8, 16 and 24 tokens half of the live rows are
        // done, so the batch is compacted three times; every row must still be its prompt's own greedy continuation.
        manual_seed(16);
        using var model = new Gpt(Tiny(PositionKind.Rotary, AttentionKernel.Sdpa));
        int[] Prompt(int length, int salt) => [.. Enumerable.Range(0, length).Select(t => (t * 7 + salt) % 40)];
        int[][] prompts = [Prompt(40, 1), Prompt(40, 2), Prompt(40, 3), Prompt(40, 4), Prompt(32, 5), Prompt(32, 6), Prompt(24, 7), Prompt(8, 8)];
        var options = new SamplingOptions(40, Temperature: 0);
        var batched = Sampler.Generate(model, prompts, options, null, samplesPerPrompt: 2);
        for (int p = 0; p < prompts.Length; p++)
        {
            var alone = Sampler.Generate(model, [prompts[p]], options, null).Tokens[0];
            Assert.Equal(48 - prompts[p].Length, alone.Length);
            Assert.Equal(alone, batched.Tokens[2 * p]);
            Assert.Equal(alone, batched.Tokens[2 * p + 1]);
        }
    }

    [Theory]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(19)]
    [InlineData(20)]
    [InlineData(21)]
    public void ARowPastItsLimitIsTruncatedWhateverItGeneratesWhileRidingAlong(int seed)
    {
        // The 30-token prompt may write 18 tokens in a context of 48; the 1-token prompt keeps the batch going to 40.
        // Every token is a stop except those the two rows write within their limits, so the long row's discarded
        // tokens after its limit are likely to end in a stop (over five seeds, almost surely): it must still be
        // truncated at 18 tokens.
        manual_seed(seed);
        using var model = new Gpt(Tiny(PositionKind.Learned, AttentionKernel.Sdpa));
        int[] longPrompt = [.. Enumerable.Range(0, 30).Select(t => (t * 3 + seed) % 40)];
        int[][] prompts = [longPrompt, [seed % 40]];
        var free = Sampler.Generate(model, prompts, new SamplingOptions(40, Temperature: 0), null);
        var used = free.Tokens[0].Concat(free.Tokens[1]).ToHashSet();
        int[][] stops = [.. Enumerable.Range(0, 40).Where(t => !used.Contains(t)).Select(t => new[] { t })];
        Assert.NotEmpty(stops);
        var stopped = Sampler.Generate(model, prompts, new SamplingOptions(40, Temperature: 0, StopSequences: stops), null);
        Assert.Equal(free.Tokens[0], stopped.Tokens[0]);
        Assert.Equal(18, stopped.Tokens[0].Length);
        Assert.True(stopped.Truncated[0]);
        Assert.Equal(free.Tokens[1], stopped.Tokens[1]);
    }

    [Fact]
    public void APaddedCacheRefusesTokensBeforeItsPrefill()
    {
        manual_seed(18);
        using var model = new Gpt(Tiny(PositionKind.Learned, AttentionKernel.Sdpa));
        using var scope = NewDisposeScope();
        using var cache = new KvCache(model.Config.NLayer, 8);
        cache.SetPadding([0, 2], CPU);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(tensor(new long[] { 1, 2 }).view(2, 1), cache));
        Assert.Contains("prefilled", error.Message);
    }

    [Fact]
    public void Bf16GenerationWithWeightsCastOnceEqualsCastingAtEveryCall()
    {
        manual_seed(15);
        using var model = new Gpt(Tiny(PositionKind.Rotary, AttentionKernel.Sdpa), Precision.Bf16);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var idx = randint(40, new long[] { 3, 9 });
        var everyCall = model.forward(idx);
        Tensor once;
        using (model.CastWeightsOnce())
        {
            once = model.forward(idx);
            Assert.Equal(4 * model.Config.NLayer, model.HeldWeightCasts); // each block's four matrices, cast once
            Assert.True(model.forward(idx).equal(once).all().item<bool>()); // the held casts are reused, unchanged
        }
        Assert.Equal(0, model.HeldWeightCasts);
        Assert.True(everyCall.equal(once).all().item<bool>());
    }
}
