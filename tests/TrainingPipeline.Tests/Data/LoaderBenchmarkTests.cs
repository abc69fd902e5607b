using TrainingPipeline.Data;

namespace TrainingPipeline.Tests.Data;

public sealed class LoaderBenchmarkTests : IDisposable
{
    private readonly TemporaryDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void MeasuresDeliveredTokensOverTheElapsedTime()
    {
        var corpus = TokenCorpus.Materialize(CorpusSpecs.Narrow(5_000), ByteTokenizer.Instance, _cache.Path);
        var loader = new BatchLoader(corpus, 4, 32, seed: 1);
        var result = LoaderBenchmark.Measure(loader, minimumSeconds: 0.05);
        Assert.True(result.Seconds >= 0.05);
        Assert.Equal(result.Batches * 4 * 32, result.Tokens);
        Assert.Equal(result.Tokens / result.Seconds, result.TokensPerSecond, 6);
        Assert.Equal(result.Batches + 3, loader.Position);   // three warm-up batches precede the timed ones
    }
}
