using System.Globalization;
using System.Text.Json.Nodes;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Points;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;

namespace TrainingPipeline.Analysis.Reporting;

/// <summary>One row of the report card: what ran, how much, how long, what changed (with its uncertainty), and a reading.</summary>
public sealed record ReportCardRow(string Stage, string Ran, string Volume, string WallTime, string BeforeAfter, string Reading)
{
    public IReadOnlyList<string> Cells => [Stage, Ran, Volume, WallTime, BeforeAfter, Reading];
}

/// <summary>
/// The report card at the top of the printed summary and the reports (after nanochat's report card): one row per
/// pre-training phase, per RL cohort, per fitted law, one for the laws that could not be fitted, and one for the
/// contamination check. Everything comes from the results tables (runs, steps, evals, contamination) and the fits.
/// A before → after cell counts only runs with both a before and an after value (a run evaluated at one step has no
/// change to contribute). Its uncertainty is over seeds, the replicate unit: runs of one seed are averaged into one value
/// first, and with fewer than 3 seeds the cell says how many runs it has and that there is no interval (with the
/// evaluation's standard error for a single run, which is evaluation noise only).
/// </summary>
public static class ReportCard
{
    public static IReadOnlyList<string> Header { get; } =
        ["stage", "what ran", "tokens / samples", "wall time", "before → after (uncertainty)", "reading"];

    /// <param name="notFitted">Aggregated notes on the laws that could not be fitted, without their details (<see cref="AnalysisNotes.Headlines"/>).</param>
    public static IReadOnlyList<ReportCardRow> Build(ResultsDataset data, AnalysisPoints points, IReadOnlyList<FittedLaw> laws,
        IReadOnlyList<string> notFitted, IReadOnlyList<ContaminationRow> contamination)
    {
        var rows = new List<ReportCardRow>();
        var stepsByRun = data.Steps.ToLookup(s => s.RunId);
        var evalsByRun = data.Evals.ToLookup(e => e.RunId);
        var runsById = data.Runs.ToDictionary(r => r.RunId);
        var tokenizer = Tokenizer(data);

        var pretrainRuns = data.Runs.Where(r => r.Stage.IsPretrain).ToList();
        foreach (var phase in pretrainRuns.GroupBy(r => r.Stage.ToString()).OrderBy(g => g.Min(r => Depth(r, runsById))).ThenBy(g => g.Key, StringComparer.Ordinal))
            rows.Add(PretrainRow(phase.Key, [.. phase], stepsByRun, evalsByRun, tokenizer));

        var rlRuns = data.Runs.Where(r => r.Stage.Kind == StageKind.Rl).ToList();
        foreach (var cohort in rlRuns.GroupBy(r => points.RlCohortOf.GetValueOrDefault(r.RunId) ?? " · not completed").OrderBy(g => g.Key, StringComparer.Ordinal))
            rows.Add(RlRow("rl" + cohort.Key, [.. cohort], stepsByRun, evalsByRun));

        rows.AddRange(laws.Select(LawRow));
        if (notFitted.Count > 0)
            rows.Add(new ReportCardRow("laws not fitted", $"{notFitted.Count} reason{(notFitted.Count == 1 ? "" : "s")}", "", "",
                string.Join("; ", notFitted), "a law needs more points or runs than these results hold: the groups are named in the notes below"));
        rows.Add(ContaminationRowOf(contamination, rlRuns.Count > 0));
        return rows;
    }

    /// <summary>The runs' tokenizer as config_json records it (<c>byte</c> when no run names one, as before the field).</summary>
    public static string Tokenizer(ResultsDataset data) =>
        data.Runs.Select(r => ReadString(r.ConfigJson, "tokenizer")).FirstOrDefault(t => t is not null) ?? "byte";

