using System.Text.RegularExpressions;
using TrainingPipeline.Data;
using TrainingPipeline.Data.Domains;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.Data.Domains;

/// <summary>
/// Every built-in domain (generated and <c>task:</c>) at difficulties 1–3 against every family's eval split at
/// difficulties 1–3: no training document may hold an eval problem (its prompt, an answer statement, an equivalent
/// line or a worked statement such as arith-expr's "= 6 * 72" then "= 432", exactly as the contamination check
/// looks for them). A domain that writes a family's problems must declare the family (<c>RendersFamilies</c>, so a
/// held-out family cannot be pre-trained on) and filter its documents to the train split.
/// </summary>
public sealed partial class EvalProblemLeakTests
{
    private const int EvalProblemsPerLevel = 500;
    private const int DocumentsPerDomain = 1500;

    /// <summary>The documented exemption: one-digit facts (3 + 5, and 1 + 6 + 1 in a column sum) are in every worked sum (docs/tasks.md).</summary>
    [GeneratedRegex(@"^What is \d( [-+*] \d)+\?$")]
    private static partial Regex OneDigitFact();

    private static (PromptIndex Index, Dictionary<string, string> FamilyOf) EvalIndex()
    {
        var familyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var prompts = new List<string>();
        foreach (var family in TaskRegistry.All)
            for (int difficulty = 1; difficulty <= Math.Min(3, family.MaxDifficulty); difficulty++)
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                for (long seed = 0; seed < 6 * EvalProblemsPerLevel && keys.Count < EvalProblemsPerLevel; seed++)
                {
                    var problem = family.Generate(seed, difficulty);
                    var key = ProblemKeys.Key(problem);
                    if (ProblemSplits.OfKey(key) != ProblemSplit.Eval || !keys.Add(key)) continue;
                    var prompt = PromptIndex.Normalize(problem.Prompt);
                    familyOf.TryAdd(prompt, family.Name);
                    prompts.Add(prompt);
                    // One-digit facts are looked for as prompts and equivalent lines only (the documented exemption).
                    if (!OneDigitFact().IsMatch(key)) answers.TryAdd(prompt, problem.Answer);
                }
            }
        return (new PromptIndex(prompts, answers), familyOf);
    }

    public static TheoryData<string> Domains()
    {
        var ids = new TheoryData<string>();
        foreach (var domain in DomainRegistry.All.Cast<GeneratedDomain>())
            for (int d = 1; d <= Math.Min(3, domain.MaxDifficulty); d++) ids.Add(d == 1 ? domain.BaseId : $"{domain.BaseId}@{d}");
        foreach (var family in TaskRegistry.All)
            for (int d = 1; d <= Math.Min(3, family.MaxDifficulty); d++) ids.Add($"task:{family.Name}@{d}");
        return ids;
    }

    private static readonly Lazy<(PromptIndex Index, Dictionary<string, string> FamilyOf)> Index = new(EvalIndex);

    [Theory]
    [MemberData(nameof(Domains))]
    public void NoDomainWritesAnEvalProblem(string id)
    {
        var domain = DomainRegistry.WithTaskFamilies(TaskRegistry.All)(id);
        var (index, familyOf) = Index.Value;
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in domain.Documents(seed: 7).Take(DocumentsPerDomain)) index.FindIn(document, found);
        var declared = DomainRegistry.RenderedFamilies(id);
        // Known and documented (docs/tasks.md, code-synthesis): code-repair's answers are the same few target programs,
        // so a code-repair corpus writes code-synthesis's eval targets; the contamination check counts them.
        if (id.StartsWith("task:code-repair", StringComparison.Ordinal)) found.RemoveWhere(p => familyOf[p] == "code-synthesis");
        var leaks = found.GroupBy(p => familyOf[p])
            .Select(g => $"{g.Key} ({g.Count()} eval problems, {(declared.Contains(g.Key) ? "declared but not filtered" : "not declared in RendersFamilies")}), e.g. {g.First()}")
            .ToList();
        Assert.True(leaks.Count == 0, $"{id} writes eval problems: {string.Join("; ", leaks)}");
    }
}
