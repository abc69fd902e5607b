using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Reporting;

namespace TrainingPipeline.Analysis.Tests.Reporting;

public class ReportComposerTests
{
    [Fact]
    public void ReplicateNoiseIsTheSpreadOverSeedsOfCellsTrainedMoreThanOnce()
    {
        LawPoint[] points =
        [
            new(6e10, 1.0, 1e4, 1e6, "a"), new(6e10, 1.2, 1e4, 1e6, "b"), new(6e10, 1.4, 1e4, 1e6, "c"),
            new(2.4e11, 0.8, 4e4, 1e6, "d"), new(2.4e11, 0.9, 4e4, 1e6, "e"),
            // One run only: no spread to measure, not in the table.
            new(6e11, 0.5, 1e5, 1e6, "f"),
        ];

        var blocks = ReportComposer.ReplicateNoise(points);

        var paragraph = Assert.IsType<ParagraphBlock>(blocks[0]);
        // s.d. 0.2 (three seeds) and 0.0707 (two): the median of two cells is their mean, 0.1354.
        Assert.Contains("median s.d. 0.1354 over 2 cells", paragraph.Text);
        var table = Assert.IsType<TableBlock>(blocks[1]);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["10k", "1M", "3", "1.2", "0.2"], table.Rows[0]);
        Assert.Empty(ReportComposer.ReplicateNoise([points[^1]]));
    }
}
