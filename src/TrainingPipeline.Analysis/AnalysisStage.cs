using System.Globalization;
using System.Text;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;
using TrainingPipeline.Analysis.Points;
using TrainingPipeline.Analysis.Reporting;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis;

/// <summary>
/// The analysis stage: reads a results folder, fits whatever the data support, and writes the fits table
/// (<c>&lt;results&gt;/fits/analysis_id=&lt;id&gt;/</c>, as docs/results-schema.md places it), <c>report.md</c>,
/// a self-contained <c>report.html</c> and the PNG plots into <paramref name="outputDir"/>. What cannot be fitted
/// (too few points, a missing kind of run) is reported as a note, not an error.
/// </summary>
public static class AnalysisStage
{
    public static AnalysisSummary Run(string resultsDir, string outputDir, AnalysisOptions options, TextWriter log)
    {
        var data = ResultsReader.Read(resultsDir);
        log.WriteLine($"analyze: {data.Runs.Count} runs, {data.Steps.Count} steps, {data.Evals.Count} evals in {resultsDir}");
        var points = ResultsPoints.From(data);
        var notes = new AnalysisNotes();
        notes.AddRange(points.Notes);
        var notFitted = new AnalysisNotes();
        var laws = new List<FittedLaw>();
        var figures = new List<ReportFigure>();
        if (data.Runs.Count == 0) notes.Add("the results folder has no runs yet");
        var contamination = ReportCard.OfRunsPresent(ResultsReader.ReadContamination(resultsDir), data);
        notes.Add(ContaminationNote(contamination, data.Runs.Any(r => r.Stage.Kind == StageKind.Rl)));

        // Pre-training points are clustered by lineage (ResultsPoints): chained phases and sweep points sharing a parent
        // are checkpoints of one model, so the lineage, not the phase run, is what the intervals resample.
        var pretrainLaws = ScalingLaws.OfKind(LawKind.Pretraining);
        var seedOf = data.Runs.ToDictionary(r => r.RunId, r => r.Seed);
        var pretrainFits = pretrainLaws.Select(law => TryFitPretraining(law, points.Pretrain, "pretrain", options, resultsDir, notes, notFitted, log, seedOf)).ToList();
        laws.AddRange(pretrainFits.OfType<FittedLaw>());
        foreach (var (group, groupPoints) in points.PretrainOtherEvalSets)
            laws.AddRange(pretrainLaws.Select(law => TryFitPretraining(law, groupPoints, group, options, resultsDir, notes, notFitted, log, seedOf)).OfType<FittedLaw>());
        if (points.LossCurves.Count > 0 || points.Pretrain.Count > 0)
            figures.Add(ReportPlots.LossVsCompute(points.LossCurves, points.Pretrain, pretrainFits, ReportCard.Tokenizer(data)));
        foreach (var (law, fitted) in pretrainLaws.Zip(pretrainFits))
            if (fitted is not null && law.ExtraFigures is { } extra) figures.AddRange(extra(fitted, points.Pretrain));

        var index = 0;
        foreach (var (group, groupPoints) in points.RlGroups)
        {
            var stepZero = points.RlStepZero.GetValueOrDefault(group);
            var rlFits = ScalingLaws.OfKind(LawKind.Rl).Select(law => TryFit(law.CreateFor(options), groupPoints, group, options, resultsDir, notes, notFitted, log, stepZero: stepZero)).ToList();
            laws.AddRange(rlFits.OfType<FittedLaw>());
            figures.Add(ReportPlots.RlScore(group, groupPoints, rlFits, index++));
        }
        if (points.RlRuns.Any(r => r.Breadth is not null)) figures.Add(ReportPlots.Transfer(points.RlRuns));

        var inflections = new List<InflectionAnalysis>();
        // One test per cohort: pooling configurations would test the difference between them, not a break.
        foreach (var cohort in points.RlHeldOut.GroupBy(p => p.Cohort).OrderBy(g => g.Key, StringComparer.Ordinal))
            TryRunInflection($"held-out pass@1{cohort.Key}", [.. cohort], options, inflections, notes);
        var byBreadth = points.RlRuns.Where(r => r.Breadth is not null && double.IsFinite(r.HeldOut)).ToList();
        foreach (var cohort in byBreadth.GroupBy(r => r.PretrainBreadth).OrderBy(g => g.Key))
        {
            // One point per run (its final held-out pass@1); the null and the intervals are over runs, and each breadth
            // needs ≥ 3 runs so that the run-to-run spread is measured, not mistaken for curvature.
            var label = byBreadth.Select(r => r.PretrainBreadth).Distinct().Count() > 1 ? $" · pre-training breadth {cohort.Key?.ToString(CultureInfo.InvariantCulture) ?? "?"}" : "";
            TryBreadthInflection($"held-out pass@1{label}", [.. cohort], options, inflections, notes);
        }
        figures.AddRange(inflections.Select((a, i) => ReportPlots.Inflection(a, i)));

        var now = DateTime.UtcNow;
        var analysisId = $"{now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}";
        // Everything is computed and rendered before the first file is written, and every file is written to a
        // temporary name and renamed: input the analysis cannot use stops it with nothing half-written.
        var noteLines = notes.Lines();
        var card = ReportCard.Build(data, points, laws, notFitted.Headlines(), contamination);
        var document = ReportComposer.Compose(new ReportInputs(analysisId, resultsDir, options, data.Runs.Count, points, laws, inflections, noteLines, figures) { Card = card });
        var markdown = MarkdownReport.Render(document);
        var html = HtmlReport.Render(document);
        var fitsPath = FitsTableWriter.Write(Path.Combine(resultsDir, "fits"), analysisId, laws, inflections, now);
        Directory.CreateDirectory(outputDir);
        foreach (var figure in figures) WriteAtomically(Path.Combine(outputDir, figure.FileName), figure.Png);
        var markdownPath = Path.Combine(outputDir, "report.md");
        var htmlPath = Path.Combine(outputDir, "report.html");
        WriteAtomically(markdownPath, Encoding.UTF8.GetBytes(markdown));
        WriteAtomically(htmlPath, Encoding.UTF8.GetBytes(html));
        log.WriteLine($"analyze: {laws.Count} laws, {inflections.Count} inflection analyses; report {htmlPath}");
        return new AnalysisSummary(analysisId, laws, inflections, noteLines, markdownPath, htmlPath, fitsPath) { Card = card };
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    private static FittedLaw? TryFitPretraining(ScalingLawDefinition law, IReadOnlyList<LawPoint> points, string group, AnalysisOptions options,
        string source, AnalysisNotes notes, AnalysisNotes notFitted, TextWriter log, Dictionary<string, long> seedOf)
    {
        var selected = law.SelectStagePoints(points);
        var lineageSeeds = selected.Select(p => p.Cluster).Distinct().Select(id => id is not null && seedOf.TryGetValue(id, out var seed) ? seed : (long?)null).ToList();
        return TryFit(law.CreateFor(options), points, group, options, source, notes, notFitted, log, RunLevelIntervals.Lineage, select: law.StagePoints) is { } fitted
            ? fitted with { LineageSeeds = lineageSeeds.All(s => s is not null) ? [.. lineageSeeds.Select(s => s!.Value)] : [] }
            : null;
    }

    private static FittedLaw? TryFit(IScalingLaw law, IReadOnlyList<LawPoint> points, string group, AnalysisOptions options,
        string source, AnalysisNotes notes, AnalysisNotes notFitted, TextWriter log, string replicateUnit = RunLevelIntervals.Run, IReadOnlyList<LawPoint>? stepZero = null,
        Func<IReadOnlyList<LawPoint>, IReadOnlyList<LawPoint>>? select = null)
    {
        var fitted = select?.Invoke(points) ?? points;
        if (fitted.Count < law.MinimumPoints)
        {
            // One group per eval set × split × cohort: the same shortfall repeats, so it is aggregated by law.
            foreach (var list in new[] { notes, notFitted })
                list.Add($"not enough points for {law.Name} (need ≥ {law.MinimumPoints})",
                    $"not enough points for {law.Name} on {group} (have {fitted.Count}, need ≥ {law.MinimumPoints})", $"{group} (have {fitted.Count})");
            return null;
        }
        try
        {
            log.WriteLine($"analyze: fitting {law.Name} on {group} ({fitted.Count} points)");
            return LawAnalysis.Run(law, points, group, options.FitOptions with { ReplicateUnit = replicateUnit }, source, stepZero, select);
        }
        catch (BadInputException e)
        {
            foreach (var list in new[] { notes, notFitted })
                list.Add($"cannot fit {law.Name}", $"cannot fit {law.Name} on {group}: {e.Message}", $"{group}: {e.Message}");
            return null;
        }
    }

    private static void TryBreadthInflection(string group, IReadOnlyList<RlRunSummary> runs, AnalysisOptions options,
        List<InflectionAnalysis> inflections, AnalysisNotes notes)
    {
        long[] levels = [.. runs.Select(r => (long)r.Breadth!.Value)];
        if (HingeRegression.AcrossLevelsNotTestableReason(levels) is { } reason)
        {
            notes.Add($"inflection of {group} vs breadth not testable: {reason}");
            return;
        }
        inflections.Add(HingeRegression.AnalyzeAcrossLevels(group, "breadth", [.. runs.Select(r => r.RunId)], levels,
            [.. levels.Select(l => (double)l)], [.. runs.Select(r => r.HeldOut)], Math.Max(options.Bootstrap, 199), options.Seed));
    }

    private static void TryRunInflection(string group, IReadOnlyList<RlHeldOutPoint> points, AnalysisOptions options,
        List<InflectionAnalysis> inflections, AnalysisNotes notes)
    {
        points = HingePoints(points, options.EarlyComputeFraction);
        // Distinct steps, not distinct x: FLOPs per step differ slightly between runs, which must not count as more levels.
        if (HingeRegression.NotTestableReason([.. points.Select(p => p.RunId)], [.. points.Select(p => p.Step)]) is { } reason)
        {
            notes.Add($"inflection of {group} vs log10 RL compute not testable: {reason}");
            return;
        }
        inflections.Add(HingeRegression.AnalyzeRuns(group, "log10 RL compute", [.. points.Select(p => p.RunId)], [.. points.Select(p => p.Step)],
            [.. points.Select(p => Math.Log10(p.Compute))], [.. points.Select(p => p.Value)], Math.Max(options.Bootstrap, 199), options.Seed));
    }

    /// <summary>
    /// The evaluations the hinge test along compute sees: the same early low-compute regime the RL laws leave out is left
    /// out here (per run), so that the barely-moved first updates are not read as a bend against the rest of the run.
    /// </summary>
    internal static IReadOnlyList<RlHeldOutPoint> HingePoints(IReadOnlyList<RlHeldOutPoint> points, double earlyComputeFraction) =>
        EarlyRegime.Discard(points, p => p.Compute, p => p.RunId, earlyComputeFraction);

    /// <summary>The contamination check's count over every RL run (rows of the <c>eval</c> verb's check aside): the report
    /// states it whether or not it is zero.</summary>
    internal static string ContaminationNote(IReadOnlyList<ContaminationRow> allRows, bool hasRlRuns = true)
    {
        // The laws fit the RL stage's own evaluations, so the note counts their check, not the eval verb's.
        var rows = allRows.Where(r => r.Stage == ContaminationRow.TrainingStage).ToList();
        if (rows.Count == 0 && !hasRlRuns) return "contamination: " + ReportCard.NoRlRunsToCheck;
        if (rows.Count == 0) return "contamination: no contamination check is recorded (results written before schema version 2)";
        long contaminated = rows.Sum(r => r.Contaminated), prompts = rows.Sum(r => r.EvalPrompts);
        var families = rows.Where(r => r.Contaminated > 0).Select(r => $"{r.EvalSet} ({r.Contaminated})").Distinct().ToList();
        return string.Create(CultureInfo.InvariantCulture,
                $"contamination: {contaminated:N0} of {prompts:N0} evaluation prompts ({rows.Select(r => r.RunId).Distinct().Count()} RL runs) occur in training data") +
            (families.Count > 0 ? ": " + string.Join(", ", families) + " — these scores are not clean evaluations" : "");
    }
}
