using System.CommandLine;
using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Cli;

/// <summary>The arguments every pipeline verb shares, and how they become a plan and an environment.</summary>
internal sealed class PipelineOptions
{
    public Argument<FileInfo> Pipeline { get; } = new("pipeline") { Description = "The experiment file, e.g. pipelines/quickstart.json" };
    public Option<DirectoryInfo?> Out { get; } = new("--out") { Description = "Output folder for results/ and the report [default: runs/<name>]" };
    public Option<DirectoryInfo?> Models { get; } = new("--models") { Description = "Checkpoint folder [default: models]" };
    public Option<DirectoryInfo?> Datasets { get; } = new("--datasets") { Description = "Generated-corpus cache [default: datasets]" };
    public Option<bool> Fresh { get; } = new("--fresh") { Description = "Forget this pipeline's runs (checkpoints and results) and start over" };
    public Option<string?> Device { get; } = new("--device") { Description = "auto, cpu or cuda (overrides the pipeline's device)" };
    public Option<int?> Threads { get; } = new("--threads") { Description = "CPU threads for libtorch (overrides the pipeline's threads)" };
    public Option<string?> Precision { get; } = new("--precision")
    {
        Description = "fp32 or bf16 (overrides the pipeline's precision; part of each run's id, unlike --device)",
    };
    public Option<string[]> RunIds { get; } = new("--run-id")
    {
        Description = "Run only these run ids of the plan (e.g. one Slurm array task); their parents must be complete",
        AllowMultipleArgumentsPerToken = true,
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Pipeline);
        foreach (var option in new Option[] { Out, Models, Datasets, Fresh, Device, Threads, Precision, RunIds }) command.Options.Add(option);
    }

    public RunPlan LoadPlan(ParseResult parsed)
    {
        string path = parsed.GetValue(Pipeline)!.FullName;
        var points = SpecLoader.LoadFile(path, SpecResolver.Catalogs());
        if (parsed.GetValue(Precision) is { } precision)
        {
            if (Precisions.Parse(precision) is null)
                throw new Results.BadInputException("--precision", "precision", $"unknown precision '{precision}'", "use fp32 or bf16");
            points = points.Select(p => p with { Spec = p.Spec with { Precision = precision } }).ToList();
        }
        var plan = RunPlan.Create(points, SpecResolver.ResolveTokenizer(points[0].Spec.Tokenizer).VocabSize);
        foreach (var id in parsed.GetValue(RunIds) ?? [])
            if (plan.Runs.All(r => r.Id != id))
                throw new Results.BadInputException(path, "--run-id", $"the plan has no run '{id}'",
                    "list the plan's run ids with `plan " + parsed.GetValue(Pipeline)!.Name + "`");
        return plan;
    }

    /// <summary>The runs selected by --run-id, or all.</summary>
    public Func<PlannedRun, bool>? Selection(ParseResult parsed)
    {
        var ids = parsed.GetValue(RunIds);
        return ids is { Length: > 0 } ? run => ids.Contains(run.Id) : null;
    }

    /// <summary>
    /// Refuses, before anything is written, a plan whose runs still to train cannot fit this machine's memory
    /// (<see cref="MemoryCheck"/>). Completed runs are left out: they are skipped, wherever they were trained.
    /// </summary>
    public void CheckMemory(ParseResult parsed, RunPlan plan, RunEnvironment env, Func<PlannedRun, bool>? include)
    {
        bool fresh = parsed.GetValue(Fresh);
        var pending = plan.Runs
            .Where(r => (include?.Invoke(r) ?? true)
                        && (fresh || Results.RunLedger.LatestStatus(env.ResultsRoot, r.Id) != Results.ResultTables.StatusCompleted))
            .ToList();
        MemoryCheck.Check(plan with { Runs = pending }, parsed.GetValue(Pipeline)!.FullName, MemoryCheck.AvailableBytes,
            modelInHostMemory: env.Device.type == TorchSharp.DeviceType.CPU);
    }

    public RunEnvironment Environment(ParseResult parsed, RunPlan plan, IProgressSink progress, CancellationToken cancellation)
    {
        var spec = plan.Spec;
        Devices.SetThreads(parsed.GetValue(Threads) ?? spec.Threads);
        var device = Devices.Resolve(parsed.GetValue(Device) ?? spec.Device);
        return new RunEnvironment(
            parsed.GetValue(Out)?.FullName ?? Path.GetFullPath(Path.Combine("runs", plan.Experiment)),
            parsed.GetValue(Models)?.FullName ?? Path.GetFullPath("models"),
            parsed.GetValue(Datasets)?.FullName ?? Path.GetFullPath("datasets"),
            device, progress, cancellation);
    }
}
