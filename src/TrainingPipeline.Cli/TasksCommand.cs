using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Datasets;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>tasks list | sample | score</c>: inspect the task gym, print problems with reference answers, and score
/// completions generated elsewhere against a task file.
/// </summary>
internal static class TasksCommand
{
    /// <summary>Prompts are full of '+', '<' and quotes; keep them readable in the JSONL.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var command = new Command("tasks", "The verifiable task gym: list families, sample problems, score completions.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateSample());
        command.Subcommands.Add(CreateScore());
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the registered task families (JSONL: name, category, max_difficulty, formats).");
        command.SetAction(Guarded(_ =>
        {
            foreach (var family in TaskRegistry.All.Concat(TaskRegistry.Variants))
            {
                Console.WriteLine(new JsonObject
                {
                    ["name"] = family.Name,
                    ["category"] = family.Category.ToString().ToLowerInvariant(),
                    ["max_difficulty"] = family.MaxDifficulty,
                    ["description"] = family.Description,
                    ["prompt_format"] = family.PromptFormat,
                    ["answer_format"] = family.AnswerFormat,
                }.ToJsonString(Readable));
            }
            return Program.Success;
        }));
        return command;
    }

    private static Command CreateSample()
    {
        var family = new Option<string>("--family") { Description = "Family name (see 'tasks list').", Required = true };
        var difficulty = new Option<int>("--difficulty") { Description = "Difficulty level, 1..max.", DefaultValueFactory = _ => 1 };
        var count = new Option<int>("--n") { Description = "Number of problems.", DefaultValueFactory = _ => 10 };
        var seed = new Option<long>("--seed") { Description = "First seed; train problem i uses seed + i.", DefaultValueFactory = _ => 0 };
        var split = new Option<string>("--split")
        {
            Description = "train (what corpora and RL draw from, with replacement) or eval (distinct problems, as evaluation draws them).",
            DefaultValueFactory = _ => "train",
        };
        var command = new Command("sample", "Print problems with reference solutions and answers, one JSON object per line.")
        {
            family, difficulty, count, seed, split,
        };
        command.SetAction(Guarded(parsed =>
        {
            var chosen = ProblemSplits.Parse(parsed.GetValue(split)!, "tasks sample", "--split");
            foreach (var line in SampleLines(parsed.GetValue(family)!, parsed.GetValue(difficulty), parsed.GetValue(count), parsed.GetValue(seed), chosen))
                Console.WriteLine(line);
            return Program.Success;
        }));
        return command;
    }

    private static Command CreateScore()
    {
        var task = new Option<string>("--task") { Description = "'gsm8k' or a registered family name.", Required = true };
        var data = new Option<string>("--data")
        {
            Description = "Task file: GSM8K JSONL for --task gsm8k, else the JSONL printed by 'tasks sample'.",
            Required = true,
        };
        var completions = new Option<string>("--completions")
        {
            Description = "JSONL with one {\"completion\": \"...\"} per line, aligned with the task file by line.",
            Required = true,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a sentence." };
        var command = new Command("score", "Score a file of completions against a task file.") { task, data, completions, json };
        command.SetAction(Guarded(parsed =>
        {
            var summary = Score(parsed.GetValue(task)!, parsed.GetValue(data)!, parsed.GetValue(completions)!);
            Console.WriteLine(parsed.GetValue(json)
                ? summary.ToJsonString(Readable)
                : $"{summary["task"]}: {summary["correct"]}/{summary["n"]} correct (accuracy {(double)summary["accuracy"]!:F4}, mean reward {(double)summary["mean_reward"]!:F4})");
            return Program.Success;
        }));
        return command;
    }

    /// <summary>
    /// Bad input becomes exit code 2 here: System.CommandLine's default handler would otherwise catch the exception
    /// first and exit with 1.
    /// </summary>
    private static Func<ParseResult, int> Guarded(Func<ParseResult, int> action) => parsed =>
    {
        try
        {
            return action(parsed);
        }
        catch (BadInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Program.BadInput;
        }
    };

    /// <summary>
    /// Train problems are drawn like corpora and RL draw them (with replacement); eval problems are distinct, like an
    /// evaluation's. Everything is generated before the first line is printed, so a refused split prints nothing.
    /// </summary>
    internal static IReadOnlyList<string> SampleLines(string familyName, int difficulty, int count, long seed,
        ProblemSplit split = ProblemSplit.Train)
    {
        if (count < 0) throw new BadInputException("tasks sample", "--n", $"{count} is negative", "give a count of 0 or more");
        var family = TaskRegistry.Get(familyName);
        if (difficulty < 1 || difficulty > family.MaxDifficulty)
            throw new BadInputException("tasks sample", "--difficulty", $"{difficulty} is outside 1..{family.MaxDifficulty} for '{family.Name}'",
                $"use a difficulty from 1 to {family.MaxDifficulty}");
        var problems = split == ProblemSplit.Eval
            ? ProblemSplits.DrawDistinct(family, seed, difficulty, ProblemSplit.Eval, count, "tasks sample", "--n")
            : Enumerable.Range(0, count).Select(i => ProblemSplits.Generate(family, seed + i, difficulty, ProblemSplit.Train)).ToList();
        return problems.Select(p => ToJson(p).ToJsonString(Readable)).ToList();
    }

    internal static JsonObject ToJson(TaskProblem problem)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in problem.Metadata ?? new Dictionary<string, string>()) metadata[key] = value;
        return new JsonObject
        {
            ["family"] = problem.Family,
            ["difficulty"] = problem.Difficulty,
            ["seed"] = problem.Seed,
            ["prompt"] = problem.Prompt,
            ["solution"] = problem.Solution,
            ["answer"] = problem.Answer,
            ["metadata"] = metadata,
        };
    }

    /// <summary>Scores aligned completions; returns n, correct, accuracy, mean_reward and counts per reason.</summary>
    internal static JsonObject Score(string taskName, string dataPath, string completionsPath)
    {
        ITaskFamily family;
        IReadOnlyList<TaskProblem> problems;
        if (taskName == "gsm8k")
        {
            var gsm8k = Gsm8kFamily.Load(dataPath);
            (family, problems) = (gsm8k, gsm8k.Problems);
        }
        else
        {
            family = TaskRegistry.Get(taskName);
            problems = ReadSampledProblems(dataPath, family.Name);
        }
        var texts = ReadCompletions(completionsPath);
        if (texts.Count != problems.Count)
            throw new BadInputException(completionsPath, "lines", $"has {texts.Count} completions but {dataPath} has {problems.Count} problems",
                "write exactly one completion per task line, in the same order");
        var reasons = new SortedDictionary<string, int>();
        var correct = 0;
        var totalReward = 0.0;
        for (var i = 0; i < problems.Count; i++)
        {
            var verdict = family.Score(problems[i], texts[i]);
            totalReward += verdict.Reward;
            if (verdict.Reason == VerdictReason.Correct) correct++;
            reasons[verdict.Reason.ToString()] = reasons.GetValueOrDefault(verdict.Reason.ToString()) + 1;
        }
        var n = problems.Count;
        var reasonCounts = new JsonObject();
        foreach (var (reason, number) in reasons) reasonCounts[reason] = number;
        return new JsonObject
        {
            ["task"] = family.Name,
            ["n"] = n,
            ["correct"] = correct,
            ["accuracy"] = n == 0 ? 0.0 : (double)correct / n,
            ["mean_reward"] = n == 0 ? 0.0 : totalReward / n,
            ["reasons"] = reasonCounts,
        };
    }

    private static IReadOnlyList<string> ReadCompletions(string path) =>
        ReadJsonLines(path).Select(x => x.Root.ValueKind == JsonValueKind.Object
                && x.Root.TryGetProperty("completion", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()!
            : throw new BadInputException(path, $"line {x.Line}: completion", "is missing or not a string",
                "write one {\"completion\": \"...\"} object per line")).ToList();

    private static IReadOnlyList<TaskProblem> ReadSampledProblems(string path, string familyName) =>
        ReadJsonLines(path).Select(x =>
        {
            string Text(string field) => x.Root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw new BadInputException(path, $"line {x.Line}: {field}", "is missing or not a string", "use the output of 'tasks sample'");
            long Number(string field) => x.Root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number
                ? v.GetInt64()
                : throw new BadInputException(path, $"line {x.Line}: {field}", "is missing or not a number", "use the output of 'tasks sample'");
            if (Text("family") != familyName)
                throw new BadInputException(path, $"line {x.Line}: family", $"is '{Text("family")}', not '{familyName}'", "pass the matching --task");
            var metadata = new Dictionary<string, string>();
            if (x.Root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object)
                foreach (var property in m.EnumerateObject()) metadata[property.Name] = property.Value.ToString();
            return new TaskProblem(familyName, (int)Number("difficulty"), Number("seed"), Text("prompt"), Text("solution"), Text("answer"), metadata);
        }).ToList();

    private static IEnumerable<(int Line, JsonElement Root)> ReadJsonLines(string path)
    {
        if (Directory.Exists(path)) throw new BadInputException(path, "file", "is a folder, not a JSONL file", "pass the JSONL file itself, e.g. the output of 'tasks sample'");
        if (!File.Exists(path)) throw new BadInputException(path, "file", "does not exist", "check the path");
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new BadInputException(path, $"line {lineNumber}", "is not valid JSON", "write one JSON object per line", e);
            }
            if (root.ValueKind != JsonValueKind.Object)
                throw new BadInputException(path, $"line {lineNumber}", "is not a JSON object", "write one JSON object per line");
            yield return (lineNumber, root);
        }
    }
}
