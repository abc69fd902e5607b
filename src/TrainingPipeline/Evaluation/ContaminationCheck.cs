using System.Diagnostics;
using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Evaluation;

/// <summary>What the contamination check found for a plan: one row per evaluated family of each checked run.</summary>
public sealed record ContaminationResult(
    IReadOnlyDictionary<string, IReadOnlyList<ContaminationRecord>> ByRun, long DocumentsScanned, long CharactersScanned, TimeSpan Elapsed)
{
    public long EvalPrompts => ByRun.Values.Sum(rows => rows.Sum(r => r.EvalPrompts));
    public long Contaminated => ByRun.Values.Sum(rows => rows.Sum(r => r.Contaminated));
    public long RlPromptsScanned => ByRun.Values.Sum(rows => rows.FirstOrDefault()?.RlPromptsScanned ?? 0);

    /// <summary>One line for people: the count, and where it came from.</summary>
    public string Summary() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"contamination check: {Contaminated:N0} of {EvalPrompts:N0} evaluation prompts ({ByRun.Count} runs) occur in training data; " +
        $"scanned {DocumentsScanned:N0} pre-training documents ({CharactersScanned:N0} characters) and {RlPromptsScanned:N0} RL prompts in {Elapsed.TotalSeconds:F1} s") +
        (Contaminated > 0
            ? ": " + string.Join(", ", ByRun.Values.SelectMany(r => r).Where(r => r.Contaminated > 0).GroupBy(r => r.EvalSet)
                .Select(g => $"{g.Key} ({g.Max(r => r.Contaminated)} prompts)"))
            : "");
}

/// <summary>One task family evaluated on a run: its split label and the options that draw its evaluation problems.</summary>
public sealed record EvaluatedFamily(ITaskFamily Family, string Split, TaskEvalOptions Options);

/// <summary>A run whose evaluations are checked, and the families it is evaluated on.</summary>
public sealed record EvaluationTarget(PlannedRun Run, IReadOnlyList<EvaluatedFamily> Families);

/// <summary>
/// Counts, for every evaluated run of a plan, how many of its evaluation problems occur in its training data: the
/// documents of every pre-training phase of its chain (the run itself when it is a phase; generated again exactly as
/// the corpus builder writes them) and, for an RL run, its RL prompts (drawn again exactly as the RL stage draws them).
/// A document holds a problem when it contains its prompt or an answer statement anywhere, or an equivalent problem as
/// a line (<see cref="PromptIndex"/>); an RL prompt counts when it is the problem or an equivalent one. One
/// Aho–Corasick pass per document keeps the cost linear in the corpus size (docs/pipelines.md, "Contamination check").
/// </summary>
public static class ContaminationCheck
{
    /// <summary>The stage of the rows that check the RL stage's own evaluations (as <c>run</c> writes them).</summary>
    public static RunStage TrainingStage => ContaminationRow.TrainingStage;

    /// <summary>
    /// Checks the evaluations of every RL run of the plan, as the RL stage will run them. <paramref name="datasets"/>
    /// is the corpus cache a <c>bpe:</c> tokenizer is trained into or read from (the documents that fill a token
    /// budget depend on the tokenizer); default <c>./datasets</c>, the CLI's default.
    /// </summary>
    public static ContaminationResult Run(RunPlan plan, Func<string, ITaskFamily>? families = null, Func<string, IDomain>? resolveDomain = null,
        string? datasets = null)
    {
        var family = families ?? TaskRegistry.Get;
        var targets = plan.Runs.Where(r => r.Rl is not null).Select(r => RlEvaluations(r, family)).ToList();
        return Run(plan, targets, TrainingStage, family, resolveDomain, datasets);
    }

    /// <summary>
    /// Checks the given evaluations (e.g. the <c>eval</c> verb's: any run, any families and settings) against each
    /// run's own training data; the rows carry <paramref name="stage"/>.
    /// </summary>
    public static ContaminationResult Run(RunPlan plan, IReadOnlyList<EvaluationTarget> targets, RunStage stage,
        Func<string, ITaskFamily>? families = null, Func<string, IDomain>? resolveDomain = null, string? datasets = null)
    {
        string cache = datasets ?? Path.GetFullPath("datasets");
        var family = families ?? TaskRegistry.Get;
        var resolve = resolveDomain ?? SpecResolver.ResolveDomain;
        var timer = Stopwatch.StartNew();
        var evalSets = targets.ToDictionary(t => t.Run.Id, t => t.Families.Select(EvalSetOf).ToList());
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in evalSets.Values.SelectMany(sets => sets)) foreach (var (prompt, answer) in set.Prompts.Zip(set.Answers)) answers.TryAdd(prompt, answer);
        var index = new PromptIndex(answers.Keys, answers);

