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
    public Option<DirectoryInfo?> Out { get; } = new("--out")
    {
        Description = "Output folder for results/ and the report [default: runs/<name>]",
        CustomParser = OptionParsers.Folder,
    };
    public Option<DirectoryInfo?> Models { get; } = new("--models") { Description = "Checkpoint folder [default: models]", CustomParser = OptionParsers.Folder };
    public Option<DirectoryInfo?> Datasets { get; } = new("--datasets")
    {
        Description = "Generated-corpus cache [default: datasets]",
        CustomParser = OptionParsers.Folder,
    };
    public Option<bool> Fresh { get; } = new("--fresh") { Description = "Forget this pipeline's runs (checkpoints and results) and start over" };
    public Option<string?> Device { get; } = new("--device") { Description = "auto, cpu or cuda (overrides the pipeline's device)" };
    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "CPU threads for libtorch, 0–1024 and at most 4 × the logical cores (overrides the pipeline's threads)",
        CustomParser = OptionParsers.Threads,
    };
    public Option<bool> Relocated { get; } = new("--relocated")
    {
        Description = "The folders were moved (a new disk): resume checkpoints written for another --out path",
    };
    public Option<bool> ForceThreads { get; } = new("--force-threads")
    {
        Description = "Allow more threads than 4 × this machine's logical cores",
    };
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
        foreach (var option in new Option[] { Out, Models, Datasets, Fresh, Relocated, Device, Threads, ForceThreads, Precision, RunIds }) command.Options.Add(option);
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
        var plan = RunPlan.Create(points);
        // Every verb sees runs under the ids they are stored with (an older version's ids included); --fresh forgets them.
        if (!parsed.GetValue(Fresh))
            plan = StoredRunIds.Bind(plan, StoredRunIds.InFolders(Path.Combine(OutputFolder(parsed, plan), "results"),
                ModelsFolder(parsed), plan.Experiment), OutputFolder(parsed, plan));
        foreach (var id in parsed.GetValue(RunIds) ?? [])
            if (plan.Runs.All(r => r.Id != id && r.IdentityId != id))
                throw new Results.BadInputException(path, "--run-id", $"the plan has no run '{id}'",
                    "list the plan's run ids with `plan " + parsed.GetValue(Pipeline)!.Name + "`");
        return plan;
    }

    /// <summary>The runs selected by --run-id, or all.</summary>
    public Func<PlannedRun, bool>? Selection(ParseResult parsed)
    {
        var ids = parsed.GetValue(RunIds);
        return ids is { Length: > 0 } ? run => ids.Contains(run.Id) || ids.Contains(run.IdentityId) : null;
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
                        && (fresh || Results.RunLedger.LatestStatus(env.ResultsRoot, r.Id) != Results.RunStatus.Completed))
            .ToList();
        MemoryCheck.Check(plan with { Runs = pending }, parsed.GetValue(Pipeline)!.FullName, MemoryCheck.AvailableBytes,
            modelInHostMemory: env.Device.type == TorchSharp.DeviceType.CPU);
    }

    /// <summary>
    /// The run's folders and device. Checks first, before anything is written: the thread count against this machine
    /// (<see cref="ThreadLimits"/>) and that each folder is, or can become, a folder (<see cref="CheckFolder"/>).
    /// </summary>
    public RunEnvironment Environment(ParseResult parsed, RunPlan plan, IProgressSink progress, CancellationToken cancellation)
    {
        var spec = plan.Spec;
        int? threadsOption = parsed.GetValue(Threads);
        if (threadsOption is { } threads) ThreadLimits.Check(threads, parsed.GetValue(ForceThreads), "command line", "--threads");
        else ThreadLimits.Check(spec.Threads, parsed.GetValue(ForceThreads), parsed.GetValue(Pipeline)!.FullName, "$.threads");
        string output = CheckFolder(Out.Name, OutputFolder(parsed, plan));
        string models = CheckFolder(Models.Name, ModelsFolder(parsed));
        string datasets = CheckFolder(Datasets.Name, DatasetsFolder(parsed));
        Devices.SetThreads(threadsOption ?? spec.Threads);
        var device = Devices.Resolve(parsed.GetValue(Device) ?? spec.Device);
        return new RunEnvironment(output, models, datasets, device, progress, cancellation, parsed.GetValue(Relocated));
    }

    /// <summary>The corpus (and tokenizer) cache: --datasets, or ./datasets.</summary>
    public string DatasetsFolder(ParseResult parsed) => parsed.GetValue(Datasets)?.FullName ?? Path.GetFullPath("datasets");

    private string OutputFolder(ParseResult parsed, RunPlan plan) =>
        parsed.GetValue(Out)?.FullName ?? Path.GetFullPath(Path.Combine("runs", plan.Experiment));

    private string ModelsFolder(ParseResult parsed) => parsed.GetValue(Models)?.FullName ?? Path.GetFullPath("models");

    /// <summary>
    /// Refuses a folder option that names a file, or lies under one (the run would fail late, after writing locks
    /// and corpus caches into the other folders).
    /// </summary>
    internal static string CheckFolder(string option, string path)
    {
        for (string? at = path; at is not null; at = Path.GetDirectoryName(at))
        {
            if (Directory.Exists(at)) return path;
            if (File.Exists(at))
                throw new Results.BadInputException(option, path,
                    at == path ? "is a file, not a folder" : $"lies under '{at}', which is a file, not a folder",
                    $"give {option} a folder (it is created if missing), or move the file away");
        }
        return path;
    }
}
