using System.CommandLine;
using TrainingPipeline.Results;
using TrainingPipeline.Training;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>verify &lt;pipeline&gt;</c>: checks every checkpoint of the plan's runs (each step folder's state.json and the
/// SHA-256 of its model.bin and optimizer.bin) without loading a tensor or training. <c>run</c> checks only the
/// checkpoints it resumes from or starts a child from, and skips completed runs unread, so a completed experiment's
/// damaged checkpoints would otherwise surface only at <c>eval</c>. Exit 0 when all are intact, 2 naming the first
/// damaged file (every damaged one is listed).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var options = new PipelineOptions();
        var command = new Command("verify", "Check every checkpoint of a pipeline's runs against its checksums (nothing is trained or written).");
        command.Arguments.Add(options.Pipeline);
        command.Options.Add(options.Models);
        command.Options.Add(options.RunIds);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            string models = PipelineOptions.CheckFolder(options.Models.Name, parsed.GetValue(options.Models)?.FullName ?? Path.GetFullPath("models"));
            var selection = options.Selection(parsed);
            var damaged = new List<BadInputException>();
            int checkpoints = 0;
            foreach (var run in plan.Runs.Where(r => selection?.Invoke(r) ?? true))
            {
                var store = new CheckpointStore(Path.Combine(models, plan.Experiment, run.Id));
                try
                {
                    var steps = store.VerifyAll(run.Id);
                    checkpoints += steps.Count;
                    Console.WriteLine(steps.Count == 0
                        ? $"{run.Id}  {run.Stage,-16} no checkpoint"
                        : $"{run.Id}  {run.Stage,-16} {steps.Count} checkpoint(s) intact, latest at step {steps[^1]}");
                }
                catch (BadInputException e)
                {
                    damaged.Add(e);
                    Console.WriteLine($"{run.Id}  {run.Stage,-16} DAMAGED: {e.Message}");
                }
            }
            if (damaged.Count > 0)
                throw new BadInputException(damaged[0].InputFile, damaged[0].Field,
                    $"{damaged.Count} run(s) have a damaged checkpoint (listed above); this one: {damaged[0].Problem}", damaged[0].Fix);
            Console.WriteLine($"{checkpoints} checkpoint(s) verified under {models}");
            return Program.Success;
        });
        return command;
    }
}
