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
/// <c>eval</c>: task accuracy (pass@1 greedy and sampled, unbiased pass@k) of each run's latest checkpoint on gym
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
        var problems = new Option<int>("--problems") { Description = "Problems per family", DefaultValueFactory = _ => 64 };
        var difficulty = new Option<int>("--difficulty") { Description = "Difficulty level", DefaultValueFactory = _ => 1 };
        var passK = new Option<int>("--pass-k") { Description = "k of pass@k (2k samples per problem)", DefaultValueFactory = _ => 4 };
        var json = new Option<bool>("--json") { Description = "One JSON object per (run, family, metric)" };
        var command = new Command("eval", "Evaluate the latest checkpoint of each run of a pipeline on gym task families.");
        options.AddTo(command);
        foreach (var option in new Option[] { tasks, problems, difficulty, passK, json }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            var env = options.Environment(parsed, plan, Pipeline.NullProgress.Instance, CancellationToken.None);
            var names = parsed.GetValue(tasks) is { Length: > 0 } given ? given
                : plan.Spec.Rl is { } rl ? rl.Tasks.Keys.Concat(rl.HeldOutTasks ?? []).ToArray()
                : throw new BadInputException(parsed.GetValue(options.Pipeline)!.FullName, "--tasks",
                    "the pipeline has no rl section to take task families from", "name families with --tasks, e.g. --tasks addition");
            var families = names.Select(TaskRegistry.Get).ToList();
            var heldOut = new HashSet<string>(plan.Spec.Rl?.HeldOutTasks ?? []);
            var selection = options.Selection(parsed);
            int evaluated = 0;
            foreach (var run in plan.Runs.Where(r => selection?.Invoke(r) ?? true))
            {
                var store = new CheckpointStore(env.RunDirectory(plan.Experiment, run.Id));
                if (!store.HasCheckpoint) continue;
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
                        new TaskEvalOptions(parsed.GetValue(problems), parsed.GetValue(difficulty), parsed.GetValue(passK), 24, 1.0, plan.Spec.Seed),
                        env.Device);
                    foreach (var m in metrics)
                    {
                        string split = heldOut.Contains(family.Name) ? ResultTables.HeldOut : ResultTables.InDistribution;
                        rows.Add(new EvalRecord
                        {
                            Stage = "eval",
                            Step = state.Step,
                            Flops = state.ParentFlops + state.RunFlops,
                            RunFlops = state.RunFlops,
                            EvalSet = family.Name,
                            Split = split,
                            Metric = m.Metric,
                            Value = m.Value,
                            N = m.N,
                            Stderr = m.Stderr,
                            WrittenAt = DateTime.UtcNow,
                        });
                        Console.WriteLine(parsed.GetValue(json)
                            ? JsonSerializer.Serialize(new { run_id = run.Id, stage = run.Stage, family = family.Name, split, metric = m.Metric, value = m.Value, stderr = m.Stderr, n = m.N })
                            : string.Create(CultureInfo.InvariantCulture, $"{run.Id}  {run.Stage,-16} {family.Name,-20} {m.Metric,-15} {m.Value:F3} ± {m.Stderr:F3}"));
                    }
                }
                env.Results.Append(ResultTables.Evals, run.Id, rows);
                evaluated++;
            }
            if (evaluated == 0)
                throw new BadInputException(parsed.GetValue(options.Pipeline)!.FullName, "checkpoints",
                    $"no run of this pipeline has a checkpoint under {env.Models}", "run the pipeline first (or point --models at its checkpoints)");
            return Program.Success;
        });
        return command;
    }
}
