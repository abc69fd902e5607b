using System.Runtime.InteropServices;

namespace TrainingPipeline.Cli;

/// <summary>
/// Turns SIGTERM (preemption, Slurm, systemd stop) and Ctrl-C into a cancellation that the stages honour between
/// steps by writing a checkpoint and stopping, instead of dying mid-write.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly List<PosixSignalRegistration> _registrations = new();

    public Interruption()
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // keep running until the stage has checkpointed
                Console.Error.WriteLine($"{signal}: writing a checkpoint, then stopping (re-run the same command to resume)");
                _source.Cancel();
            }));
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
