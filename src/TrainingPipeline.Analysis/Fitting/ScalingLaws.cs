using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>Looks a law up by its command-line name.</summary>
public static class ScalingLaws
{
    public static IReadOnlyList<string> Names { get; } =
        [ChinchillaLaw.LawName, LossComputeLaw.LawName, RlLogLinearLaw.LawName, RlSigmoidLaw.LawName];

    public static IScalingLaw ByName(string name, InitializationGrid? grid = null) => name switch
    {
        ChinchillaLaw.LawName => new ChinchillaLaw(grid),
        LossComputeLaw.LawName => new LossComputeLaw(grid),
        RlLogLinearLaw.LawName => new RlLogLinearLaw(),
        RlSigmoidLaw.LawName => new RlSigmoidLaw(),
        _ => throw new BadInputException("--law", "law", $"unknown law '{name}'", $"use one of {string.Join(", ", Names)}"),
    };
}
