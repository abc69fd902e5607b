using System.Diagnostics;
using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Evaluation;

/// <summary>What the contamination check found for a plan: one row per evaluated family of each RL run.</summary>
public sealed record ContaminationResult(
    IReadOnlyDictionary<string, IReadOnlyList<ContaminationRecord>> ByRun, long DocumentsScanned, long CharactersScanned, TimeSpan Elapsed)
{
    public long EvalPrompts => ByRun.Values.Sum(rows => rows.Sum(r => r.EvalPrompts));
    public long Contaminated => ByRun.Values.Sum(rows => rows.Sum(r => r.Contaminated));

    /// <summary>One line for people: the count, and where it came from.</summary>
    public string Summary() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"contamination check: {Contaminated:N0} of {EvalPrompts:N0} evaluation prompts ({ByRun.Count} RL runs) occur in training data; " +
        $"scanned {DocumentsScanned:N0} pre-training documents ({CharactersScanned:N0} characters) and every RL prompt in {Elapsed.TotalSeconds:F1} s") +
        (Contaminated > 0
            ? ": " + string.Join(", ", ByRun.Values.SelectMany(r => r).Where(r => r.Contaminated > 0).GroupBy(r => r.EvalSet)
                .Select(g => $"{g.Key} ({g.Max(r => r.Contaminated)} prompts)"))
            : "");
}

/// <summary>
/// Counts, for every RL run of a plan, how many of its evaluation prompts occur verbatim in its training data: the
/// documents of every pre-training phase of its chain (generated again exactly as the corpus builder writes them)
/// and its RL prompts (drawn again exactly as the RL stage draws them). A prompt "occurs" in a document when the
/// document holds its lines, in order, starting at a line start; that is how task corpora and the domains that
/// write task prompts lay them out. The lookup is a hash of each document line against the prompts' first lines,
/// so the cost is linear in the corpus size (docs/tasks.md, "Contamination check").
/// </summary>
public static class ContaminationCheck
{
    public static ContaminationResult Run(RunPlan plan, Func<string, ITaskFamily>? families = null, Func<string, IDomain>? resolveDomain = null)
    {
        var family = families ?? TaskRegistry.Get;
        var resolve = resolveDomain ?? SpecResolver.ResolveDomain;
        var timer = Stopwatch.StartNew();
        var rlRuns = plan.Runs.Where(r => r.Rl is not null).ToList();
        var evalSets = rlRuns.ToDictionary(r => r.Id, r => EvalSets(r.Rl!, family));
        var index = new PromptIndex(evalSets.Values.SelectMany(sets => sets.SelectMany(s => s.Prompts)));

        var byId = plan.Runs.ToDictionary(r => r.Id);
        var foundInCorpus = new Dictionary<string, (HashSet<string> Found, long Documents)>();
        long documents = 0, characters = 0;
        // Runs that differ only in model share a corpus: each distinct corpus is generated and scanned once.
        var foundBySpec = new Dictionary<string, (HashSet<string> Found, long Documents)>(StringComparer.Ordinal);
        foreach (var run in rlRuns)
            foreach (var ancestor in Ancestors(run, byId).Where(a => a.Pretrain is not null && !foundInCorpus.ContainsKey(a.Id)))
            {
                var config = ancestor.Pretrain!;
                var spec = new CorpusSpec(config.Stage, config.Mixture.Select(m => new DomainWeight(m.Key, m.Value)).ToList(), config.Tokens, config.Seed);
                string key = $"{config.Tokenizer}|{spec.Name}|{string.Join(",", spec.Domains)}|{spec.TokenBudget}|{spec.Seed}";
                if (!foundBySpec.TryGetValue(key, out var scanned))
                {
                    var found = new HashSet<string>(StringComparer.Ordinal);
                    long count = 0;
                    foreach (var document in TokenCorpus.TrainingDocuments(spec, SpecResolver.ResolveTokenizer(config.Tokenizer), resolve))
                    {
                        index.FindIn(document, found);
                        count++;
                        characters += document.Length;
                    }
                    documents += count;
                    foundBySpec[key] = scanned = (found, count);
                }
                foundInCorpus[ancestor.Id] = scanned;
            }

        var byRun = new Dictionary<string, IReadOnlyList<ContaminationRecord>>();
        foreach (var run in rlRuns)
        {
            var corpora = Ancestors(run, byId).Where(a => a.Pretrain is not null).Select(a => foundInCorpus[a.Id]).ToList();
            var inPretraining = corpora.SelectMany(c => c.Found).ToHashSet(StringComparer.Ordinal);
            var rlPrompts = RlStage.TrainingProblems(run.Rl!, family).Select(p => PromptIndex.Normalize(p.Prompt)).ToHashSet(StringComparer.Ordinal);
            byRun[run.Id] = evalSets[run.Id].Select(set => new ContaminationRecord
            {
                EvalSet = set.Family,
                Split = set.Split,
                Difficulty = set.Difficulty,
                EvalPrompts = set.Prompts.Count,
                InPretraining = set.Prompts.Count(inPretraining.Contains),
                InRlPrompts = set.Prompts.Count(rlPrompts.Contains),
                Contaminated = set.Prompts.Count(p => inPretraining.Contains(p) || rlPrompts.Contains(p)),
                DocumentsScanned = corpora.Sum(c => c.Documents),
                RlPromptsScanned = (long)run.Rl!.Rl.Steps * run.Rl.Rl.PromptsPerStep,
                Allowed = plan.Spec.AllowContamination,
                WrittenAt = DateTime.UtcNow,
            }).ToList();
        }
        return new ContaminationResult(byRun, documents, characters, timer.Elapsed);
    }

