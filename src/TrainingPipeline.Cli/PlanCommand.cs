using System.CommandLine;
using System.Text.Json;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>plan</c>: validates a pipeline, counts evaluation prompts found in its training data (exit 2 when any are,
/// unless <c>allow_contamination</c>), and lists its runs (ids, stages, parents, sweep axes) without running.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var options = new PipelineOptions();
        var json = new Option<bool>("--json") { Description = "Print one JSON object per run (id, stage, parent, axes)" };
        var command = new Command("plan", "Validate a pipeline and list the runs it expands to, without running them.");
        command.Arguments.Add(options.Pipeline);
        command.Options.Add(options.Precision);
        // The contamination check reads a bpe:<V> tokenizer from (or trains it into) the corpus cache.
        command.Options.Add(options.Datasets);
        command.Options.Add(json);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            var contamination = Evaluation.ContaminationCheck.Run(plan, datasets: options.DatasetsFolder(parsed));
            Evaluation.ContaminationCheck.EnsureClean(contamination, plan, parsed.GetValue(options.Pipeline)!.FullName);
            if (parsed.GetValue(json))
            {
                foreach (var run in plan.Runs)
                    Console.WriteLine(JsonSerializer.Serialize(new { run_id = run.Id, stage = run.Stage, parent_run_id = run.ParentId, axes = run.Axes }));
                return Program.Success;
            }
            Console.WriteLine(Summary.RunsTable(plan.Runs.Select(r => new Pipeline.RunOutcome(r, Pipeline.RunOutcomeKind.Planned)).ToList()));
            Console.WriteLine(contamination.Summary());
            return Program.Success;
        });
        return command;
    }
}
