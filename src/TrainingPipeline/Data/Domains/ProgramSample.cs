namespace TrainingPipeline.Data.Domains;

/// <summary>
/// A program with what running it produced: <see cref="Output"/> is the printed text (one value per line) and
/// <see cref="Trace"/> the execution steps, one line each, in the form <c>&lt;line&gt;: &lt;event&gt;</c>.
/// </summary>
public sealed record ProgramSample(string Source, string Output, IReadOnlyList<string> Trace);

/// <summary>
/// Makes one program deterministically from (seed, difficulty). The default is <see cref="MiniPrograms.Generate"/>;
/// the task gym's interpreter-based generator can be plugged into the program domains instead.
/// </summary>
public delegate ProgramSample ProgramGenerator(long seed, int difficulty);
