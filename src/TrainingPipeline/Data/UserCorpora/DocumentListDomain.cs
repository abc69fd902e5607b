using TrainingPipeline.Results;

namespace TrainingPipeline.Data.UserCorpora;

/// <summary>
/// A domain over a fixed list of documents read from user files. The endless stream replays the list in a fresh
/// seeded order each epoch. Files are read on first use and kept in memory (fine for corpora up to a few hundred MB).
/// </summary>
public abstract class DocumentListDomain : IDomain
{
    private readonly Lazy<IReadOnlyList<string>> _documents;

    protected DocumentListDomain(string id, string description, IReadOnlyList<string> files)
    {
        Id = id;
        Description = description;
        Files = files;
        _documents = new Lazy<IReadOnlyList<string>>(LoadReadable);
    }

    public string Id { get; }
    public string Category => "user";
    public string Description { get; }

    /// <summary>The files read, in a fixed (ordinal) order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Every document, in file order; read once.</summary>
    public IReadOnlyList<string> AllDocuments => _documents.Value;

    /// <summary>File sizes and modification times: editing a file changes the cache key.</summary>
    public string Fingerprint => Id + "/" + string.Join(";", Files.Select(f =>
    {
        var info = new FileInfo(f);
        return $"{info.Length}@{info.LastWriteTimeUtc.Ticks}";
    }));

    public IEnumerable<string> Documents(long seed)
    {
        var documents = AllDocuments;
        var order = Enumerable.Range(0, documents.Count).ToArray();
        for (long epoch = 0; ; epoch++)
        {
            new SplitMix64(SplitMix64.Combine(seed, epoch)).Shuffle(order);
            foreach (var index in order) yield return documents[index];
        }
    }

    /// <summary>Reads all documents; must return at least one or throw a BadInputException naming the file.</summary>
    protected abstract IReadOnlyList<string> Load();

    private IReadOnlyList<string> LoadReadable()
    {
        try
        {
            return Load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException(string.Join(", ", Files), "file", "cannot be read: " + e.Message,
                "check that the corpus files exist and are readable", e);
        }
    }
}
