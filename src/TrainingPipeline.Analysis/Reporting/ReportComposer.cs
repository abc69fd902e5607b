using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;
using TrainingPipeline.Analysis.Points;

namespace TrainingPipeline.Analysis.Reporting;

/// <summary>What the report is composed from.</summary>
public sealed record ReportInputs(
    string AnalysisId,
    string ResultsDirectory,
    AnalysisOptions Options,
    int RunCount,
    AnalysisPoints Points,
    IReadOnlyList<FittedLaw> Laws,
    IReadOnlyList<InflectionAnalysis> Inflections,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ReportFigure> Figures)
{
    /// <summary>The report card's rows (<see cref="ReportCard"/>), shown first.</summary>
    public IReadOnlyList<ReportCardRow> Card { get; init; } = [];
}

/// <summary>Lays the analysis out as report sections (overview, pre-training, RL, transfer, inflections, method).</summary>
public static class ReportComposer
{
    public static ReportDocument Compose(ReportInputs inputs)
    {
        var sections = new List<ReportSection>
        {
            new("report-card", "Report card", CardBlocks(inputs)),
            new("overview", "Overview", Overview(inputs)),
            new("pretraining", "Pre-training scaling laws", [.. ReplicateNoise(inputs.Points.Pretrain), .. LawSection(inputs, "pretraining", [.. ScalingLaws.OfKind(LawKind.Pretraining).Select(l => l.Name)],
                "No pre-training law could be fitted (see the notes above).")]),
            new("rl", "RL: score vs compute", RlSection(inputs)),
            new("transfer", "Narrow vs broad transfer", TransferSection(inputs)),
            new("inflections", "Inflections", InflectionSection(inputs)),
            new("method", "Method", Method(inputs)),
        };
        return new ReportDocument("Scaling analysis", sections);
    }

    /// <summary>The id of the report card's table in report.html (the browser test looks for it).</summary>
    public const string CardTableId = "report-card-table";

    private static List<ReportBlock> CardBlocks(ReportInputs inputs) =>
    [
        new TableBlock(ReportCard.Header, [.. inputs.Card.Select(r => r.Cells)], CardTableId),
        new ParagraphBlock("One row per pre-training phase, RL cohort and fitted law, from the results tables. Loss is the mean " +
            "next-token cross-entropy over the in-distribution evaluation sets, in nats per token of the run's tokenizer; pass@1 is " +
            "the sampled pass@1 on eval-split problems. Before → after is a run's first and last evaluation, averaged over the runs " +
            "that have both (a run evaluated at one step is left out); the change has a 95% t interval over distinct seeds only with " +
            "≥ 3 seeds (runs of one seed averaged first), otherwise the card says \"n runs, no interval\" (one run: with the " +
            "evaluation s.e., evaluation noise only). A law's intervals resample what its row names: runs, lineages or points. Wall time is started → ended summed over runs, evaluation included. Details and notes follow."),
    ];

