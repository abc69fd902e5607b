using System.Diagnostics;
using System.Text;

namespace TrainingPipeline.Tests.Cluster;

/// <summary>
/// The built CLI (<c>TrainingPipeline.Cli.dll</c>, copied beside the test assembly by the project reference) run as a
/// child process, with stdout and stderr captured, so tests exercise exactly what a user, cron job or Slurm task runs.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    private CliProcess(Process process)
    {
        _process = process;
    }

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "TrainingPipeline.Cli.dll");

    public static CliProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    /// <summary>Starts the CLI with extra environment variables (e.g. <c>TP_FAULT</c>) on top of this process's.</summary>
    public static CliProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs to the end (bounded) and returns the exit code and everything printed.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var cli = Start(workingDirectory, args);
        int code = cli.WaitForExit(timeout);
        return (code, cli.Output);
    }

    public string Output
    {
        get { lock (_gate) return _output.ToString(); }
    }

    public bool HasPrinted(string text) => Output.Contains(text, StringComparison.Ordinal);

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until the process prints its first line or exits (bounded by <paramref name="timeout"/>).</summary>
    public void WaitForFirstLine(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Output.Length == 0 && !_process.HasExited && clock.Elapsed < timeout) Thread.Sleep(5);
    }

    /// <summary>Waits up to <paramref name="timeout"/>; true when the process has exited.</summary>
    public bool TryWaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>Sends SIGKILL (no chance to clean up), as the OOM killer or a power cut would.</summary>
    public void KillHard()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // it exited on its own just before
        }
    }

    /// <summary>Sends SIGTERM (preemption, Slurm, systemd stop), which the CLI answers with a checkpoint.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the CLI did not finish within {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate) _output.AppendLine(line);
    }
}
