using System.CommandLine;
using TrainingPipeline.Config;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>run</c> executes every stage of a pipeline; <c>pretrain</c> and <c>rl</c> execute one stage of it. Re-running
/// skips completed runs and resumes interrupted ones from their last checkpoint.
/// </summary>
internal static class RunCommand
{
    public static Command Create() => Build("run", "Run every stage of a pipeline: pre-training phases, RL, then analysis.",
        include: null, analyze: true);

    public static Command CreatePretrain() => Build("pretrain", "Run only the pre-training phases of a pipeline.",
        include: r => r.Stage.Kind == StageKind.Pretrain, analyze: false);

    public static Command CreateRl() => Build("rl", "Run only the RL stage of a pipeline (its pre-training runs must be complete).",
        include: r => r.Stage.Kind == StageKind.Rl, analyze: false);

    private static Command Build(string name, string description, Func<PlannedRun, bool>? include, bool analyze)
    {
        var options = new PipelineOptions();
        var command = new Command(name, description);
        options.AddTo(command);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            // Before anything is written: a contaminated evaluation stops the command (exit 2) unless the spec allows it.
            var contamination = Evaluation.ContaminationCheck.Run(plan, datasets: options.DatasetsFolder(parsed));
            Evaluation.ContaminationCheck.EnsureClean(contamination, plan, parsed.GetValue(options.Pipeline)!.FullName);
            using var interruption = new Interruption();
            var outcomes = ConsoleProgress.Run(progress =>
            {
                var env = options.Environment(parsed, plan, progress, interruption.Token);
                var selection = options.Selection(parsed);
                Func<PlannedRun, bool>? filter = include is null ? selection
                    : selection is null ? include : r => include(r) && selection(r);
                options.CheckMemory(parsed, plan, env, filter);
                progress.Log($"{plan.Experiment}: {plan.Runs.Count} runs; results in {env.ResultsRoot}");
                progress.Log(contamination.Summary());
                Evaluation.ContaminationCheck.Record(contamination, env.Results);
                return (Env: env, Runs: new PipelineRunner(env).Run(plan, parsed.GetValue(options.Fresh), filter));
            });
            Console.WriteLine(Summary.RunsTable(outcomes.Runs));
            if (analyze && plan.Spec.Analysis is { } analysis)
            {
                var locked = outcomes.Runs.Where(o => o.Outcome == RunOutcomeKind.Locked).Select(o => o.Run.Id).ToList();
                if (locked.Count > 0)
                    Console.WriteLine($"note: {locked.Count} run(s) are held by another invocation ({string.Join(", ", locked)}): " +
                        "the analysis covers only what they have stored so far; that invocation analyses again when it finishes");
                AnalysisHook.Run(outcomes.Env, analysis);
            }
            Console.WriteLine($"results: {outcomes.Env.ResultsRoot}");
            return Program.Success;
        });
        return command;
    }
}
