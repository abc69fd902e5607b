using System.Text.RegularExpressions;
using Parquet.Serialization;
using SkiaSharp;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;
using TrainingPipeline.Analysis.Reporting;
using TrainingPipeline.Analysis.Tests.TestData;

namespace TrainingPipeline.Analysis.Tests;

public sealed partial class AnalysisStageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("analysis-stage").FullName;
    private string Results => Path.Combine(_root, "results");
    private string Output => Path.Combine(_root, "analysis");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly AnalysisOptions Quick = new(Bootstrap: 40, Seed: 1,
        ChinchillaGrid: ChinchillaLaw.CoarseGrid, LossComputeGrid: LossComputeLaw.CoarseGrid, EarlyComputeFraction: 0);

    [Fact]
    public async Task FullPipelineFitsEveryLawAndWritesAValidReport()
    {
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WritePretraining(results, [1e5, 3e5, 1e6], [2e6, 6e6, 2e7]);
        SyntheticPipeline.WriteRl(results, [1, 1, 2, 4, 8, 8], parent: "pt-1000000-20000000");

        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);

        // Noise-free pre-training data: the Chinchilla fit recovers the exponents of the law that made it.
        var chinchilla = summary.Laws.Single(l => l.Law == "chinchilla");
        Assert.Equal(9, chinchilla.PointCount);
        Assert.Equal(SyntheticPipeline.Alpha, chinchilla.Parameter("alpha").Value, 0.02);
        Assert.Equal(SyntheticPipeline.Beta, chinchilla.Parameter("beta").Value, 0.02);
        Assert.Equal(SyntheticPipeline.E, chinchilla.Parameter("E").Value, 0.05);
        Assert.Contains(summary.Laws, l => l.Law == "loss-compute");
        // RL runs of breadths 1, 1, 2, 4, 8, 8: one group per breadth and split, 6 evals with RL compute > 0 per run.
        foreach (var (breadth, runs) in new[] { (1, 2), (2, 1), (4, 1), (8, 2) })
            foreach (var split in new[] { "in_distribution", "held_out" })
            {
                var group = $"arith / {split} · RL breadth {breadth}";
                var sigmoid = summary.Laws.Single(l => l.Law == "rl-sigmoid" && l.Group == group);
                Assert.Equal(6 * runs, sigmoid.PointCount);
                // Every run was evaluated at step 0: the floor is that measurement (ScaleRL), not a fitted parameter.
                Assert.Contains($"R0 measured, not fitted: the mean step-0 (base model) pass@1 of {runs} run", sigmoid.IntervalNote);
                Assert.Contains(summary.Laws, l => l.Law == "rl-loglinear" && l.Group == group);
            }
        // No cohort has 3 runs, so no run-level interval and no hinge test along compute: said, not faked.
        Assert.All(summary.Laws.Where(l => l.Law.StartsWith("rl-", StringComparison.Ordinal)), l =>
        {
            Assert.Equal("none", l.ResamplingUnit);
            Assert.StartsWith("no run-level interval: n runs < 3", l.IntervalNote);
            Assert.All(l.Parameters, p => Assert.False(double.IsFinite(p.CiLow)));
        });
        Assert.Contains(summary.Notes, n => n.StartsWith("inflection of held-out pass@1 · RL breadth 8 vs log10 RL compute not testable: 2 runs", StringComparison.Ordinal));
        Assert.Contains("no run-level interval: n runs < 3", summary.ToTable());
        // Across breadth the runs are 2, 1, 1, 2 per level: the run-to-run spread is not measured at ≥ 4 levels.
        Assert.Empty(summary.Inflections);
        Assert.Contains(summary.Notes, n => n.StartsWith("inflection of held-out pass@1 vs breadth not testable: 6 runs at 4 levels, 0 of them with ≥ 3 runs", StringComparison.Ordinal));
        // Pre-training points are clustered by lineage (9 independent roots here), and the fits say so. L(C) is fitted to
        // the compute-efficient frontier of the 3 × 3 grid (5 cells), Chinchilla to every cell.
        Assert.Equal(("lineage", 9), summary.Laws.Where(l => l.Law == "chinchilla" && l.Group == "pretrain").Select(l => (l.ResamplingUnit, l.Runs)).Single());
        var lossCompute = summary.Laws.Single(l => l.Law == "loss-compute" && l.Group == "pretrain");
        Assert.Equal(("lineage", 5, 5, 4), (lossCompute.ResamplingUnit, lossCompute.Runs, lossCompute.PointCount, lossCompute.OffFrontierPoints));
        Assert.Contains("points from 9 lineages", File.ReadAllText(summary.ReportMarkdownPath));
        Assert.Contains("5 points from 5 lineages on the compute-efficient frontier (4 points left out: off the lower convex hull of loss against compute, or past its lowest loss)", File.ReadAllText(summary.ReportMarkdownPath));
        Assert.Contains("jackknife-t over lineages", File.ReadAllText(summary.ReportMarkdownPath));

        // The fits table is a readable Parquet file with a row per parameter and intervals.
        await using (var stream = File.OpenRead(summary.FitsPath))
        {
            var rows = (await ParquetSerializer.DeserializeUntypedAsync(stream)).Data;
            var alpha = rows.Single(r => (string)r["law"] == "chinchilla" && (string)r["parameter"] == "alpha");
            Assert.True((double)alpha["ci_low"] <= (double)alpha["value"] && (double)alpha["value"] <= (double)alpha["ci_high"]);
            Assert.DoesNotContain(rows, r => (string)r["law"] == "hinge");
        }
        Assert.Matches(@"fits[/\\]analysis_id=[^/\\]+[/\\]part-00000-analysis\.parquet$", summary.FitsPath);

        var html = File.ReadAllText(summary.ReportHtmlPath);
        foreach (var section in new[] { "overview", "pretraining", "rl", "transfer", "inflections", "method" })
            Assert.Contains($"<section id=\"{section}\">", html);
        var images = ImageDataUri().Matches(html).Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToList();
        Assert.Equal(12, images.Count); // loss vs compute, iso-loss, IsoFLOP profiles, 8 RL groups, transfer (no testable inflection)
        foreach (var png in images)
        {
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            using var bitmap = SKBitmap.Decode(png);
            Assert.NotNull(bitmap);
            Assert.Equal((ReportPlots.Width, ReportPlots.Height), (bitmap.Width, bitmap.Height));
            Assert.True(DistinctColours(bitmap) > 4, "the image is blank");
        }
        Assert.DoesNotContain("src=\"http", html); // self-contained

        var markdown = File.ReadAllText(summary.ReportMarkdownPath);
        foreach (Match link in MarkdownImage().Matches(markdown))
            Assert.True(File.Exists(Path.Combine(Output, link.Groups[1].Value)), link.Value);
        Assert.Contains("chinchilla", summary.ToTable());
    }

    [Fact]
    public async Task ThreeSeedsOfOneConfigurationGetRunLevelIntervalsAndAHingeTestPerCohort()
    {
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WriteRl(results, [4, 4, 4], parent: "pt");

        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);

        var linear = summary.Laws.Single(l => l.Law == "rl-loglinear" && l.Group == "arith / held_out");
        // The builder stores stderr 0.01 on every eval; it is already inside the spread over runs and not added again.
        Assert.Equal(("run", 3, "jackknife-t over runs"), (linear.ResamplingUnit, linear.Runs, linear.IntervalMethod));
        Assert.All(linear.Parameters, p => Assert.True(p.CiLow < p.Value && p.Value < p.CiHigh));
        var hinge = summary.Inflections.Single(i => i.XLabel == "log10 RL compute");
        Assert.Equal(("held-out pass@1", "run", 3), (hinge.Group, hinge.ResamplingUnit, hinge.Runs));
        Assert.StartsWith("t test over runs", hinge.NullModel);
        await using (var stream = File.OpenRead(summary.FitsPath))
        {
            var rows = (await ParquetSerializer.DeserializeUntypedAsync(stream)).Data;
            var breakpoint = rows.Single(r => (string)r["law"] == "hinge" && (string)r["parameter"] == "breakpoint");
            // The breakpoint's interval is there exactly when the break is significant.
            Assert.Equal(hinge.BreakIsSignificant, double.IsFinite((double)breakpoint["ci_low"]!));
            Assert.Equal(hinge.BreakIsSignificant ? null : HingeRegression.NoBreakpointInterval, breakpoint.TryGetValue("interval_note", out var note) ? (string?)note : null);
        }
        var report = File.ReadAllText(summary.ReportMarkdownPath);
        Assert.Contains("jackknife-t over runs", report);
        // The report states the rule LawComparison applies, the reading of an interval, and what the eval-noise s.e. is not.
        Assert.Contains("paired difference of the two laws' backtest RMSEs", report);
        Assert.DoesNotContain("intervals do not overlap", report);
        Assert.Contains("about 95 in 100 such intervals would contain the true value", report);
        Assert.Contains("seed-averaged curve", report);
        Assert.Contains("eval-noise s.e. (lower bound: evaluation noise only, not run-to-run)", report);
        Assert.Contains("p (vs straight line)", report);
        Assert.Contains("Not significant ≠ no break", report);
    }

    [Fact]
    public void TheOverviewStatesTheCutsAsGivenNotRoundedToWholePercent()
    {
        // rl-compute is analysed with --discard-below 0.005; a whole-percent format printed it as "1 %".
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WriteRl(results, [1, 1], parent: "pt-1");
        var summary = AnalysisStage.Run(Results, Output, Quick with { EarlyComputeFraction = 0.005, BacktestFraction = 0.23 }, TextWriter.Null);
        var markdown = File.ReadAllText(summary.ReportMarkdownPath);
        Assert.Contains("backtest holds out the top 23 % of the log-compute range; RL laws leave out points below 0.5 % of their run's compute", markdown);
    }

    [Fact]
    public void JitteredFlopsAtThreeStepsAreThreeLevelsNotNine()
    {
        // 3 runs evaluated at 3 steps, FLOPs per step 1% apart between runs: 9 distinct compute values, 3 steps.
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WriteRl(results, [4, 4, 4], parent: "pt", steps: 3, flopsJitter: 0.01);

        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);

        Assert.Empty(summary.Inflections);
        Assert.Contains(summary.Notes, n => n.StartsWith("inflection of held-out pass@1 vs log10 RL compute not testable: 3 runs at 3 distinct evaluation steps", StringComparison.Ordinal));
        Assert.DoesNotContain(summary.Laws, l => l.Law == "rl-sigmoid");
        // Both splits fail for the same reason: one line with a count (issue 17), naming each group.
        Assert.Contains(summary.Notes, n => n.StartsWith("cannot fit rl-sigmoid (×2): arith / held_out: ", StringComparison.Ordinal) && n.Contains("only 3 distinct evaluation steps"));
    }

    [Fact]
    public void TheBreadthHingeNeedsThreeRunsPerBreadthAndResamplesRuns()
    {
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WriteRl(results, [1, 1, 1, 2, 2, 2, 4, 4, 4, 8, 8, 8], parent: "pt");

        var summary = AnalysisStage.Run(Results, Output, Quick with { Bootstrap = 0 }, TextWriter.Null);

        var hinge = summary.Inflections.Single(i => i.XLabel == "breadth");
        Assert.Equal(("run", 12, 12), (hinge.ResamplingUnit, hinge.Runs, hinge.PointCount));
        Assert.Contains("wild", hinge.NullModel);
    }

    [Fact]
    public void FewPretrainingRunsGiveNotesInsteadOfErrors()
    {
        SyntheticPipeline.WritePretraining(new ResultsFolderBuilder(Results), [1e5, 3e5, 1e6], [2e6]);

        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);

        Assert.Empty(summary.Laws);
        Assert.Contains("not enough points for loss-compute on pretrain (have 3, need ≥ 5)", summary.Notes);
        Assert.Contains("not enough points for chinchilla on pretrain (have 3, need ≥ 8)", summary.Notes);
        var html = File.ReadAllText(summary.ReportHtmlPath);
        Assert.Contains("not enough points for chinchilla", html);
        Assert.Contains("No RL law could be fitted", html);
    }

    [Fact]
    public void OnlyPretrainingFitsOnlyLossLaws()
    {
        SyntheticPipeline.WritePretraining(new ResultsFolderBuilder(Results), [1e5, 3e5, 1e6], [2e6, 6e6, 2e7]);
        var summary = AnalysisStage.Run(Results, Output, Quick with { Bootstrap = 20 }, TextWriter.Null);
        Assert.Equal(["loss-compute", "chinchilla"], summary.Laws.Select(l => l.Law));
        Assert.Empty(summary.Inflections);
    }

    [Fact]
    public void EmptyResultsFolderStillRendersAReport()
    {
        Directory.CreateDirectory(Results);
        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);
        Assert.Contains("the results folder has no runs yet", summary.Notes);
        Assert.True(File.Exists(summary.ReportHtmlPath));
    }

    private static int DistinctColours(SKBitmap bitmap)
    {
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 7)
            for (var x = 0; x < bitmap.Width; x += 7)
                colours.Add(bitmap.GetPixel(x, y));
        return colours.Count;
    }

    [GeneratedRegex("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex ImageDataUri();

    [GeneratedRegex(@"!\[[^\]]*\]\(([^)]+)\)")]
    private static partial Regex MarkdownImage();
}
