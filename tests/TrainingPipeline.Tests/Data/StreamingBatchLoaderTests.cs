using TrainingPipeline.Data;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tests.Data;

public sealed class StreamingBatchLoaderTests : IDisposable
{
    private const int Context = 16;
    private static readonly CorpusSpec Spec = new("stream", [new("arith-add", 1), new("nl-story", 2)], 3_000, 4);
    private readonly TemporaryDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void StreamIsTheMaterializedCorpusInOrderRepeatedWithShiftedTargets()
    {
        var corpus = TokenCorpus.Materialize(Spec, ByteTokenizer.Instance, _cache.Path).Tokens.ToArray();
        var loader = new StreamingBatchLoader(Spec, ByteTokenizer.Instance, batchSize: 3, contextLength: Context);
        var (inputs, targets) = (new long[3 * Context], new long[3 * Context]);
        var streamedInputs = new List<long>();
        var streamedTargets = new List<long>();
        while (streamedInputs.Count < corpus.Length * 2 + 100)
        {
            loader.Next(inputs, targets);
            streamedInputs.AddRange(inputs);
            streamedTargets.AddRange(targets);
        }
        var expected = corpus.Concat(corpus).Concat(corpus).Select(t => (long)t).ToArray();
        Assert.Equal(expected[..streamedInputs.Count], streamedInputs.ToArray());
        Assert.Equal(expected[1..(streamedTargets.Count + 1)], streamedTargets.ToArray());
    }

    [Fact]
    public void SettingPositionResumesTheExactStream()
    {
        var reference = new StreamingBatchLoader(Spec, ByteTokenizer.Instance, 2, Context);
        var batches = Enumerable.Range(0, 120).Select(_ => Draw(reference)).ToList();   // crosses the 3,000-token wrap
        var resumed = new StreamingBatchLoader(Spec, ByteTokenizer.Instance, 2, Context) { Position = 100 };
        Assert.Equal(batches[100], Draw(resumed));
        Assert.Equal(batches[101], Draw(resumed));
        resumed.Position = 7;
        Assert.Equal(batches[7], Draw(resumed));
    }

    [Fact]
    public void WorksWithBpeTokenizer()
    {
        var tokenizer = BpeTokenizer.Train(DomainRegistry.Get("nl-story").Documents(0).Take(100), 300);
        var loader = new StreamingBatchLoader(Spec, tokenizer, 2, Context);
        var batch = Draw(loader);
        Assert.All(batch, id => Assert.InRange(id, 0, tokenizer.VocabSize - 1));
        Assert.Contains(batch, id => id >= 256 && id != tokenizer.EndOfDocument);   // merged tokens are used
    }

    [Fact]
    public void RefusesHeldOutDomainsInATrainingStream() =>
        Assert.Throws<BadInputException>(() => new StreamingBatchLoader(Spec, ByteTokenizer.Instance, 2, Context,
            new MaterializeOptions(HeldOut: new HeldOutSet(["nl-story"]))));

    private static long[] Draw(IBatchSource loader)
    {
        var size = loader.BatchSize * loader.ContextLength;
        var (inputs, targets) = (new long[size], new long[size]);
        loader.Next(inputs, targets);
        return [.. inputs, .. targets];
    }
}
