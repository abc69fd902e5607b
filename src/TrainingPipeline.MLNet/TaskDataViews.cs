using Microsoft.ML;
using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Datasets;

namespace TrainingPipeline.MLNet;

/// <summary>
/// One task problem as an ML.NET row. A mutable class rather than a record because ML.NET's
/// <c>CreateEnumerable</c> needs a parameterless constructor and setters.
/// </summary>
public sealed class TaskPromptRow
{
    public string Prompt { get; set; } = "";
    public string Answer { get; set; } = "";
    public string Family { get; set; } = "";
    public int Difficulty { get; set; }
    public long Seed { get; set; }
}

/// <summary>One evaluation document as an ML.NET row.</summary>
public sealed class EvalTextRow
{
    public string Text { get; set; } = "";
}

/// <summary>
/// Prompt sets and evaluation text sets as <see cref="IDataView"/>s, so ML.NET pipelines can consume them. Every view
/// is built in memory with <c>LoadFromEnumerable</c>: these sets are small (hundreds to thousands of rows), and a
/// materialized list makes repeated cursors cheap and identical.
/// </summary>
public static class TaskDataViews
{
    /// <summary>
    /// <paramref name="count"/> problems of a gym family at one difficulty from one side of its train/eval split
    /// (<see cref="ProblemSplits"/>); columns Prompt, Answer, Family, Difficulty, Seed. <c>train</c> (the default) draws
    /// as task corpora and RL do: problem <i>i</i> from seed <paramref name="firstSeed"/> + <i>i</i>, with replacement.
    /// <c>eval</c> draws as evaluation does: <paramref name="count"/> distinct eval problems in an order fixed by
    /// <paramref name="firstSeed"/>, or bad input when the split holds fewer. The two never share a prompt.
    /// </summary>
    public static IDataView FromFamily(MLContext mlContext, string familyName, int count, int difficulty, long firstSeed = 0,
        ProblemSplit split = ProblemSplit.Train) =>
        FromFamily(mlContext, TaskRegistry.Get(familyName), count, difficulty, firstSeed, split);

    /// <inheritdoc cref="FromFamily(MLContext, string, int, int, long, ProblemSplit)"/>
    public static IDataView FromFamily(MLContext mlContext, ITaskFamily family, int count, int difficulty, long firstSeed = 0,
        ProblemSplit split = ProblemSplit.Train)
    {
        if (count < 1)
            throw new BadInputException($"task family '{family.Name}'", "count", $"{count} is not a positive number of problems", "ask for at least one problem");
        if (difficulty < 1 || difficulty > family.MaxDifficulty)
            throw new BadInputException($"task family '{family.Name}'", "difficulty", $"{difficulty} is outside 1..{family.MaxDifficulty}",
                $"use a difficulty in 1..{family.MaxDifficulty}");
        var problems = split == ProblemSplit.Eval
            ? ProblemSplits.DrawDistinct(family, firstSeed, difficulty, ProblemSplit.Eval, count, $"task family '{family.Name}'", "count")
            : Enumerable.Range(0, count).Select(i => ProblemSplits.Generate(family, firstSeed + i, difficulty, ProblemSplit.Train)).ToList();
        var rows = problems.Select(ToRow).ToList();
        return mlContext.Data.LoadFromEnumerable(rows);
    }

    /// <summary>Every problem of a GSM8K-style JSONL file, in file order; Seed is the 0-based problem index.</summary>
    public static IDataView FromGsm8k(MLContext mlContext, string jsonlPath) =>
        mlContext.Data.LoadFromEnumerable(Gsm8kFamily.Load(jsonlPath).Problems.Select(ToRow).ToList());

    /// <summary>Given documents as an evaluation text set (column Text).</summary>
    public static IDataView EvalTexts(MLContext mlContext, IEnumerable<string> documents) =>
        mlContext.Data.LoadFromEnumerable(documents.Select(d => new EvalTextRow { Text = d }).ToList());

    /// <summary>
    /// The first <paramref name="count"/> documents a corpus domain (e.g. <c>arith-add</c>, <c>sort-trace@2</c>)
    /// generates for <paramref name="seed"/> in the evaluation role (eval problems only, for a domain that renders task
    /// problems), as an evaluation text set (column Text).
    /// </summary>
    public static IDataView EvalTextsFromDomain(MLContext mlContext, string domainId, int count, long seed)
    {
        if (count < 1)
            throw new BadInputException($"domain '{domainId}'", "count", $"{count} is not a positive number of documents", "ask for at least one document");
        var domain = SpecResolver.ResolveDomain(domainId);
        // An evaluation text set: a task: domain draws its family's eval split, as pre-training's loss evaluation does.
        return EvalTexts(mlContext, domain.Documents(seed, Data.CorpusRole.Evaluation).Take(count));
    }

    private static TaskPromptRow ToRow(TaskProblem problem) => new()
    {
        Prompt = problem.Prompt,
        Answer = problem.Answer,
        Family = problem.Family,
        Difficulty = problem.Difficulty,
        Seed = problem.Seed,
    };
}
