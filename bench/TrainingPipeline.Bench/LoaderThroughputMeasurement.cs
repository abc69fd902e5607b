using TrainingPipeline.Data;

namespace TrainingPipeline.Bench;

/// <summary>
/// Tokens per second of the data loader alone (<c>loader</c>): the broad synthetic corpus through
/// <see cref="BatchLoader"/> at batch 32, context 256, so it can be set against the model's appetite.
/// </summary>
public static class LoaderThroughputMeasurement
{
    public const long CorpusTokens = 2_000_000;

    public static LoaderThroughput Measure()
    {
        // Cached across runs (content-addressed by the spec), so only the first run pays for generating the corpus.
        string cacheRoot = Path.Combine(Path.GetTempPath(), "trainingpipeline-bench-corpora");
        var corpus = TokenCorpus.Materialize(CorpusSpecs.Broad(CorpusTokens, seed: 1), ByteTokenizer.Instance, cacheRoot);
        return LoaderBenchmark.Measure(new BatchLoader(corpus, 32, 256, 1), 2.0);
    }
}
