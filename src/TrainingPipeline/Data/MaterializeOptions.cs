namespace TrainingPipeline.Data;

/// <summary>
/// Options beyond the spec. <see cref="ExcludeDocumentsOf"/> drops every document whose exact text occurs in that
/// corpus (used to keep evaluation sets free of training documents); <see cref="ResolveDomain"/> replaces
/// <see cref="DomainRegistry.Get"/> (e.g. to add task-gym families). A resolver must be pure: the cache key uses
/// each domain's <see cref="IDomain.Fingerprint"/>, not the resolver. A training corpus is refused if it uses any
/// domain of <see cref="HeldOut"/>.
/// </summary>
public sealed record MaterializeOptions(
    CorpusRole Role = CorpusRole.Training,
    TokenCorpus? ExcludeDocumentsOf = null,
    Func<string, IDomain>? ResolveDomain = null,
    HeldOutSet? HeldOut = null);
