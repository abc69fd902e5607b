using Parquet.Serialization;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Reporting;
using TrainingPipeline.Analysis.Tests.TestData;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Reporting;

/// <summary>The report card (issue 17): its rows come from a small results dataset, intervals appear only with ≥ 3 seeds,
/// and repeated notes are aggregated into one line with a count.</summary>
public sealed class ReportCardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("report-card").FullName;
    private string Results => Path.Combine(_root, "results");
    private string Output => Path.Combine(_root, "analysis");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly AnalysisOptions Quick = new(Bootstrap: 20, Seed: 1,
        ChinchillaGrid: ChinchillaLaw.CoarseGrid, LossComputeGrid: LossComputeLaw.CoarseGrid, EarlyComputeFraction: 0);

    [Fact]
    public void TheCardHasARowPerPhaseRlCohortAndLawWithRunLevelIntervalsFromThreeSeeds()
    {
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WritePretraining(results, [1e5, 3e5, 1e6], [2e6, 6e6, 2e7]);
        SyntheticPipeline.WriteRl(results, [4, 4, 4], parent: "pt-1000000-20000000");

        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);

        var card = summary.Card;
        Assert.Equal(["pretrain_narrow", "rl", "law loss-compute", "law chinchilla", "law rl-loglinear", "law rl-sigmoid", "law rl-loglinear", "law rl-sigmoid", "contamination"],
            card.Select(r => r.Stage));
        var pretrain = card[0];
        Assert.Equal("9 runs · N 100k, 300k, 1M · 1 seed", pretrain.Ran);
        // Token budgets 2e6, 6e6, 2e7 per size: 3 × 28M tokens; each size shows its largest budget, one run (one seed).
        Assert.Equal("84M tokens", pretrain.Volume);
        Assert.Contains("N 1M, 20M tokens: ", pretrain.BeforeAfter);
        Assert.Contains("(1 run, no interval; eval s.e. 0.0071)", pretrain.BeforeAfter); // two sets of s.e. 0.01: √2 · 0.01 / 2
        Assert.StartsWith("loss fell by", pretrain.Reading);
        Assert.Contains("the largest model ends lower than the smallest", pretrain.Reading);

        // Three seeds of one RL configuration: the change before → after has a t interval over seeds, and it excludes 0.
        var rl = card[1];
        Assert.Equal("3 runs · N 1M · 3 seeds", rl.Ran);
        Assert.Matches(@"in_distribution pass@1 [0-9.]+ → [0-9.]+, change \+[0-9.]+ \[\+[0-9.]+, \+[0-9.]+\] \(3 seeds, 95% t over seeds\)", rl.BeforeAfter);
        Assert.Equal("RL raised in_distribution pass@1 (the interval of the change over seeds excludes 0)", rl.Reading);

        // Laws carry their intervals and what was resampled.
        var loglinear = card.First(r => r.Stage == "law rl-loglinear");
        Assert.Matches(@"a [-0-9.e]+ \[[-0-9.e]+, [-0-9.e]+\], b [-0-9.e]+ \[[-0-9.e]+, [-0-9.e]+\]; 95% CIs resampling runs \(jackknife-t over runs\)", loglinear.BeforeAfter);
        Assert.Equal($"{summary.Laws.First(l => l.Law == "rl-loglinear").PointCount} points, 3 runs", loglinear.Volume);
        Assert.Equal("n/a", card[^1].BeforeAfter); // the builder writes no contamination table: said, not invented

        // The card is the first thing printed (one block per row: a terminal is too narrow for six columns) and the
        // first section of both reports.
        var printed = summary.ToTable().Split(Environment.NewLine);
        Assert.Equal("Report card", printed[0]);
        Assert.Equal("pretrain_narrow  · 9 runs · N 100k, 300k, 1M · 1 seed · 84M tokens · " + pretrain.WallTime, printed[1]);
        Assert.Equal("    " + pretrain.BeforeAfter, printed[2]);
        Assert.Equal("    → " + pretrain.Reading, printed[3]);
        var markdown = File.ReadAllText(summary.ReportMarkdownPath);
        Assert.True(markdown.IndexOf("## Report card", StringComparison.Ordinal) < markdown.IndexOf("## Overview", StringComparison.Ordinal));
        Assert.Contains("| pretrain_narrow | 9 runs · N 100k, 300k, 1M · 1 seed | 84M tokens |", markdown);
        var html = File.ReadAllText(summary.ReportHtmlPath);
        Assert.Contains($"<table id=\"{ReportComposer.CardTableId}\">", html);
    }

    [Fact]
    public void FewerThanThreeSeedsSayHowManyRunsAndClaimNothing()
    {
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WriteRl(results, [4, 4], parent: "pt");

        var rl = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null).Card.Single(r => r.Stage == "rl");

        Assert.Contains("(2 runs, no interval)", rl.BeforeAfter);
        Assert.DoesNotContain("[", rl.BeforeAfter);
        Assert.Equal("2 runs with a before and an after value, 2 seeds: fewer than 3 seeds, so no claim about RL's effect", rl.Reading);
    }

    /// <summary>One RL run of the cohort: pass@1 <paramref name="before"/> at step 0 (null: not evaluated there) and
    /// <paramref name="after"/> at step 4.</summary>
    private static void RlRun(ResultsFolderBuilder results, string id, long seed, string parent, double? before, double after)
    {
        const string config = "{\"rl\":{\"rl_breadth\":4}}";
        results.Run(id, "rl", 1_000_000, parent: parent, configJson: config, seed: seed, status: "running");
        if (before is { } b) results.Eval(id, "rl", 0, 1e15, 0, "arith", "in_distribution", "pass@1", b);
        for (var step = 1; step <= 4; step++) results.Step(id, "rl", step, 1000 * step, 1e15 + 1e12 * step, 1e12 * step);
        results.Eval(id, "rl", 4, 1e15 + 4e12, 4e12, "arith", "in_distribution", "pass@1", after);
        results.Run(id, "rl", 1_000_000, parent: parent, configJson: config, seed: seed);
    }

    [Fact]
    public void ARunWithOneEvaluationStepIsNotAChangeOfZero()
    {
        // Referee (issue 17): a run evaluated only once entered the before → after interval as a change of 0, so three
        // runs gave an interval although only two had a change.
        var results = new ResultsFolderBuilder(Results);
        RlRun(results, "rl-0", 0, "pt-0", 0.2, 0.5);
        RlRun(results, "rl-1", 1, "pt-1", 0.22, 0.56);
        RlRun(results, "rl-2", 2, "pt-2", null, 0.5);
        results.Flush();

        var rl = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null).Card.Single(r => r.Stage == "rl");

        Assert.Equal("in_distribution pass@1 0.21 → 0.53 (2 runs, no interval; 1 run with one evaluation step left out)", rl.BeforeAfter);
        Assert.Equal("2 runs with a before and an after value, 2 seeds: fewer than 3 seeds, so no claim about RL's effect", rl.Reading);
    }

    [Fact]
    public void RunsSharingASeedAreOneReplicate()
    {
        // Three RL runs of one seed (continuing three parents) are not three replicates: no interval over them.
        var results = new ResultsFolderBuilder(Results);
        RlRun(results, "rl-0", 7, "pt-0", 0.2, 0.5);
        RlRun(results, "rl-1", 7, "pt-1", 0.22, 0.56);
        RlRun(results, "rl-2", 7, "pt-2", 0.21, 0.52);
        results.Flush();

        var rl = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null).Card.Single(r => r.Stage == "rl");

        Assert.Equal("3 runs · N 1M · 1 seed", rl.Ran);
        Assert.Equal("in_distribution pass@1 0.21 → 0.527 (3 runs of 1 seed, no interval)", rl.BeforeAfter);
        Assert.StartsWith("3 runs with a before and an after value, 1 seed: fewer than 3 seeds", rl.Reading);

        // A fourth run with a second seed and a fifth with a third: three seeds, the interval is over them (runs of seed 7 averaged).
        results = new ResultsFolderBuilder(Results);
        RlRun(results, "rl-3", 8, "pt-3", 0.2, 0.6);
        RlRun(results, "rl-4", 9, "pt-4", 0.2, 0.4);
        results.Flush();
        rl = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null).Card.Single(r => r.Stage == "rl");
        Assert.Matches(@"change \+0\.3[0-9]* \[[-+0-9.]+, [-+0-9.]+\] \(5 runs, 3 seeds, 95% t over seeds\)", rl.BeforeAfter);
    }

    [Fact]
    public void SizesTrainedOnDifferentBudgetsAreComparedAtTheLargestBudgetBothShare()
    {
        // The smallest size's largest budget is 2e7 tokens, the largest size's 2e6: "ends lower" at their own largest
        // budgets would compare data. Both were trained on 2e6 tokens: there the larger model ends lower.
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WritePretraining(results, [1e5], [2e6, 2e7]);
        SyntheticPipeline.WritePretraining(results, [1e6], [2e6]);

        var pretrain = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null).Card[0];

        var (small, large) = (SyntheticPipeline.Loss(1e5, 2_000_000), SyntheticPipeline.Loss(1e6, 2_000_000));
        Assert.True(large < small);
        Assert.EndsWith($"; at 2M tokens, the largest budget both were trained on, the largest model ends lower than the smallest " +
                        $"({AnalysisSummary.Format(Math.Round(large, 3))} against {AnalysisSummary.Format(Math.Round(small, 3))}; no interval)", pretrain.Reading);
    }

    [Fact]
    public void SizesSharingNoBudgetAreNotCompared()
    {
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WritePretraining(results, [1e5], [2e7]);
        SyntheticPipeline.WritePretraining(results, [1e6], [2e6]);

        var pretrain = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null).Card[0];

        Assert.EndsWith("; the smallest and the largest size were trained on different budgets (20M and 2M tokens) and share none: not compared", pretrain.Reading);
    }

    [Fact]
    public void ALawWhoseIntervalsResamplePointsSaysSoPlainly()
    {
        var fit = new LawFit(LossComputeLaw.LawName, 9, new Dictionary<string, double> { ["E"] = 1, ["A"] = 2, ["alpha"] = 0.3 }, 0, []);
        var law = new FittedLaw(LossComputeLaw.LawName, "pretrain", fit,
            [new ParameterEstimate("E", 1, 0.9, 1.1), new ParameterEstimate("A", 2, 1.5, 2.5), new ParameterEstimate("alpha", 0.3, 0.2, 0.4)],
            [], 0, 0, RunLevelIntervals.Points, null, "no backtest")
        { Runs = 0, IntervalMethod = "percentile bootstrap over points" };
        var data = new Results.Reading.ResultsDataset(Results, [], [], []);

        var row = ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [law], [], [])[0];

        Assert.EndsWith("; 95% CIs from resampling points, not runs (percentile bootstrap over points): points of one run are not " +
                        "independent, so these intervals understate the uncertainty", row.BeforeAfter);
        Assert.Equal("fitted, but its intervals resample points, not runs: too narrow to quote as a run-level result", row.Reading);
    }

    [Fact]
    public void ALawWhoseIntervalsDoNotPinItDownIsNotCalledFitted()
    {
        // The quickstart's Chinchilla fit of issue 17: E stuck at the search bound with an interval of zero width up to the
        // refits' last digits, alpha's interval across 0; only beta bounded. A (over 21 decades) and B are power-term
        // coefficients, judged through their exponents.
        var fit = new LawFit(ChinchillaLaw.LawName, 17, new Dictionary<string, double> { ["E"] = 2e-16, ["A"] = 2.8e7, ["B"] = 5507, ["alpha"] = 1.83, ["beta"] = 0.675 }, 0, []);
        var law = new FittedLaw(ChinchillaLaw.LawName, "pretrain", fit,
            [new ParameterEstimate("E", 2.175e-16, 2.1749999e-16, 2.1750001e-16) { SearchBound = 0 }, new ParameterEstimate("A", 2.8e7, 3e-4, 2e18), new ParameterEstimate("B", 5507, 167, 1.8e5),
             new ParameterEstimate("alpha", 1.83, -0.75, 4.41), new ParameterEstimate("beta", 0.675, 0.401, 0.950)],
            [], 0, 0, RunLevelIntervals.Lineage, null, "no backtest")
        { Runs = 17, IntervalMethod = "jackknife-t over lineages" };
        var data = new Results.Reading.ResultsDataset(Results, [], [], []);

        var row = ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [law], [], [])[0];

        Assert.Equal("fitted, but not identified by these points: E has a zero-width interval (at the search bound 0 in every refit); " +
                     "alpha's interval includes 0", row.Reading);
        // The stuck value is printed without its degenerate interval.
        Assert.StartsWith("E 2.175E-16 (at the search bound 0, no interval), A 2.8E+07 [", row.BeforeAfter);
        // A law whose intervals are informative keeps its reading.
        var good = law with
        {
            Parameters = [new ParameterEstimate("E", 0.5, 0.4, 0.6), new ParameterEstimate("A", 400, 200, 900), new ParameterEstimate("B", 410, 300, 600),
                          new ParameterEstimate("alpha", 0.34, 0.3, 0.38), new ParameterEstimate("beta", 0.28, 0.25, 0.31)],
        };
        Assert.Equal("fitted with intervals; no backtest", ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [good], [], [])[0].Reading);
        // A floor over more than 3 decades is not identified; a power-term coefficient spread by its exponent is.
        var wideFloor = good with { Parameters = [new ParameterEstimate("E", 0.5, 0.001, 2), .. good.Parameters.Skip(1)] };
        Assert.Equal("fitted, but not identified by these points: E's interval spans 3.3 decades",
            ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [wideFloor], [], [])[0].Reading);
        var wideCoefficient = good with { Parameters = [good.Parameters[0], new ParameterEstimate("A", 400, 1, 1e9), .. good.Parameters.Skip(2)] };
        Assert.Equal("fitted with intervals; no backtest",
            ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [wideCoefficient], [], [])[0].Reading);
    }

    [Fact]
    public void AZeroWidthIntervalIsLabelledAlikeOnTheCardInTheReportAndInTheSummary()
    {
        // The third referee: only the card said "at the search bound"; the report's fits table and the printed summary
        // still showed [x, x], and the label did not check that the value sat at a bound. E at 2E−16 against losses of
        // ~0.5 sits at the bound 0 of its search range (ln E ran to −36); a zero-width alpha sits at no bound.
        LawPoint[] points = [.. new[] { (1e5, 1e6, 0.9), (1e6, 1e6, 0.7), (1e5, 1e7, 0.6), (1e6, 1e7, 0.5) }
            .Select(p => new LawPoint(6 * p.Item1 * p.Item2, p.Item3, p.Item1, p.Item2))];
        var values = new Dictionary<string, double> { ["E"] = 2.175e-16, ["A"] = 2.8e7, ["B"] = 5507, ["alpha"] = 1.83, ["beta"] = 0.675 };
        var fit = new LawFit(ChinchillaLaw.LawName, points.Length, values, 0, []);
        var chinchilla = new ChinchillaLaw();
        Assert.Equal(0, chinchilla.SearchBoundAt(fit, "E", points));
        Assert.Null(chinchilla.SearchBoundAt(fit with { Parameters = new Dictionary<string, double>(values) { ["E"] = 0.3 } }, "E", points));
        Assert.Null(chinchilla.SearchBoundAt(fit, "alpha", points));
        var law = new FittedLaw(ChinchillaLaw.LawName, "pretrain", fit,
            [new ParameterEstimate("E", 2.175e-16, 2.1749999e-16, 2.1750001e-16) { SearchBound = chinchilla.SearchBoundAt(fit, "E", points) },
             new ParameterEstimate("A", 2.8e7, 3e-4, 2e18), new ParameterEstimate("B", 5507, 167, 1.8e5),
             new ParameterEstimate("alpha", 1.83, 1.83, 1.83), new ParameterEstimate("beta", 0.675, 0.401, 0.950)],
            [], 0, 0, RunLevelIntervals.Lineage, null, "no backtest")
        { Runs = 17, IntervalMethod = "jackknife-t over lineages" };
        var data = new Results.Reading.ResultsDataset(Results, [], [], []);
        const string AtBound = "E 2.175E-16 (at the search bound 0, no interval)";
        const string SameValue = "(every refit gave the same value, no interval)";

        var card = ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [law], [], [])[0].BeforeAfter;
        var report = MarkdownReport.Render(ReportComposer.Compose(new ReportInputs("id", Results, new AnalysisOptions(), 0,
            TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [law], [], [], [])));
        var summary = new AnalysisSummary("id", [law], [], [], "report.md", "report.html", "fits").ToTable();

        Assert.StartsWith(AtBound, card);
        Assert.Contains($"alpha 1.83 {SameValue}", card);
        Assert.Contains("| E | 2.175E-16 | (at the search bound 0, no interval) |", report);
        Assert.Contains($"| alpha | 1.83 | {SameValue} |", report);
        Assert.Contains("2.175E-16  (at the search bound 0, no interval)", summary);
        Assert.Contains($"1.83       {SameValue}", summary);
        foreach (var printed in new[] { card, report, summary })
        {
            Assert.DoesNotContain("[2.175E-16, 2.175E-16]", printed);
            Assert.DoesNotContain("[1.83, 1.83]", printed);
        }
    }

    [Theory]
    [InlineData(new long[] { 1, 1, 1, 2, 3 }, "3 seeds (3 share seed 1)")] // the quickstart's sweep: points sharing a seed
    [InlineData(new long[] { 4, 5, 6 }, "3 seeds")]
    [InlineData(new long[] { 7, 7 }, "1 seed")]
    public void SeedSpreadSaysWhenLineagesShareASeed(long[] seeds, string expected) =>
        Assert.Equal(expected, ReportCard.SeedSpread(seeds));

    [Fact]
    public void RepeatedNotFittedNotesAreOneLineWithACount()
    {
        // One run per breadth, two evaluations each: 3 breadths × 2 splits = 6 groups too small for either RL law.
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WriteRl(results, [1, 2, 4], parent: "pt", steps: 2);

        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);

        var sigmoid = Assert.Single(summary.Notes, n => n.StartsWith("not enough points for rl-sigmoid", StringComparison.Ordinal));
        Assert.StartsWith("not enough points for rl-sigmoid (need ≥ 5) (×6): arith / held_out · RL breadth 1 (have 2); ", sigmoid);
        Assert.Single(summary.Notes, n => n.StartsWith("not enough points for rl-loglinear (need ≥ 3) (×6)", StringComparison.Ordinal));
        var notFitted = summary.Card.Single(r => r.Stage == "laws not fitted");
        Assert.Equal("4 reasons", notFitted.Ran); // both RL laws, and both pre-training laws (no pre-training runs)
        Assert.Contains("(×6)", notFitted.BeforeAfter);
        // The printed summary and the report carry the aggregated line once, not six lines.
        var table = summary.ToTable();
        Assert.Equal(1, CountOf(table, "note: not enough points for rl-sigmoid"));
        Assert.Equal(1, CountOf(File.ReadAllText(summary.ReportMarkdownPath), "Note: not enough points for rl-sigmoid"));
    }

    [Fact]
    public void TheContaminationRowCountsTheRlStagesCheck()
    {
        var clean = new ContaminationRow("rl-0", "addition", "in_distribution", 64, 0, DateTime.UtcNow);
        var dirty = new ContaminationRow("rl-1", "addition", "in_distribution", 64, 3, DateTime.UtcNow);
        var ofEvalVerb = new ContaminationRow("rl-1", "addition", "in_distribution", 64, 9, DateTime.UtcNow, RunStage.Eval);
        var data = new Results.Reading.ResultsDataset(Results, [], [], []);
        var points = TrainingPipeline.Analysis.Points.ResultsPoints.From(data);

        var row = ReportCard.Build(data, points, [], [], [clean, dirty, ofEvalVerb]).Single();

        Assert.Equal(("contamination", "2 RL runs checked", "128 evaluation prompts", "3 of 128 occur in training data"), (row.Stage, row.Ran, row.Volume, row.BeforeAfter));
        Assert.StartsWith("contaminated", row.Reading);
        Assert.StartsWith("clean", ReportCard.Build(data, points, [], [], [clean]).Single().Reading);
        // Checks of planned runs the dataset does not hold (a pipeline edited between invocations) are not counted.
        var withRun = data with { Runs = [new Results.Reading.RunRow("rl-1", "e", RunStage.Rl, null, "{}", 1, 1, 1, RunStatus.Completed, DateTime.UtcNow)] };
        Assert.Equal(["rl-1"], ReportCard.OfRunsPresent([clean, dirty], withRun).Select(r => r.RunId));
        // Without RL runs there is nothing to check, which is not "results written before schema version 2".
        var none = ReportCard.Build(data, points, [], [], []).Single();
        Assert.Equal(("no RL runs", ReportCard.NoRlRunsToCheck), (none.Ran, none.Reading));
    }

    [Fact]
    public async Task TheStageCountsOnlyTheChecksOfRunsTheDatasetHolds()
    {
        // A pipeline edited between invocations leaves checks of RL runs that were planned but never ran: "ghost" here,
        // with contaminated prompts. The card and the note count rl-0's clean check only.
        var results = new ResultsFolderBuilder(Results);
        SyntheticPipeline.WriteRl(results, [1], parent: "pt", steps: 2);
        foreach (var (run, contaminated) in new[] { ("rl-0", 0L), ("ghost", 7L) })
        {
            var folder = Directory.CreateDirectory(Path.Combine(Results, "contamination", $"run_id={run}")).FullName;
            await using var file = File.Create(Path.Combine(folder, "part-0.parquet"));
            await ParquetSerializer.SerializeAsync(new[] { new ContaminationRecord
            {
                Stage = "rl", EvalSet = "arith", Split = "in_distribution", Difficulty = 2, EvalPrompts = 64, Contaminated = contaminated,
                WrittenAt = DateTime.UtcNow,
            } }, file);
        }

        var summary = AnalysisStage.Run(Results, Output, Quick, TextWriter.Null);

        var row = summary.Card.Single(r => r.Stage == "contamination");
        Assert.Equal(("1 RL run checked", "0 of 64 occur in training data"), (row.Ran, row.BeforeAfter));
        Assert.Contains(summary.Notes, n => n.StartsWith("contamination: 0 of 64 evaluation prompts", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0625, 0.0625, 0.0, 0.0, "zero-width intervals: the runs agree exactly (a score that never moved?), not a measured law")]
    [InlineData(0.2, 0.4, -0.33, 0.35, "no trend with compute shown: the slope b's interval includes 0")]
    [InlineData(0.2, 0.4, 0.01, 0.05, "fitted with intervals; no backtest")]
    [InlineData(double.NaN, double.NaN, double.NaN, double.NaN, "an estimate without a run-level interval: not a result to quote")]
    public void ALawsReadingSaysWhenItShowsNothing(double aLow, double aHigh, double bLow, double bHigh, string reading)
    {
        // The quickstart's old RL fits (issue 17): "a 0.0625 [0.0625, 0.0625], b 0 [0, 0]" and "b −0.003 [−0.33, 0.35]".
        var fit = new LawFit(RlLogLinearLaw.LawName, 9, new Dictionary<string, double> { ["a"] = 0.3, ["b"] = 0.01 }, 0, []);
        var law = new FittedLaw(RlLogLinearLaw.LawName, "arith / in_distribution", fit,
            [new ParameterEstimate("a", 0.3, aLow, aHigh), new ParameterEstimate("b", 0.01, bLow, bHigh)], [], 0, 0, "run", null, "no backtest")
        { Runs = 3, IntervalMethod = "jackknife-t over runs" };
        var data = new Results.Reading.ResultsDataset(Results, [], [], []);

        var row = ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [law], [], [])[0];

        Assert.Equal(("law rl-loglinear", "9 points, 3 runs", reading), (row.Stage, row.Volume, row.Reading));
    }

    [Fact]
    public void NotesAggregateByTextAndByHeadline()
    {
        var notes = new AnalysisNotes();
        notes.Add("same");
        notes.Add("h", "only text", "d1");
        notes.Add("same");
        for (var i = 2; i <= 8; i++) notes.Add("k", $"text {i}", $"d{i}");
        notes.Add("alone", "the full wording of a single note", "unused");

        Assert.Equal(["same (×2)", "only text", "k (×7): d2; d3; d4; d5; d6; d7; … and 1 more", "the full wording of a single note"], notes.Lines());
        Assert.Equal(["same (×2)", "only text", "k (×7)", "the full wording of a single note"], notes.Headlines());
        Assert.Equal(["a (×3)", "b"], AnalysisNotes.Aggregate(["a", "b", "a", "a"]));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