    /// <summary>
    /// Run-to-run noise of the pre-training grid: final loss over the lineages (seeds) of every (N, D) cell trained more
    /// than once. A backtest error is read against it: a law cannot predict a new run better than a new seed varies.
    /// </summary>
    internal static List<ReportBlock> ReplicateNoise(IReadOnlyList<LawPoint> points)
    {
        var cells = points.Where(p => double.IsFinite(p.ModelSize) && double.IsFinite(p.Tokens))
            .GroupBy(ComputeFrontier.GridCell)
            .Where(g => g.Select(p => p.Cluster).Distinct().Count() >= 2)
            .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2)
            .Select(g =>
            {
                var losses = g.Select(p => p.Value).ToArray();
                var mean = losses.Average();
                var sd = Math.Sqrt(losses.Sum(v => (v - mean) * (v - mean)) / (losses.Length - 1));
                return (N: g.Key.Item1, D: g.Key.Item2, Count: losses.Length, Mean: mean, Sd: sd);
            }).ToList();
        if (cells.Count == 0) return [];
        var sds = cells.Select(c => c.Sd).Order().ToArray();
        var median = sds.Length % 2 == 1 ? sds[sds.Length / 2] : (sds[sds.Length / 2 - 1] + sds[sds.Length / 2]) / 2;
        return
        [
            new ParagraphBlock($"Run-to-run noise: final loss over the seeds of each grid cell trained more than once " +
                $"(median s.d. {AnalysisSummary.Format(median)} over {cells.Count} cell{(cells.Count == 1 ? "" : "s")}). A backtest RMSE near this " +
                "is as good as a law can predict a new run."),
            new TableBlock(["N", "D (tokens)", "runs", "mean loss", "s.d. over runs"],
                [.. cells.Select(c => (IReadOnlyList<string>)[ReportCard.Count((long)c.N), ReportCard.Count((long)c.D), c.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    AnalysisSummary.Format(c.Mean), AnalysisSummary.Format(c.Sd)])]),
        ];
    }

    private static List<ReportBlock> Overview(ReportInputs inputs)
    {
        var o = inputs.Options;
        var blocks = new List<ReportBlock>
        {
            new ParagraphBlock($"Analysis {inputs.AnalysisId} of {inputs.ResultsDirectory}: {inputs.RunCount} runs, " +
                $"{inputs.Points.Pretrain.Count} pre-training points, {inputs.Points.RlGroups.Values.Sum(g => g.Count)} RL points " +
                $"in {inputs.Points.RlGroups.Count} groups. Bootstrap {o.Bootstrap} resamples, seed {o.Seed}, backtest holds out " +
                $"the top {o.BacktestFraction * 100:0.##} % of the log-compute range; RL laws leave out points below {o.EarlyComputeFraction * 100:0.##} % of their run's compute."),
            new ParagraphBlock(ReadingIntervals),
        };
        blocks.AddRange(inputs.Notes.Select(n => new ParagraphBlock("Note: " + n)));
        return blocks;
    }

    private static List<ReportBlock> LawSection(ReportInputs inputs, string section, string[] lawNames, string empty)
    {
        var blocks = new List<ReportBlock>();
        var laws = inputs.Laws.Where(l => lawNames.Contains(l.Law)).ToList();
        if (laws.Count == 0) blocks.Add(new ParagraphBlock(empty));
        foreach (var law in laws) blocks.AddRange(LawBlocks(law));
        blocks.AddRange(inputs.Figures.Where(f => f.Section == section).Select(f => new FigureBlock(f)));
        return blocks;
    }

    private static IEnumerable<ReportBlock> LawBlocks(FittedLaw law)
    {
        var discarded = law.DiscardedEarlyPoints > 0 ? $" ({law.DiscardedEarlyPoints} early low-compute points left out)"
            : law.OffFrontierPoints > 0 ? $" on the compute-efficient frontier ({law.OffFrontierPoints} points left out: off the lower convex hull of loss against compute, or past its lowest loss)" : "";
        yield return new ParagraphBlock($"{law.Law} on {law.Group}: {law.PointCount} points from {law.Runs} {UnitPlural(law.ReplicateUnit, law.Runs)}{discarded}, objective {AnalysisSummary.Format(law.Fit.Objective)}; " +
            $"intervals: {law.IntervalMethod}, resampling unit {law.ResamplingUnit}" + (law.IntervalNote is { } note ? $" — {note}." : "."));
        if (law.FailureNote is { } failure) yield return new ParagraphBlock($"**{failure}**: its parameters are not a result.");
        yield return new TableBlock(["parameter", "value", "95% CI", EvalNoiseColumn],
            [.. law.Parameters.Concat(law.Derived).Select(p => (IReadOnlyList<string>)[p.Name, law.Failed ? "failed fit" : AnalysisSummary.Format(p.Value),
                AnalysisSummary.IntervalText(law, p), law.Failed ? AnalysisSummary.FailedFitWithheld : AnalysisSummary.Format(p.EvalStdError)])]);
        yield return new ParagraphBlock(law.Backtest is { } b
            ? $"Backtest: fitted on {b.TrainPoints} points below C = {b.CutoffCompute:G3}, predicting {b.HeldOutPoints} above it: " +
              $"RMSE {AnalysisSummary.Format(b.RootMeanSquaredError)} (95% CI {RmseInterval(b)}), MAE {AnalysisSummary.Format(b.MeanAbsoluteError)}."
            : Backtest.FailedOnDegenerateFit(law.BacktestNote)
            ? $"Backtest failed: {law.BacktestNote!["backtest failed: ".Length..]}. Its error on the held-out points is not reported: it would score a curve the points did not determine, not the law."
            : $"Backtest: {law.BacktestNote}.");
    }

    private static List<ReportBlock> RlSection(ReportInputs inputs)
    {
        var blocks = new List<ReportBlock>();
        var rlLaws = ScalingLaws.OfKind(LawKind.Rl).Select(l => l.Name).ToList();
        var rl = inputs.Laws.Where(l => rlLaws.Contains(l.Law)).ToList();
        if (rl.Count == 0) blocks.Add(new ParagraphBlock("No RL law could be fitted (no RL pass@1 evals, or too few; see the notes above)."));
        var selection = new List<IReadOnlyList<string>>();
        foreach (var group in rl.GroupBy(l => l.Group))
        {
            var fits = rlLaws.Select(name => group.FirstOrDefault(l => l.Law == name)).ToList();
            // The verdict is the saturation test: the first RL law (log-linear) against the second (saturating).
            selection.Add([group.Key, .. fits.Select(Rmse), Preferred(fits[0], fits.Count > 1 ? fits[1] : null)]);
        }
        if (selection.Count > 0)
        {
            blocks.Add(new TableBlock(["group", .. rlLaws.Select(name => $"{name} backtest RMSE [95% CI]"), "backtest verdict"], selection));
            blocks.Add(new ParagraphBlock(PreferenceRule + " Read the verdict as a saturation test: rl-sigmoid preferred = saturation " +
                "detected; otherwise no saturation was detected (the sigmoid does not extrapolate better), which is not evidence " +
                $"that there is no ceiling: below {LawComparison.CalibratedMinimumRuns} seeds (with the bend inside the fitted half) " +
                "the test detected a ceiling in only 3–45% of simulated data sets (docs/analysis.md, \"Calibration\")."));
        }
        foreach (var law in rl) blocks.AddRange(LawBlocks(law));
        blocks.AddRange(inputs.Figures.Where(f => f.Section == "rl").Select(f => new FigureBlock(f)));
        return blocks;
    }

    /// <summary>The law that extrapolates better when the backtest intervals separate (<see cref="LawComparison"/>); in-sample fit
    /// alone would favour the more flexible law.</summary>
    public static string Preferred(FittedLaw? linear, FittedLaw? sigmoid)
    {
        if (linear is null || sigmoid is null) return "no verdict: both laws are needed";
        var verdict = LawComparison.Compare(linear, sigmoid);
        // "no saturation detected" is a statement about a test; when none was made (a failed fit, no backtest, < 3 runs) say so.
        if (!verdict.Tested) return $"no verdict: {verdict.Reason["no preference: ".Length..]}";
        if (verdict.Preferred == RlSigmoidLaw.LawName) return $"{RlSigmoidLaw.LawName}: saturation detected";
        // Nested laws: "no saturation" is all the test can say, and below the calibrated design it misses most ceilings.
        var runs = Math.Min(linear.Runs, sigmoid.Runs);
        var caution = runs < LawComparison.CalibratedMinimumRuns ? $"; {BelowCalibratedDesign(runs)}" : "";
        return $"no saturation detected ({verdict.Reason}){caution}";
    }

    /// <summary>The caution on a "no saturation detected" verdict from fewer seeds than the harness calibrated it at.</summary>
    public static string BelowCalibratedDesign(int runs) =>
        $"design below the calibrated minimum (n seeds {runs} < {LawComparison.CalibratedMinimumRuns}): a ceiling can be missed";

    private static string Rmse(FittedLaw? law) =>
        law?.Backtest is { } b ? $"{AnalysisSummary.Format(b.RootMeanSquaredError)} {RmseInterval(b)}"
        : law is null ? "not fitted"
        : Backtest.FailedOnDegenerateFit(law.BacktestNote) ? "failed: degenerate fit on the lower compute range"
        : "no backtest";

    private static string RmseInterval(BacktestResult b) =>
        double.IsFinite(b.RmseLow) ? $"[{AnalysisSummary.Format(b.RmseLow)}, {AnalysisSummary.Format(b.RmseHigh)}]" : "n/a: no run-level interval";

    /// <summary>The column of the evaluation-noise standard error, named so that nobody reads it as a run-to-run error.</summary>
    public const string EvalNoiseColumn = "eval-noise s.e. (lower bound: evaluation noise only, not run-to-run)";

    /// <summary>The rule <see cref="LawComparison.Compare"/> applies, in words.</summary>
    public const string PreferenceRule =
        "A law is preferred only when the paired difference of the two laws' backtest RMSEs (the same runs left out for both; " +
        "leave-one-run-out jackknife-t 95% interval) excludes zero; a difference whose interval includes zero, fewer than 3 runs, " +
        "a failed fit or a backtest that failed on a degenerate fit give no preference.";

    /// <summary>The plain-language reading of every interval in the report, for readers who are not statisticians.</summary>
    public const string ReadingIntervals =
        "How to read the intervals: the target of a 95% interval with resampling unit \"run\" (or \"lineage\") is the parameter of " +
        "the seed-averaged curve. If the experiment were repeated with new seeds many times, about 95 in 100 such intervals would " +
        "contain the true value (for the slope: the true slope of the seed-averaged curve). It is built from how much the estimate " +
        "changes when one run is left out; each run is scored on its own problems, so that spread already includes problem sampling. " +
        "With fewer than 3 runs there is no such interval (\"no run-level interval: n runs < 3\"): only the evaluation-noise standard " +
        "error is shown, a lower bound — evaluation noise only, not run-to-run: it says how much re-scoring the same models could " +
        "move the estimate, not how much a new seed could. An interval with unit \"points\" treats evaluations of one model as " +
        "independent and is too narrow. " + PreferenceRule +
        " See docs/analysis.md for the design the analysis needs (seeds, evaluation steps, problems).";

    private static List<ReportBlock> TransferSection(ReportInputs inputs)
    {
        var runs = inputs.Points.RlRuns.Where(r => r.Breadth is not null).ToList();
        if (runs.Count == 0)
            return [new ParagraphBlock("No RL run states a breadth in its config_json (rl_breadth, corpus_breadth or tasks), so narrow and broad cannot be compared.")];
        // Seeds are the replicates: the standard error is over runs of one cell, so a difference between cells is
        // only evidence when it is large against both cells' errors.
        var blocks = new List<ReportBlock>
        {
            new TableBlock(["pre-training breadth", "RL breadth", "runs", "final pass@1 in_distribution (mean ± s.e. over runs)", "final pass@1 held_out (mean ± s.e. over runs)"],
                [.. runs.GroupBy(r => (Pretrain: r.PretrainBreadth, Rl: r.Breadth!.Value)).OrderBy(g => g.Key.Pretrain ?? 0).ThenBy(g => g.Key.Rl)
                    .Select(g => (IReadOnlyList<string>)[
                        g.Key.Pretrain?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n/a",
                        g.Key.Rl.ToString(System.Globalization.CultureInfo.InvariantCulture), g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        MeanAndError(g.Select(r => r.InDistribution)), MeanAndError(g.Select(r => r.HeldOut))])]),
        };
        blocks.AddRange(inputs.Figures.Where(f => f.Section == "transfer").Select(f => new FigureBlock(f)));
        return blocks;
    }

    internal static string MeanAndError(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return "n/a";
        double mean = finite.Average();
        // A standard error from 2 seeds is itself too uncertain to read (as for every other run-level interval).
        if (finite.Length < RunLevelIntervals.MinimumRuns)
            return $"{AnalysisSummary.Format(mean)} ({RunLevelIntervals.NoIntervalNote(finite.Length)})";
        double stderr = Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1) / finite.Length);
        return $"{AnalysisSummary.Format(mean)} ± {AnalysisSummary.Format(stderr)}";
    }

    /// <summary>What was counted: lineages for pre-training laws, runs otherwise.</summary>
    internal static string UnitPlural(string replicateUnit, int count) =>
        (replicateUnit == RunLevelIntervals.Lineage ? "lineage" : "run") + (count == 1 ? "" : "s");

    private static List<ReportBlock> InflectionSection(ReportInputs inputs)
    {
        if (inputs.Inflections.Count == 0)
            return [new ParagraphBlock($"No inflection analysis: along RL compute it needs, per cohort, ≥ {HingeRegression.MinimumRuns} runs evaluated at ≥ {HingeRegression.MinimumDistinctX} distinct steps; " +
                $"across breadth ≥ {HingeRegression.MinimumDistinctX} breadths with ≥ {HingeRegression.MinimumRunsPerLevel} runs each (see the notes above).")];
        var blocks = new List<ReportBlock>
        {
            new TableBlock(["cohort", "held-out performance vs", "breakpoint", "95% CI", "slope before", "slope after", "F (pooled)", "p (vs straight line)", "test", "n", "runs", "resampling unit"],
                [.. inputs.Inflections.Select(i => (IReadOnlyList<string>)[i.Group, i.XLabel, AnalysisSummary.Format(i.Breakpoint.Value), i.BreakpointNote is null ? AnalysisSummary.Interval(i.Breakpoint) : "none (not significant)",
                    $"{AnalysisSummary.Format(i.SlopeBefore.Value)} {AnalysisSummary.Interval(i.SlopeBefore)}",
                    $"{AnalysisSummary.Format(i.SlopeAfter.Value)} {AnalysisSummary.Interval(i.SlopeAfter)}",
                    AnalysisSummary.Format(i.FStatistic), AnalysisSummary.Format(i.PValue), i.DesignNote is { } design ? $"{i.NullModel}; {design}" : i.NullModel, i.PointCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    i.Runs.ToString(System.Globalization.CultureInfo.InvariantCulture), i.ResamplingUnit])]),
            new ParagraphBlock("A breakpoint is only evidence of an inflection when p < 0.05; otherwise a straight line explains the points as well. " +
                "Not significant ≠ no break: a large p means these runs cannot tell a break from a straight line, not that there is none. " +
                "The breakpoint's interval is reported only when p < 0.05: without a significant break there may be no breakpoint to locate, " +
                "and the calibration harness measured its coverage only given a significant break (docs/analysis.md)."),
        };
        blocks.AddRange(inputs.Figures.Where(f => f.Section == "inflections").Select(f => new FigureBlock(f)));
        return blocks;
    }

    private static List<ReportBlock> Method(ReportInputs inputs) =>
    [
        new ParagraphBlock("Pre-training points: per completed pre-training run, the final-step in-distribution loss (mean over eval sets) against cumulative FLOPs; " +
            "D = final tokens summed along the run's pre-training chain; N = C/(6D), the effective parameters of the FLOP convention " +
            "(non-embedding + output head + attention), so C = 6ND exactly. Points averaging over different eval sets are fitted as separate laws."),
        new ParagraphBlock("Chinchilla L(N, D) = E + A/N^α + B/D^β and L(C) = E + A·C^−α: Hoffmann et al.'s approach 3 — Huber loss (δ = 1e-3) on log-loss residuals, " +
            $"parameters in log space, L-BFGS (MathNet) from a grid of {(inputs.Options.ChinchillaGrid ?? ChinchillaLaw.HoffmannGrid).Count} starts (Chinchilla). " +
            "Compute-optimal allocation from C = 6ND: N_opt = G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β))."),
        new ParagraphBlock("RL: pass@1 against RL compute (run_flops), per eval set and split; score = a + b·log10 C by least squares and " +
            "score = R0 + (A − R0)/(1 + (C_mid/C)^B) by least squares (L-BFGS from a data-derived grid)."),
        new ParagraphBlock("Intervals: the run (seed) is the unit of resampling. RL laws (several evaluations per run, ≥ 3 runs): leave-one-run-out jackknife " +
            "with a Student t quantile on runs − 1 degrees of freedom; nothing is added for the problems, because the evaluator draws each run's problems " +
            "from its seed, so problem sampling is already in the spread over runs. RL pass@1 is the sampled pass@1 (mean over problems of correct/n for n samples per problem). " +
            "Only completed runs are fitted. Pre-training laws: the unit is the lineage (the root of a chain of pre-training phases; points sharing an ancestor " +
            "are resampled together): leave-one-lineage-out jackknife-t. " +
            "Fewer than 3 runs or lineages: no interval, only the evaluation-noise standard error (a lower bound: evaluation noise only, not run-to-run). " +
            "RL laws leave out the early low-compute regime. Backtest: fit below the top fraction of the log-compute range (default: the lower half), RMSE on the points above " +
            "with a jackknife-t interval over runs; laws are compared on this, not on in-sample fit."),
        new ParagraphBlock(InflectionMethod),
    ];

    /// <summary>How the inflection test is made, in words; the test along compute is named from <see cref="HingeRegression.DefaultNull"/>,
    /// the null <see cref="HingeRegression.AnalyzeRuns"/> uses.</summary>
    public static readonly string InflectionMethod =
        "Inflections: segmented regression y = b0 + b1·x + b2·max(0, x − ψ) with ψ profiled, per cohort. Along RL compute (≥ 3 runs at ≥ 4 steps each, " +
        "after leaving out the early low-compute regime as the RL laws do): p is the " + HingeRegression.NullModelName(HingeRegression.DefaultNull) +
        (HingeRegression.DefaultNull == HingeNull.CrossFittedSlopeChangeT
            ? " — cross-fitted: each run's slope change is measured at the breakpoint fitted to the other runs, because a run's own breakpoint is " +
              "chosen to make its slope change large (too liberal at 4–8 evaluations per run)"
            : "") +
        "; jackknife-t intervals over runs. " +
        "Across breadth (one point per run, ≥ 3 runs at each of ≥ 4 breadths): p from a " + HingeRegression.NullModelName(HingeNull.WildClusterWebb) +
        " (one weight per run's residual) under the straight line, jackknife-t intervals over runs. The breakpoint's interval is reported only when p < 0.05.";
}
