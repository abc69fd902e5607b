using System.Diagnostics;
using System.Globalization;
using TrainingPipeline.Cli;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Cluster;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Reliability;

/// <summary>
/// A SIGTERM is honoured within seconds whatever a step costs (issue 20: a run given 100,000 libtorch threads logged
/// the SIGTERM and never stopped). The child process signals itself in the middle of a pre-training step that never
/// ends (<c>TP_FAULT=pretrain.step:3:stall</c>), the stand-in for a step that cannot finish; the stop watchdog must end
/// it with exit 143 about <c>TP_STOP_GRACE_SECONDS</c> later, and the run must then resume and complete.
/// </summary>
public sealed class StopWatchdogTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void ASigtermDuringAStepThatNeverEndsStopsTheProcessWithinTheGracePeriodAndTheRunResumes()
    {
        var harness = new KillHarness(FaultInjectionTests.Pipeline, _workspace.Root);
        string threads = Math.Min(4, ThreadLimits.MachineMax).ToString(CultureInfo.InvariantCulture); // a modest count
        string[] args = ["run", harness.Pipeline, "--threads", threads, "--out", Path.Combine(_workspace.Root, "out"),
            "--models", KillHarness.Models(_workspace.Root), "--datasets", Path.Combine(_workspace.Root, "datasets")];
        const int grace = 2;
        var environment = new Dictionary<string, string>
        {
            [FaultInjection.Variable] = FaultInjection.Sites.PretrainStep + ":3:stall",
            [Interruption.GraceVariable] = grace.ToString(CultureInfo.InvariantCulture),
        };

        using var stalled = CliProcess.Start(_workspace.Root, environment, args);
        var clock = Stopwatch.StartNew();
        while (!stalled.HasPrinted("SIGTERM and stall") && !stalled.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
        Assert.True(stalled.HasPrinted("SIGTERM and stall"), stalled.Output);
        var signalled = Stopwatch.StartNew();
        int code = stalled.WaitForExit(TimeSpan.FromSeconds(grace + 30)); // throws if the process never stops
        var latency = signalled.Elapsed;

        Assert.True(code == Interruption.ExitKilled, $"exit {code}\n{stalled.Output}");
        Assert.Contains("no step boundary reached", stalled.Output);
        Assert.True(latency < TimeSpan.FromSeconds(grace + 15), $"stopped {latency.TotalSeconds:F1} s after the signal");

        var (resumed, output) = harness.Complete(_workspace.Root);
        Assert.True(resumed == 0, output);
        var results = ResultsReader.Read(KillHarness.Results(_workspace.Root));
        Assert.All(results.Runs, r => Assert.Equal(RunStatus.Completed, r.Status));
    }
}