        var byId = plan.Runs.ToDictionary(r => r.Id);
        var foundInCorpus = new Dictionary<string, (HashSet<string> Found, long Documents)>();
        long documents = 0, characters = 0;
        // Runs that differ only in model share a corpus: each distinct corpus is generated and scanned once.
        var foundBySpec = new Dictionary<string, (HashSet<string> Found, long Documents)>(StringComparer.Ordinal);
        foreach (var target in targets)
            foreach (var phase in PretrainingChain(target.Run, byId).Where(a => !foundInCorpus.ContainsKey(a.Id)))
            {
                var config = phase.Pretrain!;
                var spec = new CorpusSpec(config.Stage.ToString(), config.Mixture.Select(m => new DomainWeight(m.Key, m.Value)).ToList(), config.Tokens, config.Seed);
                string key = $"{config.Tokenizer}|{string.Join(",", config.TokenizerCorpus?.Domains ?? [])}|{spec.Name}|{string.Join(",", spec.Domains)}|{spec.TokenBudget}|{spec.Seed}";
                if (!foundBySpec.TryGetValue(key, out var scanned))
                {
                    var found = new HashSet<string>(StringComparer.Ordinal);
                    long count = 0;
                    foreach (var document in TokenCorpus.TrainingDocuments(spec, SpecResolver.ResolveTokenizer(config, cache, resolve), resolve))
                    {
                        index.FindIn(document, found);
                        count++;
                        characters += document.Length;
                    }
                    documents += count;
                    foundBySpec[key] = scanned = (found, count);
                }
                foundInCorpus[phase.Id] = scanned;
            }