    /// <summary>
    /// Stops a plan whose evaluations overlap its training data, unless the spec sets <c>allow_contamination</c>.
    /// </summary>
    public static void EnsureClean(ContaminationResult result, RunPlan plan, string source)
    {
        if (result.Contaminated == 0 || plan.Spec.AllowContamination) return;
        throw new BadInputException(source, "$.allow_contamination", result.Summary(),
            "evaluation prompts must not be training data: remove the corpus domain that writes these prompts, or set " +
            "\"allow_contamination\": true to run anyway (the count is then recorded in the contamination table and the report)");
    }

    /// <summary>
    /// Writes each RL run's rows to the <c>contamination</c> table, unless the table already holds the same counts for
    /// that run: re-running a pipeline (to resume, or a command that then fails) adds nothing.
    /// </summary>
    public static void Record(ContaminationResult result, ResultsWriter results)
    {
        var recorded = ResultsReader.ReadContamination(results.Root).ToLookup(r => r.RunId);
        foreach (var (runId, rows) in result.ByRun)
        {
            var known = recorded[runId].Select(r => (r.EvalSet, r.Split, r.EvalPrompts, r.Contaminated)).ToHashSet();
            bool same = known.Count == rows.Count && rows.All(r => known.Contains((r.EvalSet, r.Split, r.EvalPrompts, r.Contaminated)));
            if (!same) results.Append(ResultTables.Contamination, runId, rows.ToList());
        }
    }

    private sealed record EvalSet(string Family, string Split, int Difficulty, IReadOnlyList<string> Prompts);

    private static List<EvalSet> EvalSets(RlRunConfig config, Func<string, ITaskFamily> family)
    {
        var rl = config.Rl;
        var options = RlStage.EvalOptions(rl, config.Seed);
        var splits = TaskMixture.Expand(rl.Tasks, rl.HeldOutTasks).Keys.Select(f => (f, ResultTables.InDistribution))
            .Concat((rl.HeldOutTasks ?? []).Select(f => (f, ResultTables.HeldOut)))
            .Concat((rl.UnrewardedTasks ?? []).Select(f => (f, ResultTables.Unrewarded)));
        return splits.Select(s =>
        {
            var f = family(s.f);
            var prompts = TaskEvaluator.Problems(f, options, "pipeline", "$.rl.eval_problems").Select(p => PromptIndex.Normalize(p.Prompt)).ToList();
            return new EvalSet(f.Name, s.Item2, Math.Min(options.Difficulty, f.MaxDifficulty), prompts);
        }).ToList();
    }

    private static IEnumerable<PlannedRun> Ancestors(PlannedRun run, Dictionary<string, PlannedRun> byId)
    {
        for (var id = run.ParentId; id is not null && byId.TryGetValue(id, out var parent); id = parent.ParentId) yield return parent;
    }
}

/// <summary>
/// Evaluation prompts indexed by their first line, so that each line of a document costs one hash lookup; a
/// multi-line prompt is then compared in full at that position.
/// </summary>
public sealed class PromptIndex
{
    private readonly Dictionary<string, List<string>> _byFirstLine = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PromptIndex(IEnumerable<string> prompts)
    {
        foreach (var prompt in prompts.Select(Normalize).Distinct(StringComparer.Ordinal))
        {
            int end = prompt.IndexOf('\n');
            var first = end < 0 ? prompt : prompt[..end];
            if (!_byFirstLine.TryGetValue(first, out var list)) _byFirstLine[first] = list = [];
            list.Add(prompt);
        }
        _lookup = _byFirstLine.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A prompt without its trailing newline(s): the form in which prompts are compared.</summary>
    public static string Normalize(string prompt) => prompt.TrimEnd('\n');

    /// <summary>Adds to <paramref name="found"/> every indexed prompt whose lines start at a line start of the document.</summary>
    public void FindIn(string document, ISet<string> found)
    {
        var text = document.AsSpan();
        for (int start = 0; start < text.Length;)
        {
            int length = text[start..].IndexOf('\n');
            int end = length < 0 ? text.Length : start + length;
            if (_lookup.TryGetValue(text[start..end], out var candidates))
                foreach (var prompt in candidates)
                {
                    var rest = text[start..];
                    if (rest.StartsWith(prompt, StringComparison.Ordinal) && (rest.Length == prompt.Length || rest[prompt.Length] == '\n'))
                        found.Add(prompt);
                }
            start = end + 1;
        }
    }
}
