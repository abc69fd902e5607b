using System.Diagnostics;
using TrainingPipeline.Cluster;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Cluster;

/// <summary>
/// Runs a generated array script with bash as Slurm would (SLURM_* variables set), with a stand-in CLI that records
/// its arguments and, like the real one, checkpoints and exits 1 on SIGTERM, and a stand-in <c>scontrol</c>.
/// </summary>
public sealed class SbatchScriptTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Root => Directory.CreateDirectory(_workspace.Root).FullName;
    private string Recorded => Path.Combine(Root, "cli.txt");
    private string Requeued => Path.Combine(Root, "scontrol.txt");

    private string Script()
    {
        string bin = Directory.CreateDirectory(Path.Combine(Root, "bin")).FullName;
        string cli = Path.Combine(bin, "fake-cli");
        File.WriteAllText(cli, $$"""
            #!/usr/bin/env bash
            echo "$@" > '{{Recorded}}'
            trap 'echo checkpointed >> "{{Recorded}}"; exit 1' TERM
            if [ "${FAKE_WORK:-0}" = 1 ]; then echo started >> '{{Recorded}}'; sleep 30 & wait $!; fi
            exit 0
            """);
        File.WriteAllText(Path.Combine(bin, "scontrol"), $"#!/usr/bin/env bash\necho \"$@\" > '{Requeued}'\n");
        if (!OperatingSystem.IsWindows()) // bash scripts: these tests are for the Linux nodes Slurm runs on
            foreach (var file in Directory.GetFiles(bin)) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string runs = Path.Combine(Root, "level-0.runs");
        File.WriteAllText(runs, "aaaa pretrain\nbbbb rl\n");
        string script = Path.Combine(Root, "level-0.sbatch");
        File.WriteAllText(script, SbatchScript.ArrayScript("tp-test-L0", runs, 2, Root,
            new CliInvocation([cli], "/p.json", "/o", "/m", "/d"), new SlurmSubmitOptions()));
        return script;
    }

    private Process StartTask(bool work)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Script());
        info.Environment["SLURM_ARRAY_TASK_ID"] = "1";
        info.Environment["SLURM_JOB_ID"] = "77";
        info.Environment["PATH"] = Path.Combine(Root, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        info.Environment["FAKE_WORK"] = work ? "1" : "0";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void WaitForStart()
    {
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(Recorded) && File.ReadAllText(Recorded).Contains("started", StringComparison.Ordinal)) && clock.Elapsed.TotalSeconds < 20)
            Thread.Sleep(20);
    }

    [Fact]
    public void TaskIRunsTheCliForLineIOfTheRunList()
    {
        using var task = StartTask(work: false);
        Assert.True(task.WaitForExit(20_000));
        Assert.Equal(0, task.ExitCode);
        Assert.Equal("rl /p.json --out /o --models /m --datasets /d --run-id bbbb", File.ReadAllText(Recorded).Trim());
        Assert.False(File.Exists(Requeued));
    }

    [Fact]
    public void TheTimeLimitWarningCheckpointsThenRequeuesTheTask()
    {
        using var task = StartTask(work: true);
        WaitForStart();
        Signal(task, "USR1");
        Assert.True(task.WaitForExit(20_000));
        Assert.Equal(1, task.ExitCode);
        Assert.EndsWith("checkpointed", File.ReadAllText(Recorded).Trim());
        Assert.Equal("requeue 77", File.ReadAllText(Requeued).Trim());
    }

    [Fact]
    public void SigtermCheckpointsAndStopsWithoutRequeueing()
    {
        using var task = StartTask(work: true);
        WaitForStart();
        Signal(task, "TERM");
        Assert.True(task.WaitForExit(20_000));
        Assert.Equal(1, task.ExitCode);
        Assert.EndsWith("checkpointed", File.ReadAllText(Recorded).Trim());
        Assert.False(File.Exists(Requeued)); // scancel or preemption: Slurm decides whether it comes back
    }
}
