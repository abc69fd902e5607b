using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Fitting;

public class ScalingLawsTests
{
    [Fact]
    public void EachEntryBuildsTheLawItNames()
    {
        foreach (var definition in ScalingLaws.All)
            Assert.Equal(definition.Name, definition.Create(null).Name);
        Assert.Equal(ScalingLaws.Names.Count, ScalingLaws.Names.Distinct().Count());
    }

    [Fact]
    public void TheStageFitsTheLawsOfEachKindInRegistryOrder()
    {
        Assert.Equal([LossComputeLaw.LawName, ChinchillaLaw.LawName], ScalingLaws.OfKind(LawKind.Pretraining).Select(l => l.Name));
        Assert.Equal([RlLogLinearLaw.LawName, RlSigmoidLaw.LawName], ScalingLaws.OfKind(LawKind.Rl).Select(l => l.Name));
    }

    [Fact]
    public void TheStageGridComesFromTheAnalysisOptions()
    {
        var options = new AnalysisOptions(ChinchillaGrid: ChinchillaLaw.CoarseGrid, LossComputeGrid: LossComputeLaw.CoarseGrid);
        Assert.Same(ChinchillaLaw.CoarseGrid, Assert.IsType<ChinchillaLaw>(ScalingLaws.Definition(ChinchillaLaw.LawName).CreateFor(options)).Grid);
        Assert.Same(LossComputeLaw.CoarseGrid, Assert.IsType<LossComputeLaw>(ScalingLaws.Definition(LossComputeLaw.LawName).CreateFor(options)).Grid);
        Assert.Same(ChinchillaLaw.HoffmannGrid, Assert.IsType<ChinchillaLaw>(ScalingLaws.Definition(ChinchillaLaw.LawName).CreateFor(new AnalysisOptions())).Grid);
    }

    [Fact]
    public void TheCurveAlongComputeIsTheLawsPrediction()
    {
        var fit = new LawFit(LossComputeLaw.LawName, 5, new Dictionary<string, double> { ["E"] = 1.5, ["A"] = 100, ["alpha"] = 0.2 }, 0, [0, 0, 0]);
        Assert.Equal(1.5 + 100 * Math.Pow(1e18, -0.2), ScalingLaws.Definition(LossComputeLaw.LawName).AlongCompute(fit, 1e18), 12);
    }

    [Fact]
    public void AnUnknownLawNamesTheAllowedOnes()
    {
        var error = Assert.Throws<BadInputException>(() => ScalingLaws.Definition("kaplan"));
        Assert.Contains(string.Join(", ", ScalingLaws.Names), error.Message);
    }
}
