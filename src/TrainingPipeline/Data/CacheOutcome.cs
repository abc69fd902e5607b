namespace TrainingPipeline.Data;

/// <summary>How <see cref="TokenCorpus.Materialize(CorpusSpec, ITextTokenizer, string)"/> obtained the corpus.</summary>
public enum CacheOutcome
{
    /// <summary>No cache entry existed; the corpus was generated and written.</summary>
    Built,
    /// <summary>A valid cache entry (checksums match) was loaded.</summary>
    Reused,
    /// <summary>The cache entry was unreadable or failed its checksum; it was deleted and regenerated.</summary>
    Rebuilt,
}
