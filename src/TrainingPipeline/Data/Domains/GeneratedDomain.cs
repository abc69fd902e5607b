using TrainingPipeline.Tasks;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Base of the built-in synthetic domains: one seeded generator drives an endless document stream. Difficulty runs
/// from 1 to <see cref="MaxDifficulty"/> and scales both problem size and document length; level 1 is deliberately
/// short and formulaic because tiny byte-level models learn best from regular, compact text.
/// </summary>
public abstract class GeneratedDomain : IDomain
{
    protected GeneratedDomain(string baseId, string category, string description, int difficulty, int maxDifficulty)
    {
        if (difficulty < 1 || difficulty > maxDifficulty)
            throw new ArgumentOutOfRangeException(nameof(difficulty), $"{baseId}: difficulty must be 1..{maxDifficulty}");
        BaseId = baseId;
        Category = category;
        Description = description;
        Difficulty = difficulty;
        MaxDifficulty = maxDifficulty;
    }

    public string BaseId { get; }
    public int Difficulty { get; }
    public int MaxDifficulty { get; }
    public string Id => Difficulty == 1 ? BaseId : $"{BaseId}@{Difficulty}";
    public string Category { get; }
    public string Description { get; }

    /// <summary>Bump when the generated text changes so cached corpora are rebuilt.</summary>
    protected virtual int GeneratorVersion => 1;

    /// <summary>"train-split-2": the split is by canonical key and skips stated eval problems (docs/tasks.md).</summary>
    public string Fingerprint => MirrorsTaskPrompts ? $"{Id}/v{GeneratorVersion}/train-split-2" : $"{Id}/v{GeneratorVersion}";

    /// <summary>"eval-split": evaluation corpora of a domain that renders task problems hold eval problems only.</summary>
    public string EvaluationFingerprint => MirrorsTaskPrompts ? Fingerprint + "/eval-split" : Fingerprint;

    /// <summary>
    /// The task families whose problems this domain writes as a document's first line (in the family's words or an
    /// equivalent form, e.g. arith-add writes addition's "What is A + B?"), with a worked answer. Such a domain draws
    /// only the train split: it skips every document whose first line is an eval problem (by canonical key,
    /// <see cref="ProblemKeys"/>) or that states an eval problem with its answer anywhere (e.g. a partial product
    /// "5 * 40 = 200" when "What is 40 * 5?" is an eval problem). A family named here can never be held out of a run
    /// that pre-trains on this domain.
    /// </summary>
    public virtual IReadOnlyList<string> RendersFamilies => [];

    private bool MirrorsTaskPrompts => RendersFamilies.Count > 0;

    public IEnumerable<string> Documents(long seed) => Documents(seed, CorpusRole.Training);

    /// <summary>
    /// Training corpora of a domain that renders task families hold only documents without an eval problem; its
    /// loss-evaluation corpora hold only documents whose problem (first line) is an eval problem, as a <c>task:</c>
    /// domain's do, so the loss is measured on problems the model never trained on. Other domains: one stream.
    /// </summary>
    public IEnumerable<string> Documents(long seed, CorpusRole role)
    {
        var random = new SplitMix64(seed);
        while (true)
        {
            var document = Generate(random);
            if (MirrorsTaskPrompts && (role == CorpusRole.Evaluation ? !PosesAnEvalProblem(document) : HoldsAnEvalProblem(document))) continue;
            yield return document;
        }
    }

    private static bool PosesAnEvalProblem(string document) => ProblemSplits.Of(FirstLine(document)) == ProblemSplit.Eval;

    private static bool HoldsAnEvalProblem(string document) =>
        PosesAnEvalProblem(document) || ProblemSplits.StatesAnEvalProblem(document);

    private static string FirstLine(string document)
    {
        int end = document.IndexOf('\n');
        return end < 0 ? document : document[..end];
    }

    /// <summary>Writes one document, drawing every choice from <paramref name="random"/>.</summary>
    protected abstract string Generate(SplitMix64 random);
}
