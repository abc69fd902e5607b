using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TrainingPipeline.Config;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>eval</c>: parses the options, runs <see cref="EvaluationStage"/> (task accuracy of each run's latest checkpoint on
/// gym families, appended to the evals table) and prints each metric as a table line or JSON; every row records the
/// temperature, completion limit, difficulty and samples per problem it was measured with, and its split from the run's
/// own lineage. The problems evaluated are first checked against each run's training data (printed, recorded, and exit 2
/// when any is found unless the spec sets <c>allow_contamination</c>).
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var options = new PipelineOptions();
        var tasks = new Option<string[]>("--tasks")
        {
            Description = "Task families to evaluate [default: the run's RL tasks, held-out and unrewarded tasks]; each row's split says what the run trained on",
            AllowMultipleArgumentsPerToken = true,
        };
        var problems = new Option<int?>("--problems") { Description = "Distinct eval-split problems per family [default: rl.eval_problems]" };
        var difficulty = new Option<int?>("--difficulty") { Description = "Difficulty level [default: rl.difficulty]" };
        var passK = new Option<int[]>("--pass-k")
        {
            Description = "k of pass@k, k ≤ the samples; several give one row each, e.g. --pass-k 1 2 4 8 16 32 64 [default: rl.pass_k]",
            AllowMultipleArgumentsPerToken = true,
        };
        var problemSplit = new Option<string>("--problem-split")
        {
            Description = "Side of each family's problem space to score: eval (never trained on) or train (the problems RL and task corpora draw " +
                "from: in-distribution like for like with the training reward; rows are labelled train_problems and not contamination-checked) [default: eval]",
            DefaultValueFactory = _ => "eval",
        };
        var shots = new Option<int[]>("--shots")
        {
            Description = "Solved train-split examples of the same family before each prompt; several give one set of rows each, e.g. --shots 0 1 4 8 [default: 0]",
            AllowMultipleArgumentsPerToken = true,
        };
        var samples = new Option<int?>("--samples") { Description = "Completions sampled per problem, n of pass@1 and pass@k [default: rl.eval_samples]" };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature of pass@1 and pass@k [default: rl.temperature]" };
        var maxNewTokens = new Option<int?>("--max-new-tokens") { Description = "Completion-length limit in tokens [default: rl.max_new_tokens]" };
        var json = new Option<bool>("--json") { Description = "One JSON object per (run, family, metric)" };
        var command = new Command("eval",
            "Evaluate the latest checkpoint of each run of a pipeline on gym task families, with the settings of the run's RL evaluations unless overridden.");
        options.AddTo(command);
        foreach (var option in new Option[] { tasks, problems, difficulty, passK, samples, temperature, maxNewTokens, problemSplit, shots, json }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            var env = options.Environment(parsed, plan, Pipeline.NullProgress.Instance, CancellationToken.None);
            string source = parsed.GetValue(options.Pipeline)!.FullName;
            var ks = parsed.GetValue(passK) is { Length: > 0 } givenK ? givenK : null;
            foreach (var k in ks ?? []) CheckRange(k, 1, SpecValidator.MaxPassK, "--pass-k", "use a k no larger than the samples per problem");
            var shotCounts = parsed.GetValue(shots) is { Length: > 0 } givenShots ? givenShots : null;
            foreach (var k in shotCounts ?? []) CheckRange(k, 0, MaxShots, "--shots", "use e.g. 0 1 4 8");
            var side = ProblemSplits.Parse(parsed.GetValue(problemSplit)!, "--problem-split", "--problem-split");
            var overrides = new TaskEvalOverrides(parsed.GetValue(problems), parsed.GetValue(difficulty), parsed.GetValue(samples),
                ks?.Max(), parsed.GetValue(maxNewTokens), parsed.GetValue(temperature), ks, side);
            CheckRange(overrides.Problems, 1, 1_000_000, "--problems", "use e.g. 64");
            CheckRange(overrides.Difficulty, 1, 100, "--difficulty", "use 1 for the easiest level");
            CheckRange(overrides.Samples, 1, SpecValidator.MaxPassK, "--samples", "use e.g. 8");
            CheckRange(overrides.MaxNewTokens, 1, 65536, "--max-new-tokens", "use e.g. 24");
            if (overrides.Temperature is { } t && !(t > 0 && t <= 10))
                throw new BadInputException("--temperature", "--temperature", $"must be in (0, 10], got {t.ToString(CultureInfo.InvariantCulture)}", "use 1.0");
            var request = new EvaluationRequest(parsed.GetValue(tasks), overrides, options.Selection(parsed), shotCounts);
            bool asJson = parsed.GetValue(json);
            // The check's summary goes to stderr under --json, so that stdout stays one JSON object per line.
            new EvaluationStage(env, plan, source).Run(request, e => Console.WriteLine(asJson ? Json(e) : Line(e)),
                contamination => (asJson ? Console.Error : Console.Out).WriteLine(contamination.Summary()));
            return Program.Success;
        });
        return command;
    }

    /// <summary>More examples than any context this pipeline trains would hold.</summary>
    private const int MaxShots = 64;

    private static string Json(EvaluatedMetric e) => JsonSerializer.Serialize(new
    {
        run_id = e.Run.Id,
        stage = e.Run.Stage,
        step = e.Step,
        family = e.Family,
        split = e.Split,
        metric = e.Metric.Metric,
        value = e.Metric.Value,
        stderr = e.Metric.Stderr,
        n = e.Metric.N,
        samples_per_problem = e.Metric.SamplesPerProblem,
        temperature = e.Metric.Temperature,
        max_new_tokens = e.Metric.MaxNewTokens,
        difficulty = e.Metric.Difficulty,
        shots = e.Metric.Shots,
    });

    private static string Line(EvaluatedMetric e)
    {
        var m = e.Metric;
        return string.Create(CultureInfo.InvariantCulture,
            $"{e.Run.Id}  {e.Run.Stage,-16} {e.Family,-20} {e.Split,-16} {m.Metric,-15} {m.Value:F3} ± {m.Stderr:F3}  (T {m.Temperature}, n {m.SamplesPerProblem}, {m.N} problems{(m.Shots > 0 ? $", {m.Shots} shots" : "")})");
    }

    private static void CheckRange(int? value, int low, int high, string option, string fix)
    {
        if (value is { } v && (v < low || v > high))
            throw new BadInputException(option, option, $"must be {low}–{high}, got {v}", fix);
    }
}
