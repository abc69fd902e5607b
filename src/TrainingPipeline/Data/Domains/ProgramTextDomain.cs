namespace TrainingPipeline.Data.Domains;

/// <summary>Program source followed by its printed output: <c>program:\n...\noutput:\n...</c>.</summary>
public sealed class ProgramTextDomain : GeneratedDomain
{
    private readonly ProgramGenerator _generator;

    /// <param name="generator">Defaults to <see cref="MiniPrograms.Generate"/>; pass the gym's to use its language.</param>
    /// <param name="generatorName">Distinguishes plugged-in generators in the domain id and cache key.</param>
    public ProgramTextDomain(int difficulty = 1, ProgramGenerator? generator = null, string generatorName = "mini") : base(
        generatorName == "mini" ? "program-text" : $"program-text-{generatorName}", "code",
        $"Short programs ({generatorName} language) followed by the output they print.", difficulty, maxDifficulty: 5) =>
        _generator = generator ?? MiniPrograms.Generate;

    protected override string Generate(SplitMix64 random)
    {
        var sample = _generator(random.NextSeed(), Difficulty);
        return $"program:\n{sample.Source}output:\n{sample.Output}";
    }
}
