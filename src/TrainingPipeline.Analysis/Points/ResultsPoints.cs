using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;

namespace TrainingPipeline.Analysis.Points;

/// <summary>
/// Turns the deduplicated results tables into fit points (docs/analysis.md, "Which points"):
/// <list type="bullet">
/// <item>Pre-training: one point per completed run whose stage starts with <c>pretrain</c>: the final-step
/// <c>loss</c> evals on the <c>in_distribution</c> split, averaged over eval sets, against that eval's cumulative
/// <c>flops</c>; D = the run's final <c>tokens</c> summed along its chain of pre-training parents (a broad run
/// continuing a narrow one has seen both); N = C/(6D), the effective parameter count of the project's FLOP
/// convention (docs/analysis.md, "FLOP convention"), so that C = 6ND holds exactly for every point. A run whose
/// chain has a run without steps has no D and is left out. Points are grouped by stage and by the eval sets their
/// loss averages over: a mean loss over 2 domains and one over 14 are different quantities, so one law is fitted per
/// group (<c>Pretrain</c> holds the largest group, ties going to the latest phase of a chain, e.g. broad after
/// narrow; <c>PretrainOtherEvalSets</c> the rest, named "stage · eval sets"). A point's cluster is its lineage (the
/// root of its pre-training chain), the unit the intervals resample.</item>
/// <item>RL: every <c>pass@1</c> eval (the sampled, unbiased pass@1) of a completed <c>rl</c> run (others are noted) with positive <c>run_flops</c>,
/// per eval set and split, against run_flops; points keep their run id so the bootstrap can resample runs. When the
/// RL runs differ in pre-training breadth, RL breadth or model size, each combination is its own group: a law describes one training
/// configuration, and seeds of it are its replicates.</item>
/// </list>
/// </summary>
public static class ResultsPoints
{
    public const string InDistribution = "in_distribution";
    public const string HeldOut = "held_out";

