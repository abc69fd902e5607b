using System.Text.Json;
using System.Text.RegularExpressions;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Datasets;

/// <summary>
/// GSM8K-style JSONL (<c>{"question": …, "answer": "…reasoning…\n#### N"}</c>) as a task family. Problem i is line
/// i; its difficulty is the number of reasoning lines minus one (GSM8K solutions have at least two), capped at
/// <see cref="MaxDifficulty"/>. The solution is the
/// reasoning without the <c>&lt;&lt;calculator&gt;&gt;</c> annotations, then <c>Answer: N</c>.
/// </summary>
public sealed partial class Gsm8kFamily : ITaskFamily
{
    private readonly IReadOnlyList<TaskProblem> _problems;

    private Gsm8kFamily(IReadOnlyList<TaskProblem> problems) => _problems = problems;

    public string Name => "gsm8k";
    public TaskCategory Category => TaskCategory.Math;
    public string Description => "Grade-school math word problems loaded from a GSM8K-style JSONL file.";
    public string PromptFormat => "The question text followed by a newline.";
    public string AnswerFormat => "Reasoning, then 'Answer: N' (or '#### N', 'The answer is N'); numeric comparison.";
    public int MaxDifficulty => 7;

    /// <summary>Every problem, in file order (<see cref="TaskProblem.Seed"/> is the 0-based line index).</summary>
    public IReadOnlyList<TaskProblem> Problems => _problems;

    public static Gsm8kFamily Load(string path)
    {
        if (Directory.Exists(path))
            throw new BadInputException(path, "file", "is a folder, not a JSONL file", "pass the GSM8K-style JSONL file itself, e.g. <folder>/test.jsonl");
        if (!File.Exists(path))
            throw new BadInputException(path, "file", "does not exist", "pass the path of a GSM8K-style JSONL file");
        var problems = new List<TaskProblem>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            problems.Add(ParseLine(path, lineNumber, problems.Count, line));
        }
        if (problems.Count == 0)
            throw new BadInputException(path, "file", "holds no problems", "give a JSONL file with one problem per line");
        return new Gsm8kFamily(problems);
    }

    private static TaskProblem ParseLine(string path, int lineNumber, int index, string line)
    {
        string question, answer;
        try
        {
            using var json = JsonDocument.Parse(line);
            question = RequiredString(json.RootElement, "question", path, lineNumber);
            answer = RequiredString(json.RootElement, "answer", path, lineNumber);
        }
        catch (JsonException e)
        {
            throw new BadInputException(path, $"line {lineNumber}", "is not valid JSON", "write one JSON object per line", e);
        }
        var marker = answer.LastIndexOf("####", StringComparison.Ordinal);
        if (marker < 0)
            throw new BadInputException(path, $"line {lineNumber}: answer", "has no '#### N' final answer", "end the answer with '#### <number>'");
        var final = answer[(marker + 4)..].Trim().Replace(",", "");
        if (NumericAnswerFormat.Instance.Canonicalize(final) is null)
            throw new BadInputException(path, $"line {lineNumber}: answer", $"final answer '{final}' is not a number", "put one number after '####'");
        var steps = answer[..marker].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Calculator().Replace(s, "")).ToList();
        var solution = string.Concat(steps.Select(s => s + "\n")) + $"Answer: {final}\n";
        var difficulty = Math.Clamp(steps.Count - 1, 1, 7);
        return new TaskProblem("gsm8k", difficulty, index, question.Trim() + "\n", solution, final);
    }

    private static string RequiredString(JsonElement root, string field, string path, int lineNumber) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new BadInputException(path, $"line {lineNumber}: {field}", "is missing or not a string", $"give each line a \"{field}\" string");

    /// <summary>The <paramref name="seed"/>-th problem (cyclically) among those with this difficulty.</summary>
    public TaskProblem Generate(long seed, int difficulty)
    {
        if (difficulty < 1 || difficulty > MaxDifficulty)
            throw new BadInputException("task family 'gsm8k'", "difficulty", $"{difficulty} is outside 1..{MaxDifficulty}", $"use 1..{MaxDifficulty}");
        var pool = _problems.Where(p => p.Difficulty == difficulty).ToList();
        if (pool.Count == 0)
            throw new BadInputException("task family 'gsm8k'", "difficulty", $"no problem has difficulty {difficulty} ({difficulty + 1} reasoning lines)", "choose another difficulty");
        return pool[(int)(((seed % pool.Count) + pool.Count) % pool.Count)];
    }

    public Verdict Score(TaskProblem problem, string completion) =>
        AnswerVerifier.Verify(completion, problem.Answer, NumericAnswerFormat.Instance);

    [GeneratedRegex("<<[^>]*>>")]
    private static partial Regex Calculator();
}
