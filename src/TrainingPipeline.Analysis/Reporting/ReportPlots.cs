using ScottPlot;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;
using TrainingPipeline.Analysis.Points;

namespace TrainingPipeline.Analysis.Reporting;

/// <summary>
/// The report's plots, rendered headless to PNG with ScottPlot (SkiaSharp). Compute axes show log10 FLOPs.
/// </summary>
public static class ReportPlots
{
    private const int Width = 800;
    private const int Height = 500;

    /// <summary>One colour per law of a kind, in registry order (<see cref="ScalingLaws"/>).</summary>
    private static readonly Color[] LawColors = [Colors.Red, Colors.Blue, Colors.Green, Colors.Orange, Colors.Purple];

    private static Color LawColor(int index) => LawColors[index % LawColors.Length];

    /// <param name="fits">The pre-training laws' fits on the main evaluation set, in registry order (null: not fitted).</param>
    public static ReportFigure LossVsCompute(IReadOnlyList<LossCurvePoint> curves, IReadOnlyList<LawPoint> finals,
        IReadOnlyList<FittedLaw?> fits)
    {
        var plot = NewPlot("Loss vs compute per model size", "log10 compute (FLOPs)", "loss (nats/token)");
        foreach (var size in curves.GroupBy(c => c.ModelSize).OrderBy(g => g.Key))
        {
            foreach (var run in size.GroupBy(c => c.RunId))
            {
                var ordered = run.OrderBy(c => c.Compute).Where(c => c.Compute > 0).ToArray();
                if (ordered.Length == 0) continue;
                var line = plot.Add.Scatter(ordered.Select(c => Math.Log10(c.Compute)).ToArray(), ordered.Select(c => c.Loss).ToArray());
                line.MarkerSize = 3;
                line.Color = plot.Add.Palette.GetColor((int)(Math.Log2(size.Key) % 10));
                line.LegendText = run.Key == size.First().RunId ? $"N = {size.Key:G3}" : "";
            }
        }
        if (finals.Count > 0)
        {
            var final = plot.Add.ScatterPoints(finals.Select(p => Math.Log10(p.Compute)).ToArray(), finals.Select(p => p.Value).ToArray());
            final.MarkerSize = 8;
            final.MarkerShape = MarkerShape.OpenCircle;
            final.Color = Colors.Black;
            final.LegendText = "final points (fitted)";
        }
        var (lo, hi) = Range(finals.Select(p => Math.Log10(p.Compute)).Concat(curves.Where(c => c.Compute > 0).Select(c => Math.Log10(c.Compute))));
        for (var i = 0; i < fits.Count; i++)
        {
            if (fits[i] is not { } fitted) continue;
            var law = ScalingLaws.Definition(fitted.Law);
            AddCurve(plot, lo, hi + 0.5, x => law.AlongCompute(fitted.Fit, Math.Pow(10, x)), law.CurveLabel, LawColor(i),
                i == 0 ? LinePattern.Solid : LinePattern.Dashed);
        }
        return Render(plot, "pretraining", "Loss vs compute", "loss_vs_compute.png",
            "In-distribution loss along each pre-training run (one colour per model size), the final points used in the fits, " +
            "the fitted L(C) and the loss on the Chinchilla compute-optimal frontier L(N_opt(C), D_opt(C)).", Alignment.UpperRight);
    }

