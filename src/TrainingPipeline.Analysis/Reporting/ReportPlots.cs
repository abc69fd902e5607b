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
    /// <summary>Wide enough for the legend panel beside an 800-pixel data area.</summary>
    public const int Width = 1040;
    public const int Height = 500;

    /// <summary>One colour per law of a kind, in registry order (<see cref="ScalingLaws"/>).</summary>
    private static readonly Color[] LawColors = [Colors.Red, Colors.Blue, Colors.Green, Colors.Orange, Colors.Purple];

    private static Color LawColor(int index) => LawColors[index % LawColors.Length];

    /// <summary>One drawn segment of the loss curves: one run, which is one phase of one model.</summary>
    public sealed record LossSegment(long ModelSize, string Phase, int PhaseIndex, string RunId, IReadOnlyList<LossCurvePoint> Points);

    /// <summary>
    /// The loss curves as segments, one per run, never joined across phases: a broad phase continues the narrow phase's
    /// model but evaluates on its own (broader) corpus, so its first point is a different quantity from the narrow
    /// phase's last one, not a jump in one curve. Phases are numbered in order of first compute (narrow before broad).
    /// </summary>
    public static IReadOnlyList<LossSegment> LossCurveSegments(IReadOnlyList<LossCurvePoint> curves)
    {
        var phases = curves.Where(c => c.Compute > 0).GroupBy(c => c.Phase).OrderBy(g => g.Min(c => c.Compute)).Select(g => g.Key).ToList();
        return [.. curves.Where(c => c.Compute > 0).GroupBy(c => c.RunId)
            .Select(run => new LossSegment(run.First().ModelSize, run.First().Phase, phases.IndexOf(run.First().Phase), run.Key, [.. run.OrderBy(c => c.Compute)]))
            .OrderBy(s => s.ModelSize).ThenBy(s => s.PhaseIndex).ThenBy(s => s.RunId, StringComparer.Ordinal)];
    }

    /// <summary>The loss axis' label: nats per token of the runs' tokenizer (for the byte tokenizer a token is a byte).</summary>
    public static string LossAxisLabel(string tokenizer) =>
        tokenizer == "byte" ? "loss (nats per token; byte tokenizer: token = byte)" : $"loss (nats per token, {tokenizer} tokenizer)";

    /// <param name="fits">The pre-training laws' fits on the main evaluation set, in registry order (null: not fitted).</param>
    /// <param name="tokenizer">The runs' tokenizer (config_json <c>tokenizer</c>), named on the loss axis.</param>
    public static ReportFigure LossVsCompute(IReadOnlyList<LossCurvePoint> curves, IReadOnlyList<LawPoint> finals,
        IReadOnlyList<FittedLaw?> fits, string tokenizer = "byte") =>
        Render(LossVsComputePlot(curves, finals, fits, tokenizer), "pretraining", "Loss vs compute", "loss_vs_compute.png",
            "In-distribution loss along each pre-training run with its evaluation standard error (one colour per model size; each phase " +
            "its own segment and marker, evaluated on its own corpus: a broad phase's first point is not a jump from the narrow " +
            "phase's last), the final points (open circles: Chinchilla's fit uses them all), the compute-efficient frontier among them " +
            "(filled: the points L(C) is fitted to), the fitted L(C) and the loss on the Chinchilla compute-optimal frontier " +
            "L(N_opt(C), D_opt(C)). The x axis is log10 of the cumulative FLOPs.");

    private static readonly MarkerShape[] PhaseMarkers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];
    private static readonly LinePattern[] PhasePatterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    internal static Plot LossVsComputePlot(IReadOnlyList<LossCurvePoint> curves, IReadOnlyList<LawPoint> finals,
        IReadOnlyList<FittedLaw?> fits, string tokenizer)
    {
        var plot = NewPlot("Loss vs compute per model size and phase", "log10 compute (FLOPs, log scale)", LossAxisLabel(tokenizer));
        var sizes = curves.Select(c => c.ModelSize).Distinct().Order().ToList();
        var labelled = new HashSet<(long, string)>();
        foreach (var segment in LossCurveSegments(curves))
        {
            var xs = segment.Points.Select(c => Math.Log10(c.Compute)).ToArray();
            var ys = segment.Points.Select(c => c.Loss).ToArray();
            var color = plot.Add.Palette.GetColor(sizes.IndexOf(segment.ModelSize));
            var line = plot.Add.Scatter(xs, ys);
            line.MarkerSize = 5;
            line.MarkerShape = PhaseMarkers[Math.Max(segment.PhaseIndex, 0) % PhaseMarkers.Length];
            line.LinePattern = PhasePatterns[Math.Max(segment.PhaseIndex, 0) % PhasePatterns.Length];
            line.Color = color;
            line.LegendText = labelled.Add((segment.ModelSize, segment.Phase)) ? $"N = {ReportCard.Count(segment.ModelSize)} · {PhaseName(segment.Phase)}" : "";
            AddErrorBars(plot, xs, ys, [.. segment.Points.Select(c => c.StdError)], color);
        }
        if (finals.Count > 0)
        {
            var final = plot.Add.ScatterPoints(finals.Select(p => Math.Log10(p.Compute)).ToArray(), finals.Select(p => p.Value).ToArray());
            final.MarkerSize = 9;
            final.MarkerShape = MarkerShape.OpenCircle;
            final.Color = Colors.Black;
            final.LegendText = "final points (Chinchilla fit)";
            // L(C) is fitted to the compute-efficient frontier only (ComputeFrontier): those points are filled.
            var frontier = ComputeFrontier.Select(finals);
            var onFrontier = plot.Add.ScatterPoints(frontier.Select(p => Math.Log10(p.Compute)).ToArray(), frontier.Select(p => p.Value).ToArray());
            onFrontier.MarkerSize = 5;
            onFrontier.MarkerShape = MarkerShape.FilledCircle;
            onFrontier.Color = Colors.Black;
            onFrontier.LegendText = "compute-efficient frontier (L(C) fit)";
        }
        var (lo, hi) = Range(finals.Select(p => Math.Log10(p.Compute)).Concat(curves.Where(c => c.Compute > 0).Select(c => Math.Log10(c.Compute))));
        for (var i = 0; i < fits.Count; i++)
        {
            if (fits[i] is not { } fitted) continue;
            var law = ScalingLaws.Definition(fitted.Law);
            AddCurve(plot, lo, hi + 0.5, x => law.AlongCompute(fitted.Fit, Math.Pow(10, x)), law.CurveLabel, LawColor(i),
                i == 0 ? LinePattern.Solid : LinePattern.Dashed);
        }
        return plot;
    }

    private static string PhaseName(string stage) => stage.StartsWith("pretrain_", StringComparison.Ordinal) ? stage["pretrain_".Length..] : stage;

    /// <summary>Vertical error bars of ± one standard error where it is known.</summary>
    private static void AddErrorBars(Plot plot, double[] xs, double[] ys, double[] errors, Color color)
    {
        var keep = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(errors[i]) && errors[i] > 0).ToArray();
        if (keep.Length == 0) return;
        var bars = plot.Add.ErrorBar([.. keep.Select(i => xs[i])], [.. keep.Select(i => ys[i])], [.. keep.Select(i => errors[i])]);
        bars.Color = color;
    }

    public static ReportFigure IsoLossContours(FittedLaw chinchilla, IReadOnlyList<LawPoint> points)
    {
        var plot = NewPlot("Iso-loss contours of the Chinchilla fit", "log10 N (parameters, log scale)", "log10 D (tokens, log scale)");
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
            "Contours of the fitted L(N, D) with the compute-optimal allocation and the trained models.");
    }

    /// <summary>
    /// IsoFLOP profiles (Hoffmann et al. 2022, approach 2, drawn from the approach-3 fit): at compute levels spanning the
    /// data, the fitted loss against model size with D = C/(6N), its minimum (N_opt) marked, and the trained models whose
    /// compute lies within ± <see cref="IsoFlopHalfWidthDecades"/> decades of a level drawn in that level's colour.
    /// </summary>
    public static ReportFigure IsoFlopProfiles(FittedLaw chinchilla, IReadOnlyList<LawPoint> points)
    {
        var plot = NewPlot("IsoFLOP profiles of the Chinchilla fit", "log10 N (parameters, log scale)", "loss (nats per token)");
        var law = new ChinchillaLaw();
        var fit = chinchilla.Fit;
        var (nLo, nHi) = Range(points.Select(p => Math.Log10(p.ModelSize)));
        var (cLo, cHi) = Range(points.Select(p => Math.Log10(p.Compute)));
        const int levels = 5;
        for (var k = 0; k < levels; k++)
        {
            var logC = cLo + (cHi - cLo) * (k + 0.5) / levels;
            var compute = Math.Pow(10, logC);
            var color = LawColor(k);
            var xs = Enumerable.Range(0, 101).Select(i => nLo - 0.5 + (nHi - nLo + 1) * i / 100.0).ToArray();
            var ys = xs.Select(x => law.Predict(fit, new LawPoint(compute, double.NaN, Math.Pow(10, x), compute / (6 * Math.Pow(10, x))))).ToArray();
            var curve = plot.Add.ScatterLine(xs, ys);
            curve.Color = color;
            curve.LegendText = $"C = 1e{logC:F1} FLOPs";
            var (optimalN, optimalD) = ChinchillaLaw.ComputeOptimalAllocation(fit, compute);
            var minimum = plot.Add.ScatterPoints(new[] { Math.Log10(optimalN) }, new[] { law.Predict(fit, new LawPoint(compute, double.NaN, optimalN, optimalD)) });
            minimum.Color = color;
            minimum.MarkerShape = MarkerShape.FilledDiamond;
            minimum.MarkerSize = 10;
            var near = points.Where(p => Math.Abs(Math.Log10(p.Compute) - logC) <= IsoFlopHalfWidthDecades).ToArray();
            if (near.Length == 0) continue;
            var trained = plot.Add.ScatterPoints(near.Select(p => Math.Log10(p.ModelSize)).ToArray(), near.Select(p => p.Value).ToArray());
            trained.Color = color;
            trained.MarkerShape = MarkerShape.OpenCircle;
            trained.MarkerSize = 8;
        }
        return Render(plot, "pretraining", "IsoFLOP profiles", "isoflop.png",
            $"The fitted L(N, C/(6N)) at {levels} compute levels spanning the data (lines), each level's compute-optimal size " +
            $"N_opt (diamond), and the trained models within ±{IsoFlopHalfWidthDecades} decades of a level's compute (open circles, " +
            "same colour): Hoffmann et al.'s approach 2 view of the approach-3 fit. Points off their curve show where the law misses.");
    }

    /// <summary>Half-width, in decades of compute, of the band of trained models drawn with an IsoFLOP profile.</summary>
    public const double IsoFlopHalfWidthDecades = 0.15;

    /// <param name="fits">The RL laws' fits on this group, in registry order (null: not fitted).</param>
    public static ReportFigure RlScore(string group, IReadOnlyList<LawPoint> points, IReadOnlyList<FittedLaw?> fits, int index)
    {
        var plot = NewPlot($"RL score vs compute: {group}", "log10 RL compute (FLOPs, log scale)", "sampled pass@1");
        double[] xs = [.. points.Select(p => Math.Log10(p.Compute))], ys = [.. points.Select(p => p.Value)];
        var data = plot.Add.ScatterPoints(xs, ys);
        data.Color = Colors.Black;
        data.LegendText = "evaluations (± 1 s.e.)";
        AddErrorBars(plot, xs, ys, [.. points.Select(p => p.StdError)], Colors.Black);
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
            "Both laws fitted on all points (solid) and on the lower part of the compute range only (dashed, the backtest; " +
            "not drawn for a law without a backtest or whose backtest failed on a degenerate fit); " +
            "the dotted line marks the backtest cut-off; error bars are the evaluations' standard errors.");
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

    /// <summary>Hides the legend inside the data area and shows its items in a panel on the right edge of the figure.</summary>
    internal static void PlaceLegendOutside(Plot plot) => plot.ShowLegend(Edge.Right);

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

    /// <summary>Renders to PNG with the legend in a panel right of the data area, where it can cover no point.</summary>
    private static ReportFigure Render(Plot plot, string section, string title, string fileName, string caption)
    {
        PlaceLegendOutside(plot);
        return new ReportFigure(section, title, fileName, plot.GetImageBytes(Width, Height, ImageFormat.Png), caption);
    }
}
