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
/// <c>eval</c>: task accuracy (unbiased pass@1 and pass@k from sampled completions, greedy_accuracy) of each run's latest checkpoint on gym
/// families, printed as a table (or JSON) and appended to the evals table with stage <c>eval</c>.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var options = new PipelineOptions();
        var tasks = new Option<string[]>("--tasks")
        {
            Description = "Task families to evaluate [default: the pipeline's RL tasks and held-out tasks]",
            AllowMultipleArgumentsPerToken = true,
        };
        var problems = new Option<int>("--problems") { Description = "Distinct eval-split problems per family", DefaultValueFactory = _ => 500 };
        var difficulty = new Option<int?>("--difficulty") { Description = "Difficulty level (default: the pipeline's rl.difficulty, else 1)" };
        var passK = new Option<int>("--pass-k") { Description = "k of pass@k (k ≤ --samples)", DefaultValueFactory = _ => 4 };
        var samples = new Option<int>("--samples") { Description = "Completions sampled per problem (n of pass@1 and pass@k)", DefaultValueFactory = _ => 8 };
        var json = new Option<bool>("--json") { Description = "One JSON object per (run, family, metric)" };
        var command = new Command("eval", "Evaluate the latest checkpoint of each run of a pipeline on gym task families.");
        options.AddTo(command);
        foreach (var option in new Option[] { tasks, problems, difficulty, passK, samples, json }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            var env = options.Environment(parsed, plan, Pipeline.NullProgress.Instance, CancellationToken.None);
            var names = parsed.GetValue(tasks) is { Length: > 0 } given ? given
                : plan.Spec.Rl is { } rl ? SpecValidator.EvaluatedFamilies(rl).ToArray()
                : throw new BadInputException(parsed.GetValue(options.Pipeline)!.FullName, "--tasks",
                    "the pipeline has no rl section to take task families from", "name families with --tasks, e.g. --tasks addition");
            var families = names.Select(TaskRegistry.Get).ToList();
            string source = parsed.GetValue(options.Pipeline)!.FullName;
            CheckRange(parsed.GetValue(problems), 1, 1_000_000, "--problems", "use e.g. 64");
            int level = parsed.GetValue(difficulty) ?? plan.Spec.Rl?.Difficulty ?? 1;
            CheckRange(level, 1, 100, "--difficulty", "use 1 for the easiest level");
            CheckRange(parsed.GetValue(samples), 1, SpecValidator.MaxPassK, "--samples", "use e.g. 8");
            CheckRange(parsed.GetValue(passK), 1, parsed.GetValue(samples), "--pass-k", "use a k no larger than --samples");
            var heldOut = new HashSet<string>(plan.Spec.Rl?.HeldOutTasks ?? []);
            var unrewarded = new HashSet<string>(plan.Spec.Rl?.UnrewardedTasks ?? []);
            var evalOptions = new TaskEvalOptions(parsed.GetValue(problems), level, parsed.GetValue(samples),
                parsed.GetValue(passK), 24, 1.0, plan.Spec.Seed);
            // Every family's eval split must supply the distinct problems asked for before any checkpoint is read.
            foreach (var family in families) TaskEvaluator.Problems(family, evalOptions, "--problems", "--problems");
            var selection = options.Selection(parsed);
            var runs = plan.Runs.Where(r => selection?.Invoke(r) ?? true)
                .Select(r => (Run: r, Store: new CheckpointStore(env.RunDirectory(plan.Experiment, r.Id))))
                .Where(r => r.Store.HasCheckpoint)
                .ToList();
            if (runs.Count == 0)
                throw new BadInputException(source, "checkpoints",
                    $"no run of this pipeline has a checkpoint under {env.Models}", "run the pipeline first (or point --models at its checkpoints)");
            // Every checkpoint is loaded once before the first row is appended: a damaged one stops the command with
            // nothing written, instead of leaving the evals of some runs behind.
            foreach (var (run, store) in runs)
            {
                using var probe = new Gpt(run.Pretrain?.Model ?? run.Rl!.Model);
                store.Load(run.Id, probe, optimizer: null);
            }
            foreach (var (run, store) in runs)
            {
                var modelConfig = run.Pretrain?.Model ?? run.Rl!.Model;
                var precision = run.Pretrain?.Precision ?? run.Rl!.Precision;
                Precisions.EnsureSupported(precision, env.Device);
                using var model = new Gpt(modelConfig, precision);
                model.to(env.Device);
                var state = store.Load(run.Id, model, optimizer: null);
                var rows = new List<EvalRecord>();
                foreach (var family in families)
                {
                    var metrics = TaskEvaluator.Evaluate(model, SpecResolver.ResolveTokenizer(plan.Spec.Tokenizer), family,
                        evalOptions, env.Device);
                    foreach (var m in metrics)
                    {
                        string split = heldOut.Contains(family.Name) ? ResultTables.HeldOut
                            : unrewarded.Contains(family.Name) ? ResultTables.Unrewarded : ResultTables.InDistribution;
                        rows.Add(m.ToRecord("eval", state.Step, state, split));
                        Console.WriteLine(parsed.GetValue(json)
                            ? JsonSerializer.Serialize(new { run_id = run.Id, stage = run.Stage, family = family.Name, split, metric = m.Metric, value = m.Value, stderr = m.Stderr, n = m.N, samples_per_problem = m.SamplesPerProblem })
                            : string.Create(CultureInfo.InvariantCulture, $"{run.Id}  {run.Stage,-16} {family.Name,-20} {m.Metric,-15} {m.Value:F3} ± {m.Stderr:F3}"));
                    }
                }
                env.Results.Append(ResultTables.Evals, run.Id, rows);
            }
            return Program.Success;
        });
        return command;
    }

    private static void CheckRange(int value, int low, int high, string option, string fix)
    {
        if (value < low || value > high)
            throw new BadInputException(option, option, $"must be {low}–{high}, got {value}", fix);
    }
}
