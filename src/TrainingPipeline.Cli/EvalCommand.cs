using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TrainingPipeline.Config;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Training;
using TorchSharp;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>eval</c>: task accuracy (unbiased pass@1 and pass@k from sampled completions, greedy_accuracy) of each run's latest
/// checkpoint on gym families, printed as a table (or JSON) and appended to the evals table with stage <c>eval</c>.
/// Settings are the run's own RL evaluation settings (<see cref="RunEvalSettings"/>) unless overridden; every row
/// records the temperature, completion limit, difficulty and samples per problem it was measured with.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var options = new PipelineOptions();
        var tasks = new Option<string[]>("--tasks")
        {
            Description = "Task families to evaluate [default: the run's RL tasks, held-out and unrewarded tasks]",
            AllowMultipleArgumentsPerToken = true,
        };
        var problems = new Option<int?>("--problems") { Description = "Distinct eval-split problems per family [default: rl.eval_problems]" };
        var difficulty = new Option<int?>("--difficulty") { Description = "Difficulty level [default: rl.difficulty]" };
        var passK = new Option<int?>("--pass-k") { Description = "k of pass@k, k ≤ the samples [default: rl.pass_k]" };
        var samples = new Option<int?>("--samples") { Description = "Completions sampled per problem, n of pass@1 and pass@k [default: rl.eval_samples]" };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature of pass@1 and pass@k [default: rl.temperature]" };
        var maxNewTokens = new Option<int?>("--max-new-tokens") { Description = "Completion-length limit in tokens [default: rl.max_new_tokens]" };
        var json = new Option<bool>("--json") { Description = "One JSON object per (run, family, metric)" };
        var command = new Command("eval",
            "Evaluate the latest checkpoint of each run of a pipeline on gym task families, with the settings of the run's RL evaluations unless overridden.");
        options.AddTo(command);
        foreach (var option in new Option[] { tasks, problems, difficulty, passK, samples, temperature, maxNewTokens, json }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            var env = options.Environment(parsed, plan, Pipeline.NullProgress.Instance, CancellationToken.None);
            string source = parsed.GetValue(options.Pipeline)!.FullName;
            var overrides = new TaskEvalOverrides(parsed.GetValue(problems), parsed.GetValue(difficulty), parsed.GetValue(samples),
                parsed.GetValue(passK), parsed.GetValue(maxNewTokens), parsed.GetValue(temperature));
            CheckRange(overrides.Problems, 1, 1_000_000, "--problems", "use e.g. 64");
            CheckRange(overrides.Difficulty, 1, 100, "--difficulty", "use 1 for the easiest level");
            CheckRange(overrides.Samples, 1, SpecValidator.MaxPassK, "--samples", "use e.g. 8");
            CheckRange(overrides.PassK, 1, SpecValidator.MaxPassK, "--pass-k", "use a k no larger than the samples per problem");
            CheckRange(overrides.MaxNewTokens, 1, 65536, "--max-new-tokens", "use e.g. 24");
            if (overrides.Temperature is { } t && !(t > 0 && t <= 10))
                throw new BadInputException("--temperature", "--temperature", $"must be in (0, 10], got {t.ToString(CultureInfo.InvariantCulture)}", "use 1.0");
            var given = parsed.GetValue(tasks) is { Length: > 0 } named ? named : null;
            var selection = options.Selection(parsed);
            var runs = plan.Runs.Where(r => selection?.Invoke(r) ?? true)
                .Select(r => new RunToEvaluate(r, new CheckpointStore(env.RunDirectory(plan.Experiment, r.Id)),
                    RunEvalSettings.RlSectionOf(plan, r), RunEvalSettings.For(plan, r, overrides)))
                .Where(r => r.Store.HasCheckpoint)
                .ToList();
            if (runs.Count == 0)
                throw new BadInputException(source, "checkpoints",
                    $"no run of this pipeline has a checkpoint under {env.Models}", "run the pipeline first (or point --models at its checkpoints)");
            // Settings, families and eval splits of every run are checked, and every checkpoint is loaded once, before
            // the first row is appended: bad input or a damaged checkpoint stops the command with nothing written.
            var families = new Dictionary<string, IReadOnlyList<ITaskFamily>>();
            foreach (var r in runs)
            {
                var names = given ?? (r.Rl is { } rl ? SpecValidator.EvaluatedFamilies(rl).ToArray()
                    : throw new BadInputException(source, "--tasks",
                        "the pipeline has no rl section to take task families from", "name families with --tasks, e.g. --tasks addition"));
                if (r.Options.PassK > r.Options.Samples)
                    throw new BadInputException(source, overrides.PassK is null ? "$.rl.pass_k" : "--pass-k",
                        $"pass@{r.Options.PassK} needs at least {r.Options.PassK} samples per problem, but run {r.Run.Id} draws {r.Options.Samples}",
                        "use a --pass-k no larger than --samples");
                families[r.Run.Id] = [.. names.Select(TaskRegistry.Get)];
                foreach (var family in families[r.Run.Id])
                    TaskEvaluator.Problems(family, r.Options, source, overrides.Problems is null ? "$.rl.eval_problems" : "--problems");
            }
            foreach (var r in runs)
            {
                using var probe = new Gpt(r.Run.Pretrain?.Model ?? r.Run.Rl!.Model);
                r.Store.Load(r.Run.Id, probe, optimizer: null);
            }
            foreach (var (run, store, rlSection, evalOptions) in runs)
            {
                var modelConfig = run.Pretrain?.Model ?? run.Rl!.Model;
                var precision = run.Pretrain?.Precision ?? run.Rl!.Precision;
                Precisions.EnsureSupported(precision, env.Device);
                using var model = new Gpt(modelConfig, precision);
                model.to(env.Device);
                var state = store.Load(run.Id, model, optimizer: null);
                var heldOut = new HashSet<string>(rlSection?.HeldOutTasks ?? []);
                var unrewarded = new HashSet<string>(rlSection?.UnrewardedTasks ?? []);
                var rows = new List<EvalRecord>();
                foreach (var family in families[run.Id])
                {
                    var metrics = TaskEvaluator.Evaluate(model, SpecResolver.ResolveTokenizer(plan.Spec.Tokenizer), family,
                        evalOptions, env.Device);
                    foreach (var m in metrics)
                    {
                        string split = heldOut.Contains(family.Name) ? ResultTables.HeldOut
                            : unrewarded.Contains(family.Name) ? ResultTables.Unrewarded : ResultTables.InDistribution;
                        rows.Add(m.ToRecord("eval", state.Step, state, split));
                        Console.WriteLine(parsed.GetValue(json)
                            ? JsonSerializer.Serialize(new
                            {
                                run_id = run.Id,
                                stage = run.Stage,
                                step = state.Step,
                                family = family.Name,
                                split,
                                metric = m.Metric,
                                value = m.Value,
                                stderr = m.Stderr,
                                n = m.N,
                                samples_per_problem = m.SamplesPerProblem,
                                temperature = m.Temperature,
                                max_new_tokens = m.MaxNewTokens,
                                difficulty = m.Difficulty,
                            })
                            : string.Create(CultureInfo.InvariantCulture,
                                $"{run.Id}  {run.Stage,-16} {family.Name,-20} {m.Metric,-15} {m.Value:F3} ± {m.Stderr:F3}  (T {m.Temperature}, n {m.SamplesPerProblem}, {m.N} problems)"));
                    }
                }
                env.Results.Append(ResultTables.Evals, run.Id, rows);
            }
            return Program.Success;
        });
        return command;
    }

    private sealed record RunToEvaluate(PlannedRun Run, CheckpointStore Store, RlSection? Rl, TaskEvalOptions Options);

    private static void CheckRange(int? value, int low, int high, string option, string fix)
    {
        if (value is { } v && (v < low || v > high))
            throw new BadInputException(option, option, $"must be {low}–{high}, got {v}", fix);
    }
}
