using TrainingPipeline.Data.Domains;
using TrainingPipeline.Results;

namespace TrainingPipeline.Data;

/// <summary>
/// Resolves domain ids used in corpus specs. Built-in generated domains are listed in <see cref="All"/> at difficulty
/// 1; <c>id@d</c> selects difficulty d (e.g. <c>arith-add@3</c>).
/// </summary>
public static class DomainRegistry
{
    // Ordered round-robin over categories, so the first n domains are as broad as n domains can be; the breadth
    // sweep (CorpusSpecs.Breadth) takes prefixes of this list. Append new domains at the end to keep prefixes stable.
    private static readonly (string Id, Func<int, GeneratedDomain> Create)[] Generated =
    [
        ("arith-add", d => new AdditionDomain(d)),
        ("program-text", d => new ProgramTextDomain(d)),
        ("sort-trace", d => new SortTraceDomain(d)),
        ("nl-facts", d => new WorldFactsDomain(d)),
        ("kv-records", d => new KeyValueRecordDomain(d)),
        ("logic-bool", d => new BooleanLogicDomain(d)),
        ("arith-mul", d => new MultiplicationDomain(d)),
        ("program-trace", d => new ProgramTraceDomain(d)),
        ("list-ops", d => new ListOperationsDomain(d)),
        ("nl-story", d => new StoryDomain(d)),
        ("table-query", d => new TableQueryDomain(d)),
        ("arith-expr", d => new ArithmeticExpressionDomain(d)),
        ("graph-path", d => new GraphPathDomain(d)),
        ("nl-syllogism", d => new SyllogismDomain(d)),
        ("algebra-linear", d => new LinearEquationDomain(d)),
    ];

    /// <summary>Every built-in domain at difficulty 1, in breadth order (round-robin over categories).</summary>
    public static IReadOnlyList<IDomain> All { get; } = Generated.Select(g => (IDomain)g.Create(1)).ToArray();

    public static IDomain Get(string id)
    {
        var (baseId, difficulty) = SplitDifficulty(id);
        foreach (var (knownId, create) in Generated)
        {
            if (knownId != baseId) continue;
            var probe = create(1);
            if (difficulty < 1 || difficulty > probe.MaxDifficulty)
                throw new BadInputException("corpus spec", $"domain '{id}'", $"difficulty {difficulty} is out of range",
                    $"use {baseId}@1 .. {baseId}@{probe.MaxDifficulty}");
            return create(difficulty);
        }
        throw new BadInputException("corpus spec", $"domain '{id}'", "unknown domain",
            "use one of: " + string.Join(", ", Generated.Select(g => g.Id)));
    }

    /// <summary>The id without a difficulty suffix: held-out declarations match on this.</summary>
    public static string BaseIdOf(string id) => SplitDifficulty(id).BaseId;

    private static (string BaseId, int Difficulty) SplitDifficulty(string id)
    {
        var at = id.LastIndexOf('@');
        if (at < 0) return (id, 1);
        if (!int.TryParse(id.AsSpan(at + 1), out var difficulty))
            throw new BadInputException("corpus spec", $"domain '{id}'", "the text after '@' is not a difficulty number",
                $"write {id[..at]}@2 (difficulty 1 is the default)");
        return (id[..at], difficulty);
    }
}
