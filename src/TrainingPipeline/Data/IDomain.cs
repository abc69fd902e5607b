namespace TrainingPipeline.Data;

/// <summary>
/// A source of pre-training documents: endless and deterministic for a given seed. Documents are short texts; the
/// corpus builder separates them with the tokenizer's end-of-document token, so they carry no separator themselves.
/// </summary>
public interface IDomain
{
    /// <summary>Stable identifier used in corpus specs, e.g. <c>arith-add</c> or <c>arith-add@3</c>.</summary>
    string Id { get; }

    /// <summary>Coarse group (math, code, algorithmic, language, structured, user, task) for breadth sweeps.</summary>
    string Category { get; }

    string Description { get; }

    /// <summary>An endless, deterministic stream of documents for this seed.</summary>
    IEnumerable<string> Documents(long seed);

    /// <summary>
    /// The documents of a corpus built for <paramref name="role"/>: the same stream for most domains; a
    /// <c>task:</c> domain draws its family's eval split for the evaluation role, so loss evaluation never sees a
    /// training problem.
    /// </summary>
    IEnumerable<string> Documents(long seed, CorpusRole role) => Documents(seed);

    /// <summary>
    /// Identifies the generator's exact output for cache keys: change it when the generated text changes, and
    /// include the content identity of files for user corpora.
    /// </summary>
    string Fingerprint => Id + "/v1";

    /// <summary>
    /// Identifies the documents of <see cref="Documents(long, CorpusRole)"/> for the evaluation role, for cache keys:
    /// the training fingerprint unless the evaluation stream is drawn differently (a domain that renders task
    /// problems draws eval problems). Not part of a run's identity, which depends on the training text only.
    /// </summary>
    string EvaluationFingerprint => Fingerprint;
}
