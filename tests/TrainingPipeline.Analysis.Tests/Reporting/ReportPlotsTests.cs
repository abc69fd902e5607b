using ScottPlot;
using TrainingPipeline.Analysis.Points;
using TrainingPipeline.Analysis.Reporting;

namespace TrainingPipeline.Analysis.Tests.Reporting;

/// <summary>Plots that read right (issue 17): phases are separate segments, the loss axis names its unit and tokenizer,
/// evaluations carry error bars, and the legend sits outside the data area.</summary>
public class ReportPlotsTests
{
    // One model trained narrow then broad: the broad phase starts where the narrow one ended, on another corpus.
    private static readonly LossCurvePoint[] TwoPhases =
    [
        new("narrow-run", 50_000, 1e12, 5.5) { Phase = "pretrain_narrow", StdError = 0.02 },
        new("narrow-run", 50_000, 2e12, 0.4) { Phase = "pretrain_narrow", StdError = 0.02 },
        new("broad-run", 50_000, 2e12, 4.7) { Phase = "pretrain_broad", StdError = 0.03 },
        new("broad-run", 50_000, 3e12, 2.1) { Phase = "pretrain_broad", StdError = 0.03 },
    ];

    [Fact]
    public void PhasesOfOneRunAreSeparateSegmentsNeverOneJoinedCurve()
    {
        var segments = ReportPlots.LossCurveSegments(TwoPhases);

        Assert.Equal([("pretrain_narrow", 0, 2), ("pretrain_broad", 1, 2)], segments.Select(s => (s.Phase, s.PhaseIndex, s.Points.Count)));
        Assert.All(segments, s => Assert.Single(s.Points.Select(p => p.Phase).Distinct()));

        // Drawn: one line per phase, with the phase's own pattern, and no line through both the 0.4 and the 4.7.
        var plot = ReportPlots.LossVsComputePlot(TwoPhases, [], [], "byte");
        var lines = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(2, lines.Count);
        Assert.DoesNotContain(lines, l => l.Data.GetScatterPoints().Any(p => p.Y == 0.4) && l.Data.GetScatterPoints().Any(p => p.Y == 4.7));
        Assert.NotEqual(lines[0].LinePattern, lines[1].LinePattern);
        Assert.Equal(["N = 50k · narrow", "N = 50k · broad"], lines.Select(l => l.LegendText));
    }

    [Fact]
    public void TheLossAxisNamesNatsPerTokenAndTheTokenizerAndTheComputeAxisIsLog()
    {
        var plot = ReportPlots.LossVsComputePlot(TwoPhases, [], [], "byte");
        Assert.Equal("loss (nats per token; byte tokenizer: token = byte)", plot.Axes.Left.Label.Text);
        Assert.Equal("log10 compute (FLOPs, log scale)", plot.Axes.Bottom.Label.Text);
        Assert.Equal("loss (nats per token, bpe:1024 tokenizer)", ReportPlots.LossAxisLabel("bpe:1024"));
    }

    [Fact]
    public void EvaluationsCarryErrorBarsFromTheirStandardErrors()
    {
        var plot = ReportPlots.LossVsComputePlot(TwoPhases, [], [], "byte");
        var bars = plot.GetPlottables().OfType<ScottPlot.Plottables.ErrorBar>().ToList();
        Assert.Equal(2, bars.Count);
        Assert.Equal([0.02, 0.02], bars[0].YErrorPositive);
    }

    [Fact]
    public void TheLegendIsAPanelOutsideTheDataArea()
    {
        var plot = ReportPlots.LossVsComputePlot(TwoPhases, [], [], "byte");
        plot.GetImageBytes(ReportPlots.Width, ReportPlots.Height, ImageFormat.Png);
        var inside = plot.RenderManager.LastRender.DataRect;

        ReportPlots.PlaceLegendOutside(plot);
        plot.GetImageBytes(ReportPlots.Width, ReportPlots.Height, ImageFormat.Png);

        // The in-plot legend is hidden and the data area gives up the figure's right edge to the legend panel.
        Assert.False(plot.Legend.IsVisible);
        Assert.True(plot.RenderManager.LastRender.DataRect.Right < inside.Right - 50,
            $"data area ends at {plot.RenderManager.LastRender.DataRect.Right}, without a legend panel at {inside.Right}");
    }
}