        var byRun = new Dictionary<string, IReadOnlyList<ContaminationRecord>>();
        foreach (var target in targets)
        {
            var run = target.Run;
            var corpora = PretrainingChain(run, byId).Select(a => foundInCorpus[a.Id]).ToList();
            var inPretraining = corpora.SelectMany(c => c.Found).ToHashSet(StringComparer.Ordinal);
            // An RL prompt equivalent to an eval problem (same canonical key) counts as the eval problem itself; for
            // code-synthesis that is any RL prompt of the same target program (ProblemKeys.Key(TaskProblem)).
            var rlKeys = new HashSet<string>(StringComparer.Ordinal);
            long rlPrompts = 0;
            if (run.Rl is { } rl)
                foreach (var problem in RlStage.TrainingProblems(rl, family))
                {
                    rlKeys.Add(ProblemKeys.Key(problem));
                    rlPrompts++;
                }
            byRun[run.Id] = evalSets[run.Id].Select(set => new ContaminationRecord
            {
                Stage = stage.ToString(),
                EvalSet = set.Family,
                Split = set.Split,
                Difficulty = set.Difficulty,
                EvalPrompts = set.Prompts.Count,
                InPretraining = set.Prompts.Count(inPretraining.Contains),
                InRlPrompts = set.Keys.Count(rlKeys.Contains),
                Contaminated = set.Prompts.Zip(set.Keys).Count(p => inPretraining.Contains(p.First) || rlKeys.Contains(p.Second)),
                DocumentsScanned = corpora.Sum(c => c.Documents),
                // Prompts drawn, every dynamic-sampling round included: not steps × prompts_per_step.
                RlPromptsScanned = rlPrompts,
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
    /// Writes each checked run's rows to the <c>contamination</c> table, unless the table already holds the same counts
    /// for that run and stage: re-running a pipeline (to resume, or a command that then fails) adds nothing.
    /// </summary>
    public static void Record(ContaminationResult result, ResultsWriter results)
    {
        var recorded = ResultsReader.ReadContamination(results.Root).ToLookup(r => (r.RunId, r.Stage));
        foreach (var (runId, rows) in result.ByRun)
        {
            var stage = rows.FirstOrDefault()?.Stage is { } written ? RunStage.Parse(written) : TrainingStage;
            var known = recorded[(runId, stage)].Select(r => (r.EvalSet, r.Split, r.EvalPrompts, r.Contaminated)).ToHashSet();
            bool same = known.Count == rows.Count && rows.All(r => known.Contains((r.EvalSet, r.Split, r.EvalPrompts, r.Contaminated)));
            if (!same) results.Append(ResultTables.Contamination, runId, rows.ToList());
        }
    }

    private sealed record EvalSet(string Family, string Split, int Difficulty, IReadOnlyList<string> Prompts, IReadOnlyList<string> Answers,
        IReadOnlyList<string> Keys);

    /// <summary>The families an RL run evaluates, labelled by its lineage, with the RL stage's evaluation options.</summary>
    private static EvaluationTarget RlEvaluations(PlannedRun run, Func<string, ITaskFamily> family)
    {
        var config = run.Rl!;
        var rl = config.Rl;
        var options = RlStage.EvalOptions(rl, config.Seed);
        return new EvaluationTarget(run, [.. SpecValidator.EvaluatedFamilies(rl).Select(family)
            .Select(f => new EvaluatedFamily(f, EvalSplits.Of(f, options.Difficulty, rl, config.PretrainedFamilies), options))]);
    }

    private static EvalSet EvalSetOf(EvaluatedFamily evaluated)
    {
        var (f, split, options) = evaluated;
        var problems = TaskEvaluator.Problems(f, options, "pipeline", "$.rl.eval_problems");
        return new EvalSet(f.Name, split, Math.Min(options.Difficulty, f.MaxDifficulty),
            problems.Select(p => PromptIndex.Normalize(p.Prompt)).ToList(), problems.Select(p => p.Answer).ToList(),
            problems.Select(ProblemKeys.Key).ToList());
    }

    /// <summary>The pre-training phases whose documents the run was trained on: itself when it is a phase, and its ancestors.</summary>
    private static IEnumerable<PlannedRun> PretrainingChain(PlannedRun run, Dictionary<string, PlannedRun> byId)
    {
        for (PlannedRun? r = run; r is not null; r = r.ParentId is { } id && byId.TryGetValue(id, out var parent) ? parent : null)
            if (r.Pretrain is not null) yield return r;
    }
}

/// <summary>
/// The evaluation problems of a plan, indexed three ways so that a document "holds" an eval problem when it contains
/// (1) its prompt anywhere (a substring ending at a line end, not preceded by a letter or digit), (2) one of its answer
/// statements anywhere (e.g. "47 + 38 = 85" or "38 + 47 = 85", not inside a longer number;
/// <see cref="ProblemKeys.AnswerStatements"/>), (3) a worked statement of an equivalent problem, including reduction
/// steps such as "= 6 * 72" then "= 432" (<see cref="ProblemKeys.StatedProblemKeys"/>, one-digit facts included), or (4) a line that is an equivalent problem (same canonical key, e.g.
/// "What is 38 + 47?"; <see cref="ProblemKeys.Key"/>), or a program prompt equivalent to an eval program ("Run:" …
/// "Output?", "Fix:" and its program line; renamed variables, other layout), or (5) for a code-synthesis problem, its
/// target program written verbatim anywhere or, up to names, layout and operand order, on a line or paragraph (so a
/// prompt with other examples for the same target, with its answer, counts). Texts are compared with CRLF read as LF. (1) and (2) are one
/// Aho–Corasick pass over the document, so the cost is linear in the corpus size whatever the number of problems.
/// </summary>
public sealed class PromptIndex
{
    private readonly AhoCorasick _automaton;
    /// <summary>For each pattern: the eval prompt it stands for, and whether it is a prompt (must end at a line end).</summary>
    private readonly List<(string Prompt, bool IsPrompt)> _owners = [];
    private readonly Dictionary<string, List<string>> _byKey = new(StringComparer.Ordinal);
    /// <summary>The prompts indexed with their answer, by canonical key: only these are looked for as worked statements.</summary>
    private readonly Dictionary<string, List<string>> _statedByKey = new(StringComparer.Ordinal);
    /// <summary>Code-synthesis prompts by the key of their target program (<see cref="ProblemKeys.SynthesisKey"/>).</summary>
    private readonly Dictionary<string, List<string>> _byTarget = new(StringComparer.Ordinal);

    /// <param name="prompts">The evaluation prompts.</param>
    /// <param name="answers">Each prompt's answer (by normalized prompt), to index its answer statements; optional.</param>
    public PromptIndex(IEnumerable<string> prompts, IReadOnlyDictionary<string, string>? answers = null)
    {
        var patterns = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<string>();
        void Add(string pattern, string prompt, bool isPrompt)
        {
            if (patterns.ContainsKey(pattern)) return;  // a shared statement counts for the first prompt that owns it
            patterns[pattern] = list.Count;
            list.Add(pattern);
            _owners.Add((prompt, isPrompt));
        }
        foreach (var prompt in prompts.Select(Normalize).Distinct(StringComparer.Ordinal))
        {
            Add(prompt + "\n", prompt, isPrompt: true);
            string? answer = null;
            answers?.TryGetValue(prompt, out answer);
            if (ProblemKeys.IsSynthesisPrompt(prompt))
            {
                // A code-synthesis problem is its target program: the program written anywhere (verbatim, or on a line
                // in an equivalent form, e.g. a task document's "Answer: …") holds it, whatever examples are shown.
                if (answer is null)
                    throw new ArgumentException($"the code-synthesis prompt '{prompt}' needs its answer (target program) to be indexed", nameof(answers));
                // Ending at a line end: "print a * b" is a prefix of the other target "print a * b + 3".
                Add(answer.Trim() + "\n", prompt, isPrompt: true);
                var target = ProblemKeys.SynthesisKey(answer);
                if (!_byTarget.TryGetValue(target, out var sharing)) _byTarget[target] = sharing = [];
                sharing.Add(prompt);
                continue;
            }
            var key = ProblemKeys.Key(prompt);
            if (answer is not null)
            {
                foreach (var statement in ProblemKeys.AnswerStatements(prompt, answer)) Add(statement, prompt, isPrompt: false);
                if (!_statedByKey.TryGetValue(key, out var stated)) _statedByKey[key] = stated = [];
                stated.Add(prompt);
            }
            if (!_byKey.TryGetValue(key, out var owners)) _byKey[key] = owners = [];
            owners.Add(prompt);
        }
        _automaton = new AhoCorasick(list);
    }

    /// <summary>A prompt without its trailing newline(s) and with CRLF read as LF: the form in which prompts are compared.</summary>
    public static string Normalize(string prompt) => prompt.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    /// <summary>Adds to <paramref name="found"/> every indexed prompt that the document holds (see the class summary).</summary>
    public void FindIn(string document, ISet<string> found)
    {
        var text = document.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!text.EndsWith('\n')) text += "\n";
        _automaton.Search(text, (pattern, end) =>
        {
            var (prompt, isPrompt) = _owners[pattern];
            int start = end - _automaton.Patterns[pattern].Length;
            bool startsClean = start == 0 || !IsWordChar(text[start - 1]);
            // A prompt pattern ends with its newline; a statement must not continue a number.
            bool endsClean = isPrompt || end == text.Length
                || !(char.IsLetterOrDigit(text[end]) || text[end] == '/' || (text[end] == '.' && end + 1 < text.Length && char.IsDigit(text[end + 1])));
            if (startsClean && endsClean) found.Add(prompt);
        });
        // A worked step may state a problem in a form no pattern spells out, e.g. arith-expr's "= 6 * 72" then "= 432".
        foreach (var key in ProblemKeys.StatedProblemKeys(text, includeOneDigitFacts: true))
            if (_statedByKey.TryGetValue(key, out var stated))
                foreach (var prompt in stated) found.Add(prompt);
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            // A line with no equivalent forms is its own key: the automaton has already looked for it as a prompt.
            if (ProblemKeys.MayHaveEquivalents(line) && _byKey.TryGetValue(ProblemKeys.Key(line.ToString()), out var owners))
                foreach (var prompt in owners) found.Add(prompt);
        }
        foreach (var program in ProgramPrompts(text))
            if (_byKey.TryGetValue(ProblemKeys.Key(program), out var owners))
                foreach (var prompt in owners) found.Add(prompt);
        if (_byTarget.Count > 0)
            foreach (var program in WrittenPrograms(text))
                if (_byTarget.TryGetValue(ProblemKeys.SynthesisKey(program), out var owners))
                    foreach (var prompt in owners) found.Add(prompt);
    }

    /// <summary>
    /// Texts that may write a program reading inputs (every synthesis target calls <c>read()</c>): each line holding
    /// <c>read()</c>, without an answer label or backticks, and that line with the rest of its paragraph (a program
    /// laid out over lines). Only those that parse can match a target.
    /// </summary>
    private static IEnumerable<string> WrittenPrograms(string text)
    {
        if (!text.Contains("read()", StringComparison.Ordinal)) yield break;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].Contains("read()", StringComparison.Ordinal)) continue;
            var line = lines[i].Trim();
            foreach (var label in AnswerLabels)
                if (line.StartsWith(label, StringComparison.OrdinalIgnoreCase)) { line = line[label.Length..]; break; }
            yield return line.Trim().Trim('`');
            var end = i + 1;
            while (end < lines.Length && lines[end].Trim().Length > 0) end++;
            if (end > i + 1) yield return string.Join('\n', lines[i..end]);
        }
    }

    private static readonly string[] AnswerLabels = ["Answer:", "Final answer:", "**Answer:**", "####"];

    /// <summary>
    /// The program prompts of a text, whose equivalent forms span lines: code-trace's "Run:" … "Output?" block and
    /// code-repair's "Fix:" line with the program after it (its key leaves the examples out), so that a renamed or
    /// re-laid-out program is found as its eval twin.
    /// </summary>
    private static IEnumerable<string> ProgramPrompts(string text)
    {
        foreach (var (opening, closing) in new[] { ("Run:\n", "\nOutput?"), ("Fix:\n", "\n") })
            for (int start = text.IndexOf(opening, StringComparison.Ordinal); start >= 0; start = text.IndexOf(opening, start + 1, StringComparison.Ordinal))
            {
                if (start > 0 && text[start - 1] != '\n') continue;
                int end = text.IndexOf(closing, start + opening.Length, StringComparison.Ordinal);
                if (end < 0) break;
                yield return text[start..(end + closing.Length)];
            }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '/' or '.' or '_';
}
