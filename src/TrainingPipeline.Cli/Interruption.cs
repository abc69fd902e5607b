using System.Globalization;
using System.Runtime.InteropServices;

namespace TrainingPipeline.Cli;

/// <summary>
/// Turns SIGTERM (preemption, Slurm, systemd stop) and Ctrl-C into a cancellation that the stages honour between
/// steps by writing a checkpoint and stopping, instead of dying mid-write. The signal handlers are registered once
/// and kept until the process exits: a signal that arrives after the command finished its work (while it prints its
/// summary, or the runtime shuts down) is acknowledged and ignored, so a completed run still exits 0 rather than 143
/// (which Slurm would take for a failed task, holding back the jobs that wait on it with afterok).
/// <para>
/// A stop is honoured within seconds whatever a step costs: if the stage has not reached a step boundary
/// <see cref="GraceVariable"/> seconds (default <see cref="DefaultGraceSeconds"/>) after the signal, or a second
/// signal arrives, the process exits at once with 143 and no new checkpoint, exactly as if it had been killed: the
/// last published checkpoint and the rows it covers are intact, and re-running resumes from there (a killed run
/// resumes exactly, docs/reliability.md). Why: a step can outlast any scheduler's patience (one run given 100,000
/// libtorch threads logged the SIGTERM and never reached its next step boundary).
/// </para>
/// </summary>
internal sealed class Interruption : IDisposable
{
    public const string GraceVariable = "TP_STOP_GRACE_SECONDS";
    public const int DefaultGraceSeconds = 20; // below Slurm's default KillWait (30 s) before its SIGKILL
    public const int ExitKilled = 143; // 128 + SIGTERM, what a process ended by the signal reports

    private static readonly object Gate = new();
    private static List<PosixSignalRegistration>? _registrations;
    private static Interruption? _current;

    private readonly CancellationTokenSource _source = new();
    private bool _signalled;
    private bool _disposed;

    public Interruption()
    {
        lock (Gate)
        {
            _registrations ??= [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
            _current = this;
        }
    }

    public CancellationToken Token => _source.Token;

    /// <summary>The grace period from <see cref="GraceVariable"/>: a whole number of seconds ≥ 1, else the default.</summary>
    public static TimeSpan Grace =>
        int.TryParse(Environment.GetEnvironmentVariable(GraceVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds >= 1
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(DefaultGraceSeconds);

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // keep running: until the stage has checkpointed, or to exit with the command's own code
        lock (Gate)
        {
            if (_current is not { } current)
            {
                Console.Error.WriteLine($"{context.Signal}: the command has finished; exiting");
                return;
            }
            if (current._signalled)
                StopNow($"{context.Signal} again: stopping now without a new checkpoint (re-run the same command to resume from the last one)");
            current._signalled = true;
            TimeSpan grace = Grace;
            Console.Error.WriteLine($"{context.Signal}: writing a checkpoint, then stopping (re-run the same command to resume); " +
                $"stopping regardless in {grace.TotalSeconds:0} s");
            current._source.Cancel();
            new Thread(() => current.Watch(grace)) { IsBackground = true, Name = "stop watchdog" }.Start();
        }
    }

    private void Watch(TimeSpan grace)
    {
        Thread.Sleep(grace);
        lock (Gate)
        {
            if (_disposed) return; // the command stopped (or finished) in time
            StopNow($"no step boundary reached {grace.TotalSeconds:0} s after the signal: stopping now without a new checkpoint " +
                $"(the last one is intact; re-run the same command to resume from it; {GraceVariable} sets the wait)");
        }
    }

    /// <summary>Ends the process at once, without running shutdown code that could wait on a busy libtorch.</summary>
    private static void StopNow(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.Flush();
        Console.Out.Flush();
        NativeExit(ExitKilled);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void NativeExit(int status);

    public void Dispose()
    {
        lock (Gate)
        {
            _disposed = true;
            if (_current == this) _current = null;
        }
        _source.Dispose();
    }
}