    private static ReportCardRow PretrainRow(string stage, List<RunRow> runs, ILookup<string, StepRow> steps, ILookup<string, EvalRow> evals, string tokenizer)
    {
        var sizes = runs.Select(r => r.ParamsNonEmbedding).Distinct().Order().ToList();
        long Tokens(RunRow r) => FinalStep(steps[r.RunId])?.Tokens ?? 0;
        // Replicates are runs that differ only in their seed: at one size, runs with other token budgets or settings are
        // other experiments, so each size shows its largest-budget configuration and its seeds.
        // With a budget: that budget's configuration (the largest-budget run among those within 1% of it).
        List<Change> Replicates(long size, long? budget = null)
        {
            var ofSize = runs.Where(r => r.ParamsNonEmbedding == size).ToList();
            var largest = (budget is { } b ? ofSize.Where(r => SameBudget(Tokens(r), b)) : ofSize).MaxBy(Tokens);
            if (largest is null) return [];
            var key = (Tokens(largest), ResultsPoints.Canonical(ResultsPoints.CohortSettings(largest.ConfigJson)));
            return [.. ofSize.Where(r => (Tokens(r), ResultsPoints.Canonical(ResultsPoints.CohortSettings(r.ConfigJson))) == key)
                .Select(r => BeforeAfter(r.Seed, evals[r.RunId].Where(e => e.Stage == r.Stage && e.Metric == "loss" && e.Split == ResultsPoints.InDistribution)))
                .OfType<Change>()
                // The loss evaluator records s.e. 0 when it had one batch (nothing to estimate a spread from): unknown, not exact.
                .Select(c => c.AfterStdError == 0 ? c with { AfterStdError = double.NaN } : c)];
        }
        long BudgetOf(long size) => runs.Where(r => r.ParamsNonEmbedding == size).Max(Tokens);
        var shownSizes = sizes.Count <= 2 ? sizes : [sizes[0], sizes[^1]];
        var cells = shownSizes.Select(size => $"N {Count(size)}, {Count(BudgetOf(size))} tokens: {Describe(Replicates(size))}").ToList();
        var largestSize = Replicates(sizes[^1]);
        var reading = largestSize.Count == 0 ? "no in-distribution loss evaluations recorded" : LossReading(largestSize, tokenizer);
        if (sizes.Count > 1)
        {
            var smallestSize = Replicates(sizes[0]);
            var (smallBudget, largeBudget) = (BudgetOf(sizes[0]), BudgetOf(sizes[^1]));
            if (smallestSize.Count > 0 && largestSize.Count > 0)
                // Sizes trained on different budgets are different experiments: "ends lower" would compare data, not size.
                // They are compared at the largest budget both were trained on, if there is one.
                reading += !SameBudget(smallBudget, largeBudget) ? SharedBudgetComparison(sizes[0], sizes[^1], smallBudget, largeBudget)
                    : largestSize.Average(c => c.After) < smallestSize.Average(c => c.After)
                    ? "; the largest model ends lower than the smallest"
                    : "; the largest model does not end lower than the smallest";
        }
        string SharedBudgetComparison(long smallest, long largest, long smallBudget, long largeBudget)
        {
            var largestBudgets = runs.Where(r => r.ParamsNonEmbedding == largest).Select(Tokens).ToList();
            var shared = runs.Where(r => r.ParamsNonEmbedding == smallest).Select(Tokens).Where(t => largestBudgets.Any(o => SameBudget(o, t)))
                .DefaultIfEmpty(0).Max();
            var (small, large) = (Replicates(smallest, shared), Replicates(largest, shared));
            if (shared == 0 || small.Count == 0 || large.Count == 0)
                return $"; the smallest and the largest size were trained on different budgets ({Count(smallBudget)} and {Count(largeBudget)} tokens) and share none: not compared";
            double smallAfter = small.Average(c => c.After), largeAfter = large.Average(c => c.After);
            return $"; at {Count(shared)} tokens, the largest budget both were trained on, the largest model ends " +
                   $"{(largeAfter < smallAfter ? "lower" : "not lower")} than the smallest ({F(largeAfter)} against {F(smallAfter)}" +
                   $"{(small.Count > 1 || large.Count > 1 ? ", means over seeds" : "")}; no interval)";
        }
        return new ReportCardRow(stage, $"{Runs(runs)} · N {string.Join(", ", sizes.Select(Count))} · {Seeds(runs)}",
            $"{Count(runs.Sum(Tokens))} tokens", WallTime(runs, steps),
            "in-distribution loss (nats/token): " + string.Join("; ", cells), reading);
    }

    /// <summary>Token budgets within 1% of each other are one budget (runs stop at the step that reaches it).</summary>
    private static bool SameBudget(long a, long b) => Math.Abs(a - b) <= 0.01 * Math.Max(a, b);