    public static AnalysisPoints From(ResultsDataset data)
    {
        var notes = new List<string>();
        var runs = data.Runs.ToDictionary(r => r.RunId);
        var finalTokens = data.Steps.GroupBy(s => s.RunId).ToDictionary(g => g.Key, g => g.MaxBy(s => s.Step)!.Tokens);
        var evalsByRun = data.Evals.ToLookup(e => e.RunId);

        var pretrain = new List<(string Group, int Phase, LawPoint Point)>();
        var curves = new List<LossCurvePoint>();
        foreach (var run in data.Runs.Where(r => r.Stage.IsPretrain))
        {
            var allLossEvals = evalsByRun[run.RunId].Where(e => e.Metric == "loss" && e.Split == InDistribution).ToList();
            var lossEvals = allLossEvals.Where(e => double.IsFinite(e.Value)).ToList();
            if (lossEvals.Count < allLossEvals.Count)
                notes.Add($"run {run.RunId}: {allLossEvals.Count - lossEvals.Count} loss evals are not finite (a diverged evaluation?); left out");
            foreach (var atStep in lossEvals.GroupBy(e => e.Step).OrderBy(g => g.Key))
                curves.Add(new LossCurvePoint(run.RunId, run.ParamsNonEmbedding, atStep.Max(e => e.Flops), atStep.Average(e => e.Value))
                {
                    Phase = run.Stage.ToString(),
                    StdError = Math.Sqrt(atStep.Sum(e => e.Stderr * e.Stderr)) / atStep.Count(),
                });
            if (run.Status != RunStatus.Completed)
            {
                notes.Add($"pre-training run {run.RunId} is {RunStatuses.Name(run.Status)}; left out of the loss fits");
                continue;
            }
            if (lossEvals.Count == 0)
            {
                notes.Add($"pre-training run {run.RunId} has no in_distribution loss evals; left out of the loss fits");
                continue;
            }
            var finalStep = lossEvals.Max(e => e.Step);
            var final = lossEvals.Where(e => e.Step == finalStep).ToList();
            var compute = final.Max(e => e.Flops);
            if (ChainTokens(run, runs, finalTokens) is not { } tokens || tokens <= 0)
            {
                notes.Add($"pre-training run {run.RunId}: some run in its chain has no steps, so its tokens D are unknown; left out of the loss fits");
                continue;
            }
            var evalSets = string.Join("+", final.Select(e => e.EvalSet).Distinct().Order(StringComparer.Ordinal));
            pretrain.Add(($"{run.Stage} · {evalSets}", PhaseIndex(run, runs), new LawPoint(compute, final.Average(e => e.Value), compute / (6 * tokens), tokens, LineageRoot(run, runs))));
        }
        // Ties in size go to the latest phase (a broad phase continuing a narrow one is the sweep's result), not to
        // whichever name sorts first.
        var byEvalSets = pretrain.GroupBy(p => p.Group)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(p => p.Phase)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<LawPoint>)[.. g.Select(p => p.Point)]);
        var fitted = byEvalSets.Keys.FirstOrDefault();
        foreach (var (evalSets, others) in byEvalSets.Where(g => g.Key != fitted))
            notes.Add($"{others.Count} pre-training points are of stage · eval sets {evalSets}, not {fitted} like the " +
                      $"{byEvalSets[fitted!].Count} points of the main fits: they are fitted as a law of their own ({evalSets})");

        // Only completed runs are pooled: a run still in progress has evaluations at low compute only and would pull
        // the fit towards its partial curve (and a crashed one may never finish).
        foreach (var unfinished in data.Runs.Where(r => r.Stage.Kind == StageKind.Rl && r.Status != RunStatus.Completed))
            notes.Add($"RL run {unfinished.RunId} is {RunStatuses.Name(unfinished.Status)}; left out of the RL fits until it completes");
        var rlRuns = data.Runs.Where(r => r.Stage.Kind == StageKind.Rl && r.Status == RunStatus.Completed).ToList();
        // Only the RL stage's own evaluations: rows of the `eval` verb (stage "eval") may use other settings.
        var allRlEvals = rlRuns.SelectMany(r => evalsByRun[r.RunId]).Where(e => e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1").ToList();
        var rlEvals = allRlEvals.Where(e => double.IsFinite(e.Value)).ToList();
        if (rlEvals.Count < allRlEvals.Count)
            notes.Add($"{allRlEvals.Count - rlEvals.Count} RL pass@1 evals are not finite numbers; left out");
        var skipped = rlEvals.Count(e => e.RunFlops <= 0);
        if (skipped > 0)
            notes.Add($"{skipped} RL pass@1 evals at zero RL compute (before the first update) are not on the log-compute axis; left out of the RL fits, " +
                      "except that the step-0 evals measure rl-sigmoid's floor R0 (the mean over runs of their step-0 pass@1)");
        var positive = rlEvals.Where(e => e.RunFlops > 0).ToList();
        var cohorts = RlCohorts(rlRuns, notes);
        string GroupOf(EvalRow e) => $"{e.EvalSet} / {e.Split}{cohorts[e.RunId]}";
        static LawPoint Point(EvalRow e) => new(e.RunFlops, e.Value, Cluster: e.RunId, StdError: e.Stderr, Step: e.Step);
        var groups = positive
            .GroupBy(GroupOf)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<LawPoint>)[.. g.Select(Point)]);
        // Step 0 is the base model each run starts from, evaluated before the first update (TrainingLoop always does).
        var stepZero = rlEvals.Where(e => e.Step == 0 && e.RunFlops <= 0)
            .GroupBy(GroupOf)
            .Where(g => groups.ContainsKey(g.Key))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<LawPoint>)[.. g.Select(Point)]);
        var heldOut = positive.Where(e => e.Split == HeldOut)
            .GroupBy(e => (e.RunId, e.Step))
            .Select(g => new RlHeldOutPoint(cohorts[g.Key.RunId], g.Key.RunId, g.Key.Step, g.First().RunFlops, g.Average(e => e.Value)))
            .ToList();
        var summaries = rlRuns.Select(r => Summarize(r, evalsByRun[r.RunId].Where(e => e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1" && double.IsFinite(e.Value)).ToList()))
            .OfType<RlRunSummary>().ToList();
        return new AnalysisPoints(fitted is null ? [] : byEvalSets[fitted], curves, groups, heldOut, summaries, notes)
        {
            PretrainOtherEvalSets = byEvalSets.Where(g => g.Key != fitted).ToDictionary(g => g.Key, g => g.Value),
            RlStepZero = stepZero,
            RlCohortOf = cohorts,
        };
    }

    /// <summary>
    /// The suffix naming each RL run's cohort in group names (" · pre-training breadth 14 · RL breadth 4 ·
    /// N 98,304"), empty for an axis that does not vary across the runs. A cohort is the RL config without its seed:
    /// runs that differ in anything else (lr, group size, algorithm…) are different experiments, not seeds of one, and
    /// pooling them would count their difference as run-to-run noise. Runs differing in anything but breadth and size get
    /// " · config k" and a note naming the fields that differ.
    /// </summary>
    private static Dictionary<string, string> RlCohorts(List<RunRow> rlRuns, List<string> notes)
    {
        var breadth = rlRuns.ToDictionary(r => r.RunId, r => RunBreadth.Read(r.ConfigJson, preferRl: true));
        var pretrainBreadth = rlRuns.ToDictionary(r => r.RunId, r => RunBreadth.ReadNamed(r.ConfigJson, "corpus_breadth"));
        bool byPretrainBreadth = pretrainBreadth.Values.Distinct().Count() > 1;
        bool byBreadth = breadth.Values.Distinct().Count() > 1;
        bool bySize = rlRuns.Select(r => r.ParamsNonEmbedding).Distinct().Count() > 1;
        static string Label(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
        var labels = rlRuns.ToDictionary(r => r.RunId, r =>
            (byPretrainBreadth ? $" · pre-training breadth {Label(pretrainBreadth[r.RunId])}" : "") +
            (byBreadth ? $" · RL breadth {Label(breadth[r.RunId])}" : "") +
            (bySize ? $" · N {r.ParamsNonEmbedding.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}" : ""));
        var settings = rlRuns.ToDictionary(r => r.RunId, r => CohortSettings(r.ConfigJson));
        foreach (var sameLabel in rlRuns.GroupBy(r => labels[r.RunId]))
        {
            var configs = sameLabel.GroupBy(r => Canonical(settings[r.RunId]), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            if (configs.Count < 2) continue;
            var differing = configs.SelectMany(g => settings[g.First().RunId].Keys).Distinct()
                .Where(key => configs.Select(g => settings[g.First().RunId].GetValueOrDefault(key) ?? "(absent)").Distinct().Count() > 1)
                .Order(StringComparer.Ordinal).ToList();
            for (var k = 0; k < configs.Count; k++)
            {
                var first = settings[configs[k].First().RunId];
                foreach (var run in configs[k]) labels[run.RunId] += $" · config {k + 1}";
                notes.Add($"RL runs{sameLabel.Key} differ in more than their seed: config {k + 1} ({configs[k].Count()} runs) has " +
                          string.Join(", ", differing.Select(key => $"{key} = {first.GetValueOrDefault(key) ?? "(absent)"}")) +
                          "; each config is fitted and tested as its own cohort");
            }
        }
        return labels;
    }

    /// <summary>
    /// The leaves of an RL run's config_json (path → JSON text) that define its cohort: everything but the seed, the ids
    /// (parent run, the identity object, which repeats the seed) and the evaluation/checkpoint settings, which change how
    /// a run is observed, not the run.
    /// </summary>
    internal static Dictionary<string, string> CohortSettings(string configJson)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        System.Text.Json.Nodes.JsonNode? root;
        try { root = System.Text.Json.Nodes.JsonNode.Parse(configJson); }
        catch (System.Text.Json.JsonException) { return leaves; }
        Flatten(root, "", leaves);
        return leaves;
    }

    private static readonly HashSet<string> NotCohortFields =
        ["seed", "identity", "parent_run_id", "eval_at_steps", "eval_every", "eval_problems", "eval_samples", "eval_greedy", "pass_k", "checkpoint_every"];

    private static void Flatten(System.Text.Json.Nodes.JsonNode? node, string path, Dictionary<string, string> leaves)
    {
        if (node is System.Text.Json.Nodes.JsonObject obj)
        {
            foreach (var (key, value) in obj)
                if (!NotCohortFields.Contains(key)) Flatten(value, path.Length == 0 ? key : $"{path}.{key}", leaves);
        }
        else leaves[path] = node?.ToJsonString() ?? "null";
    }

    internal static string Canonical(Dictionary<string, string> settings) =>
        string.Join("\n", settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static RlRunSummary? Summarize(RunRow run, List<EvalRow> passAtOne)
    {
        if (passAtOne.Count == 0) return null;
        var finalStep = passAtOne.Max(e => e.Step);
        var final = passAtOne.Where(e => e.Step == finalStep).ToList();
        double Mean(string split) => final.Where(e => e.Split == split).Select(e => e.Value).DefaultIfEmpty(double.NaN).Average();
        return new RlRunSummary(run.RunId, RunBreadth.Read(run.ConfigJson, preferRl: true), final.Max(e => e.RunFlops),
            Mean(InDistribution), Mean(HeldOut), RunBreadth.ReadNamed(run.ConfigJson, "corpus_breadth"));
    }

    /// <summary>1 for a first pre-training phase, 2 for a phase continuing it, and so on.</summary>
    private static int PhaseIndex(RunRow run, Dictionary<string, RunRow> runs)
    {
        int phase = 0;
        var seen = new HashSet<string>();
        for (RunRow? current = run; current is not null && current.Stage.IsPretrain && seen.Add(current.RunId);)
        {
            phase++;
            current = current.ParentRunId is { } parent && runs.TryGetValue(parent, out var p) ? p : null;
        }
        return phase;
    }

    /// <summary>
    /// The root pre-training run of a run's chain of pre-training parents: the lineage. Phases continue their parent
    /// and sweep points may share one, so points of one lineage are checkpoints of one model and are resampled together.
    /// </summary>
    private static string LineageRoot(RunRow run, Dictionary<string, RunRow> runs)
    {
        var root = run;
        var seen = new HashSet<string> { run.RunId };
        while (root.ParentRunId is { } parent && runs.TryGetValue(parent, out var p)
               && p.Stage.IsPretrain && seen.Add(p.RunId))
            root = p;
        return root.RunId;
    }

    private static double? ChainTokens(RunRow run, Dictionary<string, RunRow> runs, Dictionary<string, long> finalTokens)
    {
        var total = 0.0;
        var seen = new HashSet<string>();
        for (RunRow? current = run; current is not null && current.Stage.IsPretrain;)
        {
            if (!seen.Add(current.RunId) || !finalTokens.TryGetValue(current.RunId, out var tokens)) return null;
            total += tokens;
            current = current.ParentRunId is { } parent && runs.TryGetValue(parent, out var p) ? p : null;
        }
        return total;
    }
}
