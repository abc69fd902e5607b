using TrainingPipeline.Data;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tests.Data;

public sealed class BatchLoaderTests : IDisposable
{
    private readonly TemporaryDirectory _cache = new();
    private readonly TokenCorpus _corpus;

    public BatchLoaderTests() => _corpus = TokenCorpus.Materialize(
        new CorpusSpec("loader", [new("arith-add", 1), new("sort-trace", 1)], 10_000, 3), ByteTokenizer.Instance, _cache.Path);

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void TargetsAreInputsShiftedByOneAndRowsAreCorpusWindows()
    {
        var loader = new BatchLoader(_corpus, batchSize: 4, contextLength: 32, seed: 1);
        var (inputs, targets) = (new long[128], new long[128]);
        loader.Next(inputs, targets);
        var tokens = _corpus.Tokens.ToArray().Select(t => (long)t).ToArray();
        for (var row = 0; row < 4; row++)
        {
            var input = inputs.AsSpan(row * 32, 32).ToArray();
            var target = targets.AsSpan(row * 32, 32).ToArray();
            Assert.Equal(input[1..], target[..^1]);
            var start = IndexOf(tokens, input);
            Assert.True(start >= 0, "row is not a window of the corpus");
            Assert.Equal(tokens[start + 32], target[^1]);
        }
    }

    [Fact]
    public void SettingPositionResumesTheExactStream()
    {
        var reference = new BatchLoader(_corpus, 2, 16, seed: 9);
        var batches = Enumerable.Range(0, 6).Select(_ => Draw(reference)).ToList();

        var resumed = new BatchLoader(_corpus, 2, 16, seed: 9) { Position = 4 };
        Assert.Equal(batches[4], Draw(resumed));
        Assert.Equal(batches[5], Draw(resumed));
        Assert.Equal(6, resumed.Position);
    }

    [Fact]
    public void SeedChangesTheStreamAndBatchesDiffer()
    {
        var a = new BatchLoader(_corpus, 2, 16, seed: 1);
        var b = new BatchLoader(_corpus, 2, 16, seed: 2);
        var first = Draw(a);
        Assert.NotEqual(first, Draw(b));
        Assert.NotEqual(first, Draw(a));
    }

    [Fact]
    public void WindowStartsSpanTheWholeCorpusAndStayInBounds()
    {
        var loader = new BatchLoader(_corpus, 8, 64, seed: 4);
        var lastStart = _corpus.TokenCount - 65;
        var starts = Enumerable.Range(0, 1000).SelectMany(b => Enumerable.Range(0, 8).Select(r => loader.WindowStart(b, r))).ToList();
        Assert.All(starts, s => Assert.InRange(s, 0, lastStart));
        Assert.True(starts.Min() < lastStart / 100 && starts.Max() > lastStart * 99 / 100, "windows miss one end of the corpus");
    }

    [Fact]
    public void CorpusShorterThanOneWindowIsBadInput() =>
        Assert.Throws<BadInputException>(() => new BatchLoader(_corpus, 1, (int)_corpus.TokenCount, seed: 0));

    [Fact]
    public void WrongBufferSizeIsRejected() =>
        Assert.Throws<ArgumentException>(() => new BatchLoader(_corpus, 2, 16, 0).Next(new long[31], new long[32]));

    private static long[] Draw(BatchLoader loader)
    {
        var (inputs, targets) = (new long[loader.BatchSize * loader.ContextLength], new long[loader.BatchSize * loader.ContextLength]);
        loader.Next(inputs, targets);
        return [.. inputs, .. targets];
    }

    private static int IndexOf(long[] haystack, long[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
