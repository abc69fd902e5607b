using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using TrainingPipeline.Data;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.MLNet;

/// <summary>Reads a trainer's data view into documents or task problems, with bad input named by column and row.</summary>
internal static class DataViewInputs
{
    private const string Source = "input data view";

    public static List<string> Documents(IDataView view, string textColumn)
    {
        var column = TextColumn(view.Schema, textColumn, "documents");
        var documents = new List<string>();
        using var cursor = view.GetRowCursor([column]);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            text(ref value);
            if (!value.Span.IsWhiteSpace()) documents.Add(value.ToString());
        }
        if (documents.Count == 0)
            throw new BadInputException(Source, textColumn, "has no non-empty document", "give the trainer at least one document");
        return documents;
    }

    /// <summary>
    /// The Prompt/Answer rows as problems of <paramref name="verifier"/>: regenerated from the Difficulty and Seed
    /// columns when they reproduce the prompt (code families verify against hidden tests only a generated problem
    /// carries), otherwise built from prompt and answer.
    /// </summary>
    public static List<TaskProblem> Problems(IDataView view, ITaskFamily verifier)
    {
        var schema = view.Schema;
        var prompt = TextColumn(schema, CausalLmColumns.Prompt, "prompts");
        var answer = TextColumn(schema, CausalLmColumns.Answer, "prompts");
        var family = schema.GetColumnOrNull(CausalLmColumns.Family) is { Type: TextDataViewType } f ? f : (DataViewSchema.Column?)null;
        var difficulty = schema.GetColumnOrNull(CausalLmColumns.Difficulty) is { } d && d.Type == NumberDataViewType.Int32 ? d : (DataViewSchema.Column?)null;
        var seed = schema.GetColumnOrNull(CausalLmColumns.Seed) is { } s && s.Type == NumberDataViewType.Int64 ? s : (DataViewSchema.Column?)null;
        var columns = new[] { prompt, answer }.Concat(new[] { family, difficulty, seed }.OfType<DataViewSchema.Column>()).ToList();

        using var cursor = view.GetRowCursor(columns);
        var getPrompt = cursor.GetGetter<ReadOnlyMemory<char>>(prompt);
        var getAnswer = cursor.GetGetter<ReadOnlyMemory<char>>(answer);
        var getFamily = family is { } fc ? cursor.GetGetter<ReadOnlyMemory<char>>(fc) : null;
        var getDifficulty = difficulty is { } dc ? cursor.GetGetter<int>(dc) : null;
        var getSeed = seed is { } sc ? cursor.GetGetter<long>(sc) : null;
        var problems = new List<TaskProblem>();
        ReadOnlyMemory<char> p = default, a = default, name = default;
        int level = 0;
        long problemSeed = 0;
        for (long row = 0; cursor.MoveNext(); row++)
        {
            getPrompt(ref p);
            getAnswer(ref a);
            if (getFamily is not null)
            {
                getFamily(ref name);
                if (name.Length > 0 && !name.Span.SequenceEqual(verifier.Name))
                    throw new BadInputException(Source, $"row {row}: {CausalLmColumns.Family}",
                        $"is '{name}', but the trainer rewards with task family '{verifier.Name}'", "filter the prompts to one family or set TaskFamily to match");
            }
            getDifficulty?.Invoke(ref level);
            getSeed?.Invoke(ref problemSeed);
            string text = p.ToString();
            if (text.Length == 0)
                throw new BadInputException(Source, $"row {row}: {CausalLmColumns.Prompt}", "is empty", "give every row a prompt");
            var generated = CausalLmTransformer.Regenerate(verifier, getDifficulty is null ? null : level, getSeed is null ? null : problemSeed, text);
            problems.Add(generated is not null
                ? generated with { Answer = a.ToString() }
                : new TaskProblem(verifier.Name, getDifficulty is null ? 1 : level, getSeed is null ? row : problemSeed, text, "", a.ToString()));
        }
        if (problems.Count == 0)
            throw new BadInputException(Source, CausalLmColumns.Prompt, "has no rows", "give the trainer at least one prompt");
        return problems;
    }

    /// <summary>The first 12 hex digits of SHA-256 over the texts: names content in run identities and cache keys.</summary>
    public static string ContentHash(IEnumerable<string> texts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var text in texts)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(text));
            sha.AppendData([0]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }

    private static DataViewSchema.Column TextColumn(DataViewSchema schema, string name, string what)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new BadInputException(Source, name, $"there is no column '{name}' (columns: {string.Join(", ", schema.Select(c => c.Name))})",
                $"give the {what} a {name} text column");
        if (column.Type is not TextDataViewType)
            throw new BadInputException(Source, name, $"is {column.Type}, not text", $"give the {what} a {name} text column");
        return column;
    }
}

/// <summary>
/// A pre-training domain over a data view's documents. Its id carries a hash of the content, so the run's identity
/// (and the corpus cache key) changes with the documents. The endless stream replays them in a fresh seeded order each
/// epoch, as user corpora do.
/// </summary>
internal sealed class DocumentsDomain(IReadOnlyList<string> documents) : IDomain
{
    public string Id { get; } = "mlnet-documents-" + DataViewInputs.ContentHash(documents);
    public string Category => "user";
    public string Description => $"{documents.Count} documents of an ML.NET data view";
    public string Fingerprint => Id + "/v1";

    public IEnumerable<string> Documents(long seed)
    {
        var order = Enumerable.Range(0, documents.Count).ToArray();
        for (long epoch = 0; ; epoch++)
        {
            new SplitMix64(SplitMix64.Combine(seed, epoch)).Shuffle(order);
            foreach (var index in order) yield return documents[index];
        }
    }
}

/// <summary>
/// A task family whose problems are a data view's rows, scored by another family's verifier. Named
/// <c>&lt;verifier&gt;@&lt;content hash&gt;</c> (the run's identity and the evals table's eval_set). The RL stage draws train-split
/// rows and evaluates on distinct eval-split rows (<see cref="ProblemSplits"/>), so evaluation never sees a training prompt.
/// </summary>
internal sealed class PromptSetFamily(IReadOnlyList<TaskProblem> problems, ITaskFamily verifier) : ITaskFamily
{
    public string Name { get; } = verifier.Name + "@" + DataViewInputs.ContentHash(problems.SelectMany(p => new[] { p.Prompt, p.Answer }));
    public TaskCategory Category => verifier.Category;
    public string Description => $"{problems.Count} prompts of an ML.NET data view, scored by '{verifier.Name}'";
    public string PromptFormat => verifier.PromptFormat;
    public string AnswerFormat => verifier.AnswerFormat;
    public int MaxDifficulty => 1; // each row keeps its own difficulty

    public TaskProblem Generate(long seed, int difficulty) => problems[(int)((ulong)seed % (ulong)problems.Count)];

    public Verdict Score(TaskProblem problem, string completion) => verifier.Score(problem, completion);
}
