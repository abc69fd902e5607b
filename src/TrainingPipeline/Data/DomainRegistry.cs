using TrainingPipeline.Data.Domains;
using TrainingPipeline.Data.UserCorpora;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Data;

/// <summary>
/// Resolves domain ids used in corpus specs. Built-in generated domains are listed in <see cref="All"/> at difficulty
/// 1; <c>id@d</c> selects difficulty d (e.g. <c>arith-add@3</c>). User corpora are named by path:
/// <c>text:&lt;file or folder&gt;</c>, <c>jsonl:&lt;path&gt;#&lt;field&gt;</c>, <c>parquet:&lt;path&gt;#&lt;column&gt;</c>
/// (field/column default to <c>text</c>). Task-gym families (<c>task:&lt;name&gt;</c>) need <see cref="WithTaskFamilies"/>.
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
        if (id.StartsWith(TextFileDomain.Prefix, StringComparison.Ordinal)) return new TextFileDomain(id[TextFileDomain.Prefix.Length..]);
        if (id.StartsWith(JsonlDomain.Prefix, StringComparison.Ordinal))
        {
            var (path, field) = SplitColumn(id[JsonlDomain.Prefix.Length..]);
            return new JsonlDomain(path, field);
        }
        if (id.StartsWith(ParquetDomain.Prefix, StringComparison.Ordinal))
        {
            var (path, column) = SplitColumn(id[ParquetDomain.Prefix.Length..]);
            return new ParquetDomain(path, column);
        }
        if (id.StartsWith(TaskFamilyDomain.Prefix, StringComparison.Ordinal))
            throw new BadInputException("corpus spec", $"domain '{id}'", "task-family domains need the task registry",
                "resolve ids with DomainRegistry.WithTaskFamilies(families) (pass it as MaterializeOptions.ResolveDomain)");
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
            "use one of: " + string.Join(", ", Generated.Select(g => g.Id)) + ", or text:/jsonl:/parquet:<path>, or task:<family>");
    }

    /// <summary>A resolver that also knows <c>task:&lt;family&gt;[@d]</c> for the given task-gym families.</summary>
    public static Func<string, IDomain> WithTaskFamilies(IEnumerable<ITaskFamily> families)
    {
        var byName = families.ToDictionary(f => f.Name, StringComparer.Ordinal);
        return id =>
        {
            if (!id.StartsWith(TaskFamilyDomain.Prefix, StringComparison.Ordinal)) return Get(id);
            var (name, difficulty) = SplitDifficulty(id[TaskFamilyDomain.Prefix.Length..]);
            if (!byName.TryGetValue(name, out var family))
                throw new BadInputException("corpus spec", $"domain '{id}'", "unknown task family",
                    "use one of: " + string.Join(", ", byName.Keys.Order(StringComparer.Ordinal).Select(n => TaskFamilyDomain.Prefix + n)));
            if (difficulty < 1 || difficulty > family.MaxDifficulty)
                throw new BadInputException("corpus spec", $"domain '{id}'", $"difficulty {difficulty} is out of range",
                    $"use {TaskFamilyDomain.Prefix}{name}@1 .. @{family.MaxDifficulty}");
            return new TaskFamilyDomain(family, difficulty);
        };
    }

    private static (string Path, string Column) SplitColumn(string rest)
    {
        var hash = rest.LastIndexOf('#');
        return hash < 0 ? (rest, "text") : (rest[..hash], rest[(hash + 1)..]);
    }

    /// <summary>
    /// The task families whose own prompts (with answers) a domain id's documents contain: the family of a
    /// <c>task:&lt;family&gt;</c> domain, a generated domain's <see cref="GeneratedDomain.RendersFamilies"/>, none for
    /// user corpora and unknown ids (those are reported elsewhere). A held-out family may be in none of them.
    /// </summary>
    public static IReadOnlyList<string> RenderedFamilies(string id)
    {
        if (IsUserCorpus(id)) return [];
        var at = id.LastIndexOf('@');
        var baseId = at < 0 ? id : id[..at];
        if (baseId.StartsWith(TaskFamilyDomain.Prefix, StringComparison.Ordinal)) return [baseId[TaskFamilyDomain.Prefix.Length..]];
        foreach (var (knownId, create) in Generated)
            if (knownId == baseId) return create(1).RendersFamilies;
        return [];
    }

    /// <summary>The id without a difficulty suffix: held-out declarations match on this.</summary>
    public static string BaseIdOf(string id) => SplitDifficulty(id).BaseId;

    /// <summary>Whether an id names a user corpus (<c>text:</c>, <c>jsonl:</c>, <c>parquet:</c>) rather than a built-in domain.</summary>
    public static bool IsUserCorpusId(string id) => IsUserCorpus(id);

    private static bool IsUserCorpus(string id) =>
        id.StartsWith(TextFileDomain.Prefix, StringComparison.Ordinal) || id.StartsWith(JsonlDomain.Prefix, StringComparison.Ordinal)
        || id.StartsWith(ParquetDomain.Prefix, StringComparison.Ordinal);

    private static (string BaseId, int Difficulty) SplitDifficulty(string id)
    {
        var at = IsUserCorpus(id) ? -1 : id.LastIndexOf('@');   // paths may contain '@'; user corpora have no levels
        if (at < 0) return (id, 1);
        if (!int.TryParse(id.AsSpan(at + 1), out var difficulty))
            throw new BadInputException("corpus spec", $"domain '{id}'", "the text after '@' is not a difficulty number",
                $"write {id[..at]}@2 (difficulty 1 is the default)");
        return (id[..at], difficulty);
    }
}
