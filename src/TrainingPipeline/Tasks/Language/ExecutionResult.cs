namespace TrainingPipeline.Tasks.Language;

public enum ExecutionErrorKind { Syntax, Runtime, StepLimit, OutputLimit, RecursionLimit }

/// <summary>Why a run stopped early, at which source line (0 when not tied to one).</summary>
public sealed record ExecutionError(ExecutionErrorKind Kind, string Message, int Line)
{
    public override string ToString() => Line > 0 ? $"{Kind} at line {Line}: {Message}" : $"{Kind}: {Message}";
}

/// <summary>One executed assignment or print, e.g. "x = 5" or "print 7", for worked solutions and corpora.</summary>
public sealed record TraceEntry(int Line, string Text);

/// <summary>
/// The outcome of a run. Output produced before an error is kept. <see cref="Trace"/> stops growing after
/// <see cref="ExecutionLimits.MaxTraceLines"/> entries (<see cref="TraceTruncated"/>), which is not an error.
/// </summary>
public sealed record ExecutionResult(
    IReadOnlyList<string> OutputLines,
    IReadOnlyList<TraceEntry> Trace,
    bool TraceTruncated,
    ExecutionError? Error,
    long StepsUsed)
{
    public bool Succeeded => Error is null;
    public string Output => string.Join("\n", OutputLines);
}
