namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Program source, then its execution trace (one <c>line: event</c> per executed step: assignments with the new
/// value, conditions with true/false, prints), then the output.
/// </summary>
public sealed class ProgramTraceDomain : GeneratedDomain
{
    private readonly ProgramGenerator _generator;

    /// <param name="generator">Defaults to <see cref="MiniPrograms.Generate"/>; pass the gym's to use its language.</param>
    /// <param name="generatorName">Distinguishes plugged-in generators in the domain id and cache key.</param>
    public ProgramTraceDomain(int difficulty = 1, ProgramGenerator? generator = null, string generatorName = "mini") : base(
        generatorName == "mini" ? "program-trace" : $"program-trace-{generatorName}", "code",
        $"Short programs ({generatorName} language) with a line-by-line execution trace and the printed output.",
        difficulty, maxDifficulty: 5) =>
        _generator = generator ?? MiniPrograms.Generate;

    protected override string Generate(SplitMix64 random)
    {
        var sample = _generator(random.NextSeed(), Difficulty);
        return $"program:\n{sample.Source}trace:\n{string.Join('\n', sample.Trace)}\noutput:\n{sample.Output}";
    }
}