    public static ReportFigure IsoLossContours(FittedLaw chinchilla, IReadOnlyList<LawPoint> points)
    {
        var plot = NewPlot("Iso-loss contours of the Chinchilla fit", "log10 N (parameters)", "log10 D (tokens)");
        var law = new ChinchillaLaw();
        var fit = chinchilla.Fit;
        var (nLo, nHi) = Range(points.Select(p => Math.Log10(p.ModelSize)));
        var (dLo, dHi) = Range(points.Select(p => Math.Log10(p.Tokens)));
        nLo -= 0.5; nHi += 0.5; dLo -= 0.5; dHi += 0.5;
        var losses = points.Select(p => law.Predict(fit, p)).Order().ToArray();
        for (var k = 0; k < 6; k++)
        {
            var level = losses[0] + (losses[^1] - losses[0]) * (k + 0.5) / 6;
            var xs = new List<double>();
            var ys = new List<double>();
            for (var i = 0; i <= 200; i++)
            {
                var logN = nLo + (nHi - nLo) * i / 200;
                // Solve E + A/N^α + B/D^β = level for D.
                var rest = level - fit["E"] - fit["A"] / Math.Pow(Math.Pow(10, logN), fit["alpha"]);
                if (rest <= 0) continue;
                var logD = Math.Log10(Math.Pow(fit["B"] / rest, 1 / fit["beta"]));
                if (logD < dLo || logD > dHi) continue;
                xs.Add(logN);
                ys.Add(logD);
            }
            if (xs.Count < 2) continue;
            var contour = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
            contour.Color = Colors.Gray;
            contour.LegendText = k == 0 ? "iso-loss contours" : "";
            plot.Add.Text($"{level:F2}", xs[^1], ys[^1]).LabelFontSize = 11;
        }
        var (cLo, cHi) = Range(points.Select(p => Math.Log10(p.Compute)));
        var frontier = Enumerable.Range(0, 50).Select(i => ChinchillaLaw.ComputeOptimalAllocation(fit, Math.Pow(10, cLo - 1 + (cHi - cLo + 2) * i / 49.0)))
            .Where(a => Math.Log10(a.ModelSize) >= nLo && Math.Log10(a.ModelSize) <= nHi).ToArray();
        if (frontier.Length > 1)
        {
            var optimal = plot.Add.ScatterLine(frontier.Select(a => Math.Log10(a.ModelSize)).ToArray(), frontier.Select(a => Math.Log10(a.Tokens)).ToArray());
            optimal.Color = Colors.Blue;
            optimal.LinePattern = LinePattern.Dashed;
            optimal.LineWidth = 2;
            optimal.LegendText = "compute-optimal N_opt(C), D_opt(C)";
        }
        var data = plot.Add.ScatterPoints(points.Select(p => Math.Log10(p.ModelSize)).ToArray(), points.Select(p => Math.Log10(p.Tokens)).ToArray());
        data.Color = Colors.Black;
        data.LegendText = "trained models";
        return Render(plot, "pretraining", "Iso-loss contours", "iso_loss.png",
            "Contours of the fitted L(N, D) with the compute-optimal allocation and the trained models.", Alignment.UpperLeft);
    }

    /// <param name="fits">The RL laws' fits on this group, in registry order (null: not fitted).</param>
    public static ReportFigure RlScore(string group, IReadOnlyList<LawPoint> points, IReadOnlyList<FittedLaw?> fits, int index)
    {
        var plot = NewPlot($"RL score vs compute: {group}", "log10 RL compute (FLOPs)", "pass@1");
        var data = plot.Add.ScatterPoints(points.Select(p => Math.Log10(p.Compute)).ToArray(), points.Select(p => p.Value).ToArray());
        data.Color = Colors.Black;
        data.LegendText = "evals";
        var (lo, hi) = Range(points.Select(p => Math.Log10(p.Compute)));
        for (var i = 0; i < fits.Count; i++)
        {
            if (fits[i] is not { } fitted) continue;
            var law = ScalingLaws.Definition(fitted.Law);
            AddCurve(plot, lo, hi, x => law.AlongCompute(fitted.Fit, Math.Pow(10, x)), $"{law.Name} (all points)", LawColor(i), LinePattern.Solid);
            if (fitted.Backtest is { } backtest)
            {
                AddCurve(plot, lo, hi, x => law.AlongCompute(backtest.TrainFit, Math.Pow(10, x)),
                    $"{law.Name} backtest fit (RMSE {backtest.RootMeanSquaredError:G3})", LawColor(i), LinePattern.Dashed);
            }
        }
        var cutoff = fits.Select(f => f?.Backtest?.CutoffCompute).FirstOrDefault(c => c is not null);
        if (cutoff is { } c) plot.Add.VerticalLine(Math.Log10(c), 1, Colors.Gray, LinePattern.Dotted);
        return Render(plot, "rl", $"RL score vs compute: {group}", $"rl_score_{index}.png",
            "Both laws fitted on all points (solid) and on the lower part of the compute range only (dashed, the backtest); " +
            "the dotted line marks the backtest cut-off.", Alignment.UpperLeft);
    }

