using System.Runtime.InteropServices;

namespace TrainingPipeline.Cli;

/// <summary>
/// Turns SIGTERM (preemption, Slurm, systemd stop) and Ctrl-C into a cancellation that the stages honour between
/// steps by writing a checkpoint and stopping, instead of dying mid-write. The signal handlers are registered once
/// and kept until the process exits: a signal that arrives after the command finished its work (while it prints its
/// summary, or the runtime shuts down) is acknowledged and ignored, so a completed run still exits 0 rather than 143
/// (which Slurm would take for a failed task, holding back the jobs that wait on it with afterok).
/// </summary>
internal sealed class Interruption : IDisposable
{
    private static readonly object Gate = new();
    private static List<PosixSignalRegistration>? _registrations;
    private static CancellationTokenSource? _current;

    private readonly CancellationTokenSource _source = new();

    public Interruption()
    {
        lock (Gate)
        {
            _registrations ??= [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
            _current = _source;
        }
    }

    public CancellationToken Token => _source.Token;

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // keep running: until the stage has checkpointed, or to exit with the command's own code
        lock (Gate)
        {
            if (_current is null)
            {
                Console.Error.WriteLine($"{context.Signal}: the command has finished; exiting");
                return;
            }
            Console.Error.WriteLine($"{context.Signal}: writing a checkpoint, then stopping (re-run the same command to resume)");
            _current.Cancel();
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (_current == _source) _current = null;
        }
        _source.Dispose();
    }
}