    private static string LossReading(List<Change> changes, string tokenizer)
    {
        double before = changes.Average(c => c.Before), after = changes.Average(c => c.After);
        var direction = after < before ? "fell" : "did not fall";
        var unit = tokenizer == "byte" ? "nats per token = per byte, byte tokenizer" : $"nats per token, {tokenizer} tokenizer";
        return string.Create(CultureInfo.InvariantCulture, $"loss {direction} by {100 * (before - after) / before:F0}% at the largest size ({unit})");
    }

    private static ReportCardRow RlRow(string stage, List<RunRow> runs, ILookup<string, StepRow> steps, ILookup<string, EvalRow> evals)
    {
        var completed = runs.Where(r => r.Status == RunStatus.Completed).ToList();
        var splits = new[] { ResultsPoints.InDistribution, ResultsPoints.HeldOut, ResultTables.Unrewarded };
        var cells = new List<string>();
        string? reading = null;
        foreach (var split in splits)
        {
            var changes = completed.Select(r => BeforeAfter(r.Seed, evals[r.RunId].Where(e => e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1" && e.Split == split)))
                .OfType<Change>().ToList();
            if (changes.Count == 0) continue;
            cells.Add($"{split} pass@1 {Describe(changes)}");
            reading ??= RlReading(split, changes);
        }
        var samples = runs.Sum(r => Samples(r, steps[r.RunId]));
        var volume = double.IsFinite(samples)
            ? $"{Count((long)samples)} samples trained, {Count(runs.Sum(r => FinalStep(steps[r.RunId])?.Tokens ?? 0))} tokens trained"
            : $"{Count(runs.Sum(r => FinalStep(steps[r.RunId])?.Tokens ?? 0))} tokens trained (samples not recorded: no groups_trained)";
        var ran = $"{Runs(runs)} · N {string.Join(", ", runs.Select(r => r.ParamsNonEmbedding).Distinct().Order().Select(Count))} · {Seeds(runs)}" +
            (completed.Count < runs.Count ? $" · {runs.Count - completed.Count} not completed (left out)" : "");
        return new ReportCardRow(stage, ran, volume, WallTime(runs, steps), cells.Count == 0 ? "no pass@1 evaluations recorded" : string.Join("; ", cells),
            reading ?? "no completed run has pass@1 evaluations");
    }

    private static string RlReading(string split, List<Change> changes)
    {
        var paired = changes.Where(c => c.HasBefore).ToList();
        var seeds = paired.Select(c => c.Seed).Distinct().Count();
        if (seeds < RunLevelIntervals.MinimumRuns)
            return paired.Count == 0
                ? $"{Runs(changes.Count)} with one evaluation step each: no before value, so no claim about RL's effect"
                : $"{Runs(paired.Count)} with a before and an after value, {Seeds(seeds)}: fewer than {RunLevelIntervals.MinimumRuns} seeds, so no claim about RL's effect";
        var (_, low, high) = DeltaInterval(paired);
        return low > 0 ? $"RL raised {split} pass@1 (the interval of the change over seeds excludes 0)"
            : high < 0 ? $"RL lowered {split} pass@1 (the interval of the change over seeds excludes 0)"
            : $"no change of {split} pass@1 shown (the interval of the change over seeds includes 0)";
    }

    private static ReportCardRow LawRow(FittedLaw law)
    {
        // A failed fit's values are not estimates: neither they nor intervals are printed as if fitted. A zero-width interval
        // is printed as what it is (AnalysisSummary.IntervalText), never as "[x, x]", a measurement known exactly.
        var parameters = law.Failed ? $"{string.Join(", ", law.Parameters.Select(p => p.Name))} {AnalysisSummary.FailedFitWithheld}"
            : string.Join(", ", law.Parameters.Select(p => $"{p.Name} {AnalysisSummary.Format(p.Value)}" +
                (double.IsFinite(p.CiLow) ? $" {AnalysisSummary.IntervalText(law, p)}" : "")));
        var hasInterval = law.Parameters.Any(p => double.IsFinite(p.CiLow));
        var resampled = hasInterval
            ? law.ResamplingUnit == RunLevelIntervals.Points
                // Points of one run are not independent: an interval from resampling them is narrower than a run-level one.
                ? $"95% CIs from resampling points, not runs ({law.IntervalMethod}): points of one run are not independent, so these intervals understate the uncertainty"
                : $"95% CIs resampling {law.ResamplingUnit}s ({law.IntervalMethod})"
            : law.IntervalNote ?? "no interval";
        var slope = law.Law == RlLogLinearLaw.LawName ? law.Parameters.FirstOrDefault(p => p.Name == "b") : null;
        var reading = law.Failed ? $"failed fit ({law.FailureNote}): not a result"
            : !hasInterval ? "an estimate without a run-level interval: not a result to quote"
            // Zero-width intervals: every run gave the same points (e.g. a score that never moved), not a measured law.
            : law.Parameters.All(p => p.HasZeroWidthInterval) ? "zero-width intervals: the runs agree exactly (a score that never moved?), not a measured law"
            : slope is not null && slope.CiLow <= 0 && slope.CiHigh >= 0 ? "no trend with compute shown: the slope b's interval includes 0"
            : law.ResamplingUnit == RunLevelIntervals.Points ? "fitted, but its intervals resample points, not runs: too narrow to quote as a run-level result"
            : Unidentified(law) is { } why ? $"fitted, but not identified by these points: {why}"
            : law.Backtest is { } b ? $"fitted with intervals; backtest RMSE {AnalysisSummary.Format(b.RootMeanSquaredError)} on the top of the compute range"
            : Backtest.FailedOnDegenerateFit(law.BacktestNote) ? $"fitted with intervals; {law.BacktestNote}"
            : "fitted with intervals; no backtest";
        return new ReportCardRow($"law {law.Law}", law.Group,
            $"{law.PointCount} points{(law.OffFrontierPoints > 0 ? " on the compute-efficient frontier" : "")}, {law.Runs} {ReportComposer.UnitPlural(law.ReplicateUnit, law.Runs)}" +
            (law.LineageSeeds.Count > 0 ? $": {SeedSpread(law.LineageSeeds)}" : ""), "", $"{parameters}; {resampled}", reading);
    }

    /// <summary>Orders of magnitude beyond which a scale parameter's interval says nothing about its value.</summary>
    internal const double UninformativeDecades = 3;

    /// <summary>
    /// Why a law's intervals, though computed, do not pin it down, or null: a parameter with a zero-width interval
    /// while others vary (stuck at the optimiser's bound in every refit: a value the data did not choose), an exponent
    /// whose interval includes 0, or a positive scale parameter whose interval spans more than
    /// <see cref="UninformativeDecades"/> decades. "Fitted with intervals" would read as a measured law. The coefficients
    /// of power terms (A of A·C^−α, A and B of Chinchilla's A/N^α and B/D^β) are the exception to the decade rule: they are
    /// the term's value at C = 1 or N = 1, 10 or more decades below the data, so a modest exponent interval alone spreads
    /// them over many decades (d log10 A ≈ log10 C · d alpha) while the curve over the data stays pinned. Their
    /// identification is their exponent's, which the rule above checks.
    /// </summary>
    internal static string? Unidentified(FittedLaw law)
    {
        var reasons = new List<string>();
        foreach (var p in law.Parameters.Where(p => double.IsFinite(p.CiLow) && double.IsFinite(p.CiHigh)))
        {
            if (p.HasZeroWidthInterval)
                reasons.Add($"{p.Name} has a zero-width interval ({(p.SearchBound is { } bound ? $"at the search bound {AnalysisSummary.Format(bound)}" : "the same value")} in every refit)");
            else if (Exponents.Contains(p.Name) && p.CiLow <= 0 && p.CiHigh >= 0) reasons.Add($"{p.Name}'s interval includes 0");
            else if (p.CiLow > 0 && !PowerCoefficients.Contains((law.Law, p.Name)) && Math.Log10(p.CiHigh / p.CiLow) > UninformativeDecades)
                reasons.Add($"{p.Name}'s interval spans {Math.Log10(p.CiHigh / p.CiLow):F1} decades");
        }
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    /// <summary>Exponents of the laws, whose sign is the claim (rl-loglinear's slope b has its own reading above).</summary>
    private static readonly HashSet<string> Exponents = new(StringComparer.Ordinal) { "alpha", "beta" };

    /// <summary>
    /// The checks of runs the dataset holds (the analysis stage filters once, for the notes and the card alike). <c>run</c> writes a check for every planned RL run before any trains, so a
    /// pipeline edited between invocations leaves checks of runs that never existed; with runs present, only theirs count.
    /// </summary>
    internal static IReadOnlyList<ContaminationRow> OfRunsPresent(IReadOnlyList<ContaminationRow> rows, ResultsDataset data)
    {
        if (data.Runs.Count == 0) return rows;
        var present = data.Runs.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        return [.. rows.Where(r => present.Contains(r.RunId))];
    }

    /// <summary>Why a pre-training-only dataset has no contamination check.</summary>
    internal const string NoRlRunsToCheck = "no RL runs, so no task prompts to check: pre-training losses are scored on documents " +
        "disjoint from the training corpus by construction (a domain too small for that is split train_sample and left out of the laws)";

    /// <summary>Coefficients of power terms, judged through their exponents (see <see cref="Unidentified"/>).</summary>
    private static readonly HashSet<(string Law, string Parameter)> PowerCoefficients =
        [(LossComputeLaw.LawName, "A"), (ChinchillaLaw.LawName, "A"), (ChinchillaLaw.LawName, "B")];

    private static ReportCardRow ContaminationRowOf(IReadOnlyList<ContaminationRow> all, bool hasRlRuns)
    {
        var rows = all.Where(r => r.Stage == ContaminationRow.TrainingStage).ToList();
        if (rows.Count == 0 && !hasRlRuns)
            return new ReportCardRow("contamination", "no RL runs", "", "", "n/a", NoRlRunsToCheck);
        if (rows.Count == 0)
            return new ReportCardRow("contamination", "no check recorded", "", "", "n/a", "results written before schema version 2 carry no contamination check");
        long contaminated = rows.Sum(r => r.Contaminated), prompts = rows.Sum(r => r.EvalPrompts);
        var runs = rows.Select(r => r.RunId).Distinct().Count();
        return new ReportCardRow("contamination", $"{runs} RL run{(runs == 1 ? "" : "s")} checked", $"{prompts:N0} evaluation prompts", "",
            string.Create(CultureInfo.InvariantCulture, $"{contaminated:N0} of {prompts:N0} occur in training data"),
            contaminated == 0 ? "clean: no evaluation prompt occurs in the training data" : "contaminated: these scores are not clean evaluations");
    }

    /// <summary>A run's mean over eval sets at its first and its last evaluated step, with the last one's evaluation s.e.;
    /// <see cref="HasBefore"/> is false when the run was evaluated at one step only (then Before is that step too).</summary>
    private sealed record Change(long Seed, double Before, double After, double AfterStdError, bool HasBefore);

    private static Change? BeforeAfter(long seed, IEnumerable<EvalRow> rows)
    {
        var finite = rows.Where(e => double.IsFinite(e.Value)).ToList();
        if (finite.Count == 0) return null;
        long first = finite.Min(e => e.Step), last = finite.Max(e => e.Step);
        var final = finite.Where(e => e.Step == last).ToList();
        // The mean of k independent evaluations: its s.e. is the root of the summed variances over k.
        var se = Math.Sqrt(final.Sum(e => double.IsFinite(e.Stderr) ? e.Stderr * e.Stderr : double.NaN)) / final.Count;
        return new Change(seed, finite.Where(e => e.Step == first).Average(e => e.Value), final.Average(e => e.Value), se, first != last);
    }

    /// <summary>"before → after" over the runs that have both: with ≥ 3 seeds the change's 95% t interval over seeds; else
    /// the run count and "no interval" (for one run, the evaluation s.e.: evaluation noise only).</summary>
    private static string Describe(List<Change> changes)
    {
        if (changes.Count == 0) return "no evaluations";
        var paired = changes.Where(c => c.HasBefore).ToList();
        // A run evaluated at one step has no change: counted as 0 it would shrink the mean change and its interval.
        var leftOut = paired.Count == changes.Count ? "" : $"; {Runs(changes.Count - paired.Count)} with one evaluation step left out";
        if (paired.Count == 0)
            return $"{F(changes.Average(c => c.After))} (one evaluation step; {Runs(changes.Count)}, no before value, no interval)";
        double before = paired.Average(c => c.Before), after = paired.Average(c => c.After);
        var values = $"{F(before)} → {F(after)}";
        var seeds = paired.Select(c => c.Seed).Distinct().Count();
        if (seeds >= RunLevelIntervals.MinimumRuns)
        {
            var (delta, low, high) = DeltaInterval(paired);
            var runs = paired.Count == seeds ? "" : $"{Runs(paired.Count)}, ";
            return $"{values}, change {Signed(delta)} [{Signed(low)}, {Signed(high)}] ({runs}{Seeds(seeds)}, 95% t over seeds{leftOut})";
        }
        var ofSeeds = paired.Count == seeds ? "" : $" of {Seeds(seeds)}";
        var se = paired.Count == 1 && double.IsFinite(paired[0].AfterStdError)
            ? $"; eval s.e. {paired[0].AfterStdError.ToString("G2", CultureInfo.InvariantCulture)}" : "";
        return $"{values} ({Runs(paired.Count)}{ofSeeds}, no interval{se}{leftOut})";
    }

    /// <summary>The mean change over seeds with its 95% t interval: runs of one seed are averaged first, so the replicate
    /// unit is the seed (runs sharing a seed share their initialisation and data order, and are not independent).</summary>
    private static (double Mean, double Low, double High) DeltaInterval(List<Change> changes)
    {
        var deltas = changes.GroupBy(c => c.Seed).Select(g => g.Average(c => c.After - c.Before)).ToArray();
        double mean = deltas.Average();
        double se = Math.Sqrt(deltas.Sum(d => (d - mean) * (d - mean)) / (deltas.Length - 1) / deltas.Length);
        double half = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, deltas.Length - 1, 0.975) * se;
        return (mean, mean - half, mean + half);
    }

    /// <summary>RL completions trained: groups trained per step × the run's group size (config_json rl.group_size).</summary>
    private static double Samples(RunRow run, IEnumerable<StepRow> steps)
    {
        var groupSize = ReadNumber(run.ConfigJson, "rl", "group_size");
        var groups = steps.Sum(s => s.GroupsTrained);
        return groupSize is { } g ? groups * g : double.NaN;
    }

    /// <summary>Elapsed time from started_at to ended_at summed over runs (evaluation included); the steps' own training
    /// seconds when a run has no end time.</summary>
    private static string WallTime(List<RunRow> runs, ILookup<string, StepRow> steps)
    {
        double seconds = 0;
        foreach (var run in runs)
            seconds += run is { StartedAt: { } start, EndedAt: { } end } && end >= start
                ? (end - start).TotalSeconds
                : FinalStep(steps[run.RunId])?.WallSeconds is { } w && double.IsFinite(w) ? w : 0;
        return Duration(seconds);
    }

    internal static string Duration(double seconds) =>
        seconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s")
        : seconds < 3600 ? string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)} min {(int)(seconds % 60)} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60)} min");

    private static StepRow? FinalStep(IEnumerable<StepRow> steps) => steps.MaxBy(s => s.Step);

    private static int Depth(RunRow run, Dictionary<string, RunRow> runs)
    {
        var depth = 0;
        for (var current = run; current.ParentRunId is { } parent && runs.TryGetValue(parent, out var next) && depth < runs.Count; current = next) depth++;
        return depth;
    }

    private static string Runs(List<RunRow> runs) => Runs(runs.Count);

    private static string Runs(int count) => $"{count} run{(count == 1 ? "" : "s")}";

    private static string Seeds(List<RunRow> runs) => SeedSpread(runs.Select(r => r.Seed));

    /// <summary>"3 seeds (15 share seed 1)": sweep points sharing a seed are different experiments, not replicates.</summary>
    internal static string SeedSpread(IEnumerable<long> seeds)
    {
        var counts = seeds.GroupBy(s => s).Select(g => (Seed: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Seed).ToList();
        if (counts.Count == 0) return Seeds(0);
        var most = counts[0];
        return counts.Count > 1 && most.Count > 1 ? $"{Seeds(counts.Count)} ({most.Count} share seed {most.Seed})" : Seeds(counts.Count);
    }

    private static string Seeds(int count) => $"{count} seed{(count == 1 ? "" : "s")}";

    /// <summary>A count with a k / M / G suffix and three significant figures (49,152 → "49.2k").</summary>
    internal static string Count(long value) => value switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e9:G3}G"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e6:G3}M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e3:G3}k"),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private static string F(double value) => AnalysisSummary.Format(Math.Round(value, 3));

    private static string Signed(double value) => (value >= 0 ? "+" : "") + F(value);

    private static string? ReadString(string configJson, string name)
    {
        try { return (JsonNode.Parse(configJson) as JsonObject)?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static double? ReadNumber(string configJson, string section, string name)
    {
        try { return ((JsonNode.Parse(configJson) as JsonObject)?[section] as JsonObject)?[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null; }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
