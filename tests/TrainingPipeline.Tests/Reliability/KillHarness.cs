using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Cluster;

namespace TrainingPipeline.Tests.Reliability;

/// <summary>How a child process is stopped: SIGKILL (no chance to clean up) or SIGTERM (preemption: checkpoint, exit 1).</summary>
public enum StopSignal
{
    Kill,
    Term,
}

/// <summary>
/// One place to stop a run: at the <see cref="Reach"/>-th time the child reaches a <see cref="FaultInjection"/> site
/// (the child signals itself there, through <c>TP_FAULT</c>), or, without a site, <see cref="Delay"/> of wall clock
/// after its first line of output (the CLI prints it once the plan is loaded and before it writes anything).
/// </summary>
public sealed record KillPoint(StopSignal Signal, string? Site, int Reach, TimeSpan Delay)
{
    public IReadOnlyDictionary<string, string> Environment => Site is null
        ? new Dictionary<string, string>()
        : new Dictionary<string, string>
        {
            [FaultInjection.Variable] = string.Create(CultureInfo.InvariantCulture, $"{Site}:{Reach}:{(Signal == StopSignal.Term ? "term" : "kill")}"),
        };

    public override string ToString() => Site is null
        ? string.Create(CultureInfo.InvariantCulture, $"SIG{Signal.ToString().ToUpperInvariant()} after {Delay.TotalSeconds:F2} s")
        : string.Create(CultureInfo.InvariantCulture, $"SIG{Signal.ToString().ToUpperInvariant()} at {Site} #{Reach}");
}

/// <summary>What became of a child process that was to be stopped at a <see cref="KillPoint"/>.</summary>
public sealed record KillOutcome(KillPoint Point, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>The process ended before finishing its work (killed, or stopped after a SIGTERM).</summary>
    public bool Stopped => ExitCode != 0;
}

/// <summary>
/// Runs the built CLI (<c>run &lt;pipeline&gt; --out --models --datasets</c>, all inside one folder) in child
/// processes and stops them at <see cref="KillPoint"/>s. Each folder is a self-contained workspace, so a kill may land
/// anywhere: in corpus generation, training, evaluation, a Parquet flush or a checkpoint write.
/// </summary>
public sealed class KillHarness(string pipelineJson, string root)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public string Root { get; } = root;

    /// <summary>How many child processes this harness started (each costs about a second of CPU to start).</summary>
    public int Processes { get; private set; }

    public string Pipeline
    {
        get
        {
            string path = Path.Combine(Root, "pipeline.json");
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Root);
                File.WriteAllText(path, pipelineJson);
            }
            return path;
        }
    }

    public static string Results(string workspace) => Path.Combine(workspace, "out", "results");

    public static string Models(string workspace) => Path.Combine(workspace, "models");

    private string[] Arguments(string workspace) =>
        ["run", Pipeline, "--out", Path.Combine(workspace, "out"), "--models", Models(workspace), "--datasets", Path.Combine(workspace, "datasets")];

    /// <summary>
    /// Runs to the end with <c>TP_FAULT=trace</c>; returns the exit code, the output, how often each site was reached and
    /// how long the run worked after its first line of output.
    /// </summary>
    public (int ExitCode, string Output, IReadOnlyDictionary<string, int> Reached, TimeSpan Work) Trace(string workspace)
    {
        Processes++;
        using var cli = CliProcess.Start(Root, new Dictionary<string, string> { [FaultInjection.Variable] = "trace" }, Arguments(workspace));
        cli.WaitForFirstLine(Deadline);
        var clock = Stopwatch.StartNew();
        int code = cli.WaitForExit(Deadline);
        var reached = Regex.Matches(cli.Output, $@"{FaultInjection.Variable}: reached (\S+) #")
            .GroupBy(m => m.Groups[1].Value)
            .ToDictionary(g => g.Key, g => g.Count());
        return (code, cli.Output, reached, clock.Elapsed);
    }

    /// <summary>Runs to the end without faults.</summary>
    public (int ExitCode, string Output) Complete(string workspace)
    {
        Processes++;
        return CliProcess.Run(Root, Deadline, Arguments(workspace));
    }

    /// <summary>Starts a run and stops it at <paramref name="point"/> (unless it finishes first).</summary>
    public KillOutcome RunUntil(string workspace, KillPoint point)
    {
        Processes++;
        var clock = Stopwatch.StartNew();
        using var cli = CliProcess.Start(Root, point.Environment, Arguments(workspace));
        if (point.Site is null)
        {
            cli.WaitForFirstLine(Deadline);
            cli.TryWaitForExit(point.Delay);
            if (!cli.HasExited)
            {
                if (point.Signal == StopSignal.Kill) cli.KillHard();
                else cli.Terminate();
            }
        }
        int code = cli.WaitForExit(Deadline);
        return new KillOutcome(point, code, cli.Output, clock.Elapsed);
    }
}
