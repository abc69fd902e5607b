using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Tables;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Analysis.Tests.Fitting;

/// <summary>
/// The 245 points Epoch AI extracted from Hoffmann et al.'s Figure 4. Besiroglu et al. (2024, arXiv 2404.10102)
/// drop the 5 highest-loss points and fit 240 with Huber delta 1e-3, reporting E = 1.8172, A = 482.01,
/// B = 2085.43, alpha = 0.3478, beta = 0.3658. Hoffmann et al. published E = 1.69, A = 406.4, B = 410.7,
/// alpha = 0.34, beta = 0.28, which Besiroglu et al. show fits these points worse.
/// </summary>
public class ChinchillaPublishedDataTests
{
    private const string DataFile = "chinchilla/svg_extracted_data.csv";

    private static List<LawPoint> BesirogluPoints()
    {
        var table = CsvTableReader.Read(SharedData.PathOf(DataFile));
        var points = LawPointsFromTable.Build(table, ChinchillaLaw.LawName, new ColumnMapping());
        Assert.Equal(245, points.Count);
        // Their exclusion rule: keep losses strictly below the 5th-largest loss.
        var fifthLargest = points.Select(p => p.Value).OrderDescending().ElementAt(4);
        return [.. points.Where(p => p.Value < fifthLargest)];
    }

    [SharedDataFact(DataFile)]
    public void FitMatchesBesirogluEtAlReanalysis()
    {
        var points = BesirogluPoints();
        Assert.Equal(240, points.Count);
        // The coarse grid keeps the test fast; the full Hoffmann grid (4,500 starts, ~14 s) reaches the same optimum.
        var fit = new ChinchillaLaw(ChinchillaLaw.CoarseGrid).Fit(points);
        Assert.InRange(fit["E"], 1.8172 - 0.02, 1.8172 + 0.02);
        Assert.InRange(fit["alpha"], 0.3478 - 0.005, 0.3478 + 0.005);
        Assert.InRange(fit["beta"], 0.3658 - 0.005, 0.3658 + 0.005);
        Assert.InRange(fit["A"], 482.01 * 0.95, 482.01 * 1.05);
        Assert.InRange(fit["B"], 2085.43 * 0.9, 2085.43 * 1.1);
    }

    [SharedDataFact(DataFile)]
    public void HoffmannsPublishedParametersFitThesePointsWorse()
    {
        var points = BesirogluPoints();
        var law = new ChinchillaLaw(ChinchillaLaw.CoarseGrid);
        var ours = law.Fit(points);
        var hoffmann = new LawFit("chinchilla", 0,
            new Dictionary<string, double> { ["E"] = 1.69, ["A"] = 406.4, ["B"] = 410.7, ["alpha"] = 0.34, ["beta"] = 0.28 }, 0, []);
        double MeanAbsLogResidual(LawFit fit) => points.Average(p => Math.Abs(Math.Log(law.Predict(fit, p)) - Math.Log(p.Value)));
        // Measured: 0.0047 (ours) vs 0.0177 (Hoffmann's rounded published values) on these 240 points.
        Assert.True(MeanAbsLogResidual(ours) < 0.5 * MeanAbsLogResidual(hoffmann));
    }
}
