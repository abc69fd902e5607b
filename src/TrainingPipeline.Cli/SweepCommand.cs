using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using TrainingPipeline.Cluster;
using TrainingPipeline.Config;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>sweep submit --slurm</c>: runs a pipeline's runs as Slurm job arrays (one array per chain level, each after
/// the previous, then an analysis job); <c>sweep status</c>: each run's state in the results dataset and in Slurm.
/// </summary>
internal static partial class SweepCommand
{
    public static Command Create() => new("sweep", "Run a pipeline's sweep on a cluster (Slurm) and follow it.") { Submit(), Status() };

    private static Command Submit()
    {
        var options = new PipelineOptions();
        var slurm = new Option<bool>("--slurm") { Description = "Submit to Slurm with sbatch (the only scheduler supported)" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition for every task" };
        var gpus = new Option<int?>("--gpus-per-task") { Description = "GPUs per array task (e.g. 1; add --device cuda)" };
        var time = new Option<string?>("--time") { Description = "Time limit per task, [D-]HH:MM:SS; tasks checkpoint and requeue 2 minutes before it" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write and print the scripts and sbatch commands without submitting" };
        var command = new Command("submit", "Write sbatch scripts for a pipeline's runs and submit them (completed runs are left out).");
        command.Arguments.Add(options.Pipeline);
        foreach (var option in new Option[] { options.Out, options.Models, options.Datasets, options.Device, options.Threads, options.Precision, slurm, partition, gpus, time, dryRun })
            command.Options.Add(option);
        command.SetAction(parsed =>
        {
            string pipeline = parsed.GetValue(options.Pipeline)!.FullName;
            if (!parsed.GetValue(slurm))
                throw new BadInputException("sweep submit", "--slurm", "no scheduler chosen", "pass --slurm (Slurm is the only scheduler supported)");
            var plan = options.LoadPlan(parsed);
            // Ask Slurm for as many cores as libtorch will use, so tasks sharing a node do not oversubscribe it.
            int threads = parsed.GetValue(options.Threads) ?? plan.Spec.Threads;
            var submitOptions = new SlurmSubmitOptions(parsed.GetValue(partition), ValidGpus(parsed.GetValue(gpus)), ValidTime(parsed.GetValue(time)),
                CpusPerTask: Math.Max(1, threads));
            var cli = Invocation(parsed, options, plan, pipeline);
            bool dry = parsed.GetValue(dryRun);
            var submission = new SweepSubmitter(cli, submitOptions).Submit(plan, Path.Combine(cli.Output, "results"), dry ? null : SlurmClient.Sbatch);
            Print(submission, plan);
            return Program.Success;
        });
        return command;
    }

    private static Command Status()
    {
        var options = new PipelineOptions();
        var command = new Command("status", "Show each run's state from the results dataset and from squeue/sacct.");
        command.Arguments.Add(options.Pipeline);
        command.Options.Add(options.Out);
        command.Options.Add(options.Precision);
        command.SetAction(parsed =>
        {
            var plan = options.LoadPlan(parsed);
            string output = OutputFolder(parsed, options, plan);
            var submissions = SweepSubmission.LoadAll(output);
            var ids = SweepStatus.JobIds(submissions);
            var queue = ids.Count == 0 ? new Dictionary<string, SlurmJobState>() : SlurmClient.Squeue(ids);
            var accounting = ids.Count == 0 ? null : SlurmClient.Sacct(ids);
            var rows = SweepStatus.Collect(plan, Path.Combine(output, "results"), submissions, queue, accounting);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"run_id",-18}{"stage",-18}{"results",-13}{"slurm task",-16}slurm state"));
            foreach (var row in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.RunId,-18}{row.Stage,-18}{(row.ResultsStatus is { } status ? RunStatuses.Name(status) : "no rows"),-13}{row.SlurmTask ?? "-",-16}{row.SlurmState}"));
            int done = rows.Count(r => r.ResultsStatus == RunStatus.Completed);
            Console.WriteLine($"{done}/{rows.Count} runs completed; {submissions.Count} submission(s) under {SweepSubmission.RootFor(output)}" +
                (accounting is null && ids.Count > 0 ? "; sacct unavailable (no accounting), so finished tasks show as 'left the queue'" : ""));
            return Program.Success;
        });
        return command;
    }

    private static string OutputFolder(ParseResult parsed, PipelineOptions options, RunPlan plan) =>
        parsed.GetValue(options.Out)?.FullName ?? Path.GetFullPath(Path.Combine("runs", plan.Experiment));

    /// <summary>Array tasks call this same CLI build: <c>dotnet &lt;this dll&gt;</c>, or the apphost when run as one.</summary>
    private static CliInvocation Invocation(ParseResult parsed, PipelineOptions options, RunPlan plan, string pipeline)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        IReadOnlyList<string> command = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [host, typeof(Program).Assembly.Location]
            : [host];
        return new CliInvocation(command, pipeline, OutputFolder(parsed, options, plan),
            parsed.GetValue(options.Models)?.FullName ?? Path.GetFullPath("models"),
            parsed.GetValue(options.Datasets)?.FullName ?? Path.GetFullPath("datasets"),
            parsed.GetValue(options.Device), parsed.GetValue(options.Threads), parsed.GetValue(options.Precision));
    }

    private static void Print(SweepSubmission submission, RunPlan plan)
    {
        if (submission.Jobs.Count == 0)
        {
            Console.WriteLine($"{plan.Experiment}: every run is already completed; nothing submitted");
            return;
        }
        foreach (var job in submission.Jobs)
        {
            string what = job.Kind == SubmittedJob.AnalysisKind ? "analysis" : $"array of {job.RunIds.Count} run(s): {string.Join(' ', job.RunIds)}";
            string after = job.DependsOn is null ? "" : $" after {job.DependsOn}";
            Console.WriteLine($"job {job.JobId}{after}: {what}");
            if (submission.DryRun)
            {
                Console.WriteLine($"  sbatch {string.Join(' ', SweepSubmitter.SbatchArguments(job.Script, job.DependsOn).Select(Shell.Quote))}");
                Console.WriteLine(File.ReadAllText(job.Script));
            }
        }
        Console.WriteLine(submission.DryRun
            ? $"dry run: scripts written to {submission.Folder}; nothing submitted (real job ids replace the dry-run-* names)"
            : $"submitted; scripts and logs in {submission.Folder}; follow with `sweep status`");
    }

    private static int? ValidGpus(int? gpus) => gpus is null or > 0 ? gpus
        : throw new BadInputException("sweep submit", "--gpus-per-task", $"is {gpus}", "pass a positive number of GPUs, or leave it out");

    private static string? ValidTime(string? time) => time is null || TimeLimit().IsMatch(time) ? time
        : throw new BadInputException("sweep submit", "--time", $"'{time}' is not a Slurm time limit", "use HH:MM:SS or D-HH:MM:SS, e.g. 04:00:00");

    [GeneratedRegex(@"^(\d+-)?\d{1,2}:\d{2}:\d{2}$")]
    private static partial Regex TimeLimit();
}