    public static ReportFigure Transfer(IReadOnlyList<RlRunSummary> runs)
    {
        var plot = NewPlot("Narrow vs broad: final pass@1 by breadth", "breadth (tasks or domains)", "final pass@1");
        var withBreadth = runs.Where(r => r.Breadth is not null).ToArray();
        foreach (var (split, select, color) in new (string, Func<RlRunSummary, double>, Color)[]
                 { ("in_distribution", r => r.InDistribution, Colors.Blue), ("held_out", r => r.HeldOut, Colors.Red) })
        {
            var usable = withBreadth.Where(r => double.IsFinite(select(r))).ToArray();
            if (usable.Length == 0) continue;
            var series = plot.Add.ScatterPoints(usable.Select(r => (double)r.Breadth!.Value).ToArray(), usable.Select(select).ToArray());
            series.Color = color;
            series.MarkerSize = 8;
            series.LegendText = split;
        }
        return Render(plot, "transfer", "Narrow vs broad transfer", "transfer.png",
            "Each RL run's final pass@1, averaged over eval sets, against its breadth (from config_json).");
    }

    public static ReportFigure Inflection(InflectionAnalysis analysis, int index)
    {
        var plot = NewPlot($"Inflection: {analysis.Group} vs {analysis.XLabel}", analysis.XLabel, analysis.Group);
        var data = plot.Add.ScatterPoints(analysis.X.ToArray(), analysis.Y.ToArray());
        data.Color = Colors.Black;
        data.LegendText = "points";
        var (lo, hi) = Range(analysis.X);
        AddCurve(plot, lo, hi, analysis.Fit.Predict, $"hinge fit (p = {analysis.PValue:G2} vs straight line)", Colors.Red, LinePattern.Solid);
        plot.Add.VerticalLine(analysis.Fit.Breakpoint, 1, Colors.Red, LinePattern.Dotted);
        return Render(plot, "inflections", $"Inflection: {analysis.Group} vs {analysis.XLabel}", $"inflection_{index}.png",
            analysis.BreakpointNote is null && double.IsFinite(analysis.Breakpoint.CiLow)
                ? $"Segmented regression; breakpoint {analysis.Breakpoint.Value:G4} (95% CI {analysis.Breakpoint.CiLow:G4} to {analysis.Breakpoint.CiHigh:G4})."
                : $"Segmented regression; breakpoint {analysis.Breakpoint.Value:G4}, no interval (the break is not significant).");
    }

    private static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private static void AddCurve(Plot plot, double from, double to, Func<double, double> f, string label, Color color, LinePattern pattern)
    {
        var xs = Enumerable.Range(0, 100).Select(i => from + (to - from) * i / 99).ToArray();
        var ys = xs.Select(f).ToArray();
        var keep = ys.Select(double.IsFinite).ToArray();
        var line = plot.Add.ScatterLine(xs.Where((_, i) => keep[i]).ToArray(), ys.Where((_, i) => keep[i]).ToArray());
        line.Color = color;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.LegendText = label;
    }

    private static (double Low, double High) Range(IEnumerable<double> values)
    {
        var array = values.Where(double.IsFinite).ToArray();
        return array.Length == 0 ? (0, 1) : (array.Min(), array.Max());
    }

    private static ReportFigure Render(Plot plot, string section, string title, string fileName, string caption,
        Alignment legend = Alignment.LowerRight)
    {
        plot.ShowLegend(legend);
        return new ReportFigure(section, title, fileName, plot.GetImageBytes(Width, Height, ImageFormat.Png), caption);
    }
}
