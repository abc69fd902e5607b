using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tests.Data;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Evaluation;

/// <summary>The contamination check of plan and run (src/TrainingPipeline/Evaluation/ContaminationCheck.cs).</summary>
public sealed class ContaminationCheckTests : IDisposable
{
    private readonly TemporaryDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    private const string Spec = """
        {
          "name": "leak",
          "corpora": { "tasks": { "domains": { "task:addition@2": 1, "nl-facts": 1 } } },
          "model": { "preset": "nano-50k", "context_length": 96 },
          "pretrain": { "batch_size": 4, "phases": [ { "name": "base", "corpus": "tasks", "tokens": 300000 } ] },
          "rl": { "tasks": { "addition": 1 }, "difficulty": 2, "steps": 4, "prompts_per_step": 2, "eval_problems": 300 }
        }
        """;

    /// <summary>What task corpora were before the split: every problem of the family, eval problems included.</summary>
    private sealed class LeakyTaskDomain(ITaskFamily family, int difficulty) : IDomain
    {
        public string Id => $"task:{family.Name}@{difficulty}";
        public string Category => "task-math";
        public string Description => "test: a task corpus without the train split";

        public IEnumerable<string> Documents(long seed)
        {
            var random = new SplitMix64(seed);
            while (true)
            {
                var problem = family.Generate(random.NextSeed(), difficulty);
                yield return problem.Prompt + problem.Solution;
            }
        }
    }

    private static IDomain Leaky(string id) =>
        id == "task:addition@2" ? new LeakyTaskDomain(TaskRegistry.Get("addition"), 2) : SpecResolver.ResolveDomain(id);

    [Fact]
    public void TheBuiltInCorporaDoNotContainEvaluationPrompts()
    {
        var plan = TestPlans.RealPlan(Spec);
        var result = ContaminationCheck.Run(plan);
        var row = Assert.Single(Assert.Single(result.ByRun).Value);
        Assert.Equal(("addition", ResultTables.InDistribution, 300L), (row.EvalSet, row.Split, row.EvalPrompts));
        Assert.Equal(0, result.Contaminated);
        Assert.True(row.DocumentsScanned > 1000);
        Assert.Equal(8, row.RlPromptsScanned);
        ContaminationCheck.EnsureClean(result, plan, "leak.json"); // does not throw
    }

    [Fact]
    public void ACorpusHoldingEvalProblemsIsCountedAndStopsTheRunUnlessAllowed()
    {
        // Half of 300,000 tokens is ~5,000 two-digit additions: they cover about half of the 8,100 problems, eval ones included.
        var plan = TestPlans.RealPlan(Spec);
        var result = ContaminationCheck.Run(plan, resolveDomain: Leaky);
        var row = Assert.Single(Assert.Single(result.ByRun).Value);
        Assert.InRange(row.InPretraining, 75, 225);
        Assert.Equal(0, row.InRlPrompts);
        Assert.Equal(row.InPretraining, row.Contaminated);
        var e = Assert.Throws<BadInputException>(() => ContaminationCheck.EnsureClean(result, plan, "leak.json"));
        Assert.Contains("$.allow_contamination", e.Message);
        Assert.Contains("addition", e.Message);

        var allowed = TestPlans.RealPlan(Spec.Replace("\"name\": \"leak\",", "\"name\": \"leak\", \"allow_contamination\": true,"));
        var recorded = ContaminationCheck.Run(allowed, resolveDomain: Leaky);
        ContaminationCheck.EnsureClean(recorded, allowed, "leak.json"); // allowed: recorded, not refused
        Assert.True(Assert.Single(recorded.ByRun.Values.Single()).Allowed);
    }

    [Fact]
    public void RlPromptsScannedCountsThePromptsOfEveryDynamicSamplingRound()
    {
        // 4 steps × 2 prompts × up to 3 rounds: the check draws (and the row must count) 24 prompts, not steps × prompts.
        var plan = TestPlans.RealPlan(Spec.Replace("\"eval_problems\": 300", "\"eval_problems\": 300, \"dynamic_sampling\": true, \"dynamic_sampling_max_rounds\": 3",
            StringComparison.Ordinal));
        var result = ContaminationCheck.Run(plan);
        Assert.Equal(24, Assert.Single(Assert.Single(result.ByRun).Value).RlPromptsScanned);
        Assert.Contains("and 24 RL prompts", result.Summary(), StringComparison.Ordinal);
    }

    // Two lineages: one pre-trains on string-ops, the other does not; RL rewards neither.
    private const string TwoLineages = """
        {
          "name": "lineages",
          "corpora": {
            "narrow": { "domains": { "task:addition@2": 1 } },
            "broad": { "domains": { "task:addition@2": 1, "task:string-ops@2": 1 } }
          },
          "model": { "preset": "nano-50k", "context_length": 96 },
          "pretrain": { "batch_size": 4, "phases": [ { "name": "base", "corpus": "narrow", "tokens": 20000 } ] },
          "rl": { "tasks": { "addition": 1 }, "unrewarded_tasks": ["string-ops"], "held_out_tasks": ["modular-arithmetic"],
                  "difficulty": 2, "steps": 2, "prompts_per_step": 2, "eval_problems": 20 },
          "sweep": { "pretrain.phases[0].corpus": ["narrow", "broad"] }
        }
        """;

    [Fact]
    public void AnUnrewardedFamilyIsUnrewardedOnlyInLineagesThatPreTrainedOnIt()
    {
        var plan = TestPlans.RealPlan(TwoLineages);
        var rlRuns = plan.Runs.Where(r => r.Rl is not null).ToList();
        Assert.Equal(2, rlRuns.Count);
        var result = ContaminationCheck.Run(plan);
        foreach (var run in rlRuns)
        {
            bool broad = plan.Get(run.ParentId!).Pretrain!.Mixture.ContainsKey("task:string-ops@2");
            Assert.Equal(broad, run.Rl!.PretrainedFamilies.Contains("string-ops"));
            var splits = result.ByRun[run.Id].ToDictionary(r => r.EvalSet, r => r.Split);
            Assert.Equal(ResultTables.InDistribution, splits["addition"]);
            Assert.Equal(ResultTables.HeldOut, splits["modular-arithmetic"]);
            Assert.Equal(broad ? ResultTables.Unrewarded : ResultTables.Untrained, splits["string-ops"]);
        }
        Assert.Equal(0, result.Contaminated);
    }

    [Fact]
    public void RecordedCountsAreReadBackFromTheContaminationTable()
    {
        var plan = TestPlans.RealPlan(Spec);
        var result = ContaminationCheck.Run(plan, resolveDomain: Leaky);
        ContaminationCheck.Record(result, new ResultsWriter(_cache.Path));
        var row = Assert.Single(ResultsReader.ReadContamination(_cache.Path));
        Assert.Equal(ContaminationCheck.TrainingStage, row.Stage);
        Assert.Equal(result.Contaminated, row.Contaminated);
        Assert.Equal(300, row.EvalPrompts);
        Assert.Equal(plan.Runs.Single(r => r.Rl is not null).Id, row.RunId);
    }

    [Fact]
    public void RegeneratedDocumentsAreExactlyTheMaterializedCorpus()
    {
        var spec = new CorpusSpec("mix", [new DomainWeight("task:addition@2", 2), new DomainWeight("nl-facts", 1), new DomainWeight("arith-add", 1)], 20_000, 5);
        var corpus = TokenCorpus.Materialize(spec, ByteTokenizer.Instance, _cache.Path, new MaterializeOptions(ResolveDomain: SpecResolver.ResolveDomain));
        var regenerated = TokenCorpus.TrainingDocuments(spec, ByteTokenizer.Instance, SpecResolver.ResolveDomain).ToList();
        var materialized = corpus.DocumentTokens().Select(d => ByteTokenizer.Instance.Decode([.. d.ToArray().Select(t => (int)t)])).ToList();
        Assert.Equal(materialized, regenerated);
    }

    [Theory]
    [InlineData("What is 3 + 5?\nAnswer: 8\n", true)]
    [InlineData("Warm-up.\nWhat is 3 + 5?\n", true)]
    [InlineData("What is 3 + 55?\nAnswer: 58\n", false)]     // a longer line is another problem
    [InlineData("Q: What is 3 + 5?\n", true)]                 // anywhere in the text, not only at a line start
    [InlineData("Q: What is 3 + 5? A: 8", false)]               // a prompt ends at a line end
    [InlineData("QWhat is 3 + 5?\n", false)]                  // nor inside a word
    [InlineData("Q: What is 3 + 5?\r\nA: 8\r\n", true)]       // CRLF is read as LF
    [InlineData("What is 5 + 3?\n", true)]                    // an equivalent problem as a line
    [InlineData("we know 5 + 3 = 8, so\n", true)]             // an answer statement anywhere
    [InlineData("so 13 + 5 = 18\n", false)]                   // not inside a longer number
    [InlineData("Run:\nx = 1\nprint x\nOutput?\n1\n", true)]
    [InlineData("Run:\r\nx = 1\r\nprint x\r\nOutput?\r\n", true)]
    [InlineData("Run:\nx = 1\nprint x + 1\nOutput?\n", false)]
    public void PromptsAnswerStatementsAndEquivalentLinesAreFoundAnywhere(string document, bool expected)
    {
        var index = new PromptIndex(["What is 3 + 5?\n", "Run:\nx = 1\nprint x\nOutput?\n"],
            new Dictionary<string, string> { ["What is 3 + 5?"] = "8" });
        var found = new HashSet<string>();
        index.FindIn(document, found);
        Assert.Equal(expected, found.Count == 1);
    }

    /// <summary>
    /// A code-synthesis eval problem is its target program: a training document holds it when it writes that program
    /// (verbatim, renamed or re-ordered, on a line or laid out over lines), e.g. a train-looking prompt with other
    /// examples for the same target and its answer. Before targets were keys, only the prompt text itself was found.
    /// </summary>
    [Theory]
    [InlineData("Program for:\n0 -> 2\n4 -> 14\nAnswer: x = read(); print 3 * x + 2\n", true)]      // other examples, same target
    [InlineData("Program for:\n7 -> 23\nAnswer: n = read(); print 2 + n * 3\n", true)]              // renamed, commuted
    [InlineData("Fix:\nx = read(); print 3 * x + 4\n1 -> 5\nAnswer: `x = read(); print 3 * x + 2`\n", true)]  // a repair's answer
    [InlineData("so the program is\nv = read()\nprint v * 3 + 2\n\nDone.\n", true)]              // over lines
    [InlineData("we use x = read(); print 3 * x + 2\n", true)]                                        // verbatim, ending a line
    [InlineData("Answer: x = read(); print 3 * x + 2 + 1\n", false)]                                 // a longer program
    [InlineData("Program for:\n1 -> 5\n", true)]                                                     // the eval prompt itself
    [InlineData("Program for:\n0 -> -2\nAnswer: x = read(); print 3 * x - 2\n", false)]            // another target
    [InlineData("Answer: x = read(); print 3 * x + 25\n", false)]                                    // not inside a longer number
    public void ACodeSynthesisTargetProgramIsFoundInAnyForm(string document, bool expected)
    {
        var index = new PromptIndex(["Program for:\n1 -> 5\n"],
            new Dictionary<string, string> { ["Program for:\n1 -> 5"] = "x = read(); print 3 * x + 2" });
        var found = new HashSet<string>();
        index.FindIn(document, found);
        Assert.Equal(expected, found.Count == 1);
    }

    private const string SynthesisSpec = """
        {
          "name": "synthesis-leak",
          "corpora": { "tasks": { "domains": { "task:code-synthesis@2": 1 } } },
          "model": { "preset": "nano-50k", "context_length": 96 },
          "pretrain": { "batch_size": 4, "phases": [ { "name": "base", "corpus": "tasks", "tokens": 100000 } ] },
          "rl": { "tasks": { "code-synthesis": 1 }, "difficulty": 2, "steps": 4, "prompts_per_step": 8, "eval_problems": 20 }
        }
        """;

    /// <summary>
    /// A corpus of code-synthesis problems of every target (the split ignored) holds every eval target, each shown with
    /// other examples than the eval prompt: all are counted. The built-in task corpus and RL (train targets) hold none.
    /// </summary>
    [Fact]
    public void CodeSynthesisEvalTargetsInTrainingDataAreCountedWhateverTheExamples()
    {
        var plan = TestPlans.RealPlan(SynthesisSpec);
        var clean = Assert.Single(Assert.Single(ContaminationCheck.Run(plan).ByRun).Value);
        Assert.Equal((20L, 0L, 0L), (clean.EvalPrompts, clean.InPretraining, clean.InRlPrompts));
        IDomain Leaky(string id) =>
            id == "task:code-synthesis@2" ? new LeakyTaskDomain(TaskRegistry.Get("code-synthesis"), 2) : SpecResolver.ResolveDomain(id);
        var leaked = Assert.Single(Assert.Single(ContaminationCheck.Run(plan, resolveDomain: Leaky).ByRun).Value);
        Assert.Equal(20, leaked.InPretraining);
    }

    [Fact]
    public void TheAutomatonFindsEveryOccurrenceOfOverlappingPatterns()
    {
        var automaton = new AhoCorasick(["he", "she", "his", "hers", "s"]);
        var matches = new List<(string, int)>();
        automaton.Search("ushers his", (pattern, end) => matches.Add((automaton.Patterns[pattern], end)));
        Assert.Equal([("s", 2), ("she", 4), ("he", 4), ("hers", 6), ("s", 6), ("his", 10), ("s", 10)], matches);
    }

    [Theory]
    // logic-bool writes boolean-logic's "Eval: E" as "Evaluate: E" and reduces it in "= E" lines (not > and > or).
    [InlineData("Evaluate: (T or F) and not F\n= T and not F\n= T and T\n= T\nAnswer: T\n", 1)]
    [InlineData("Evaluate: not F and (F or T)\n", 1)]           // and/or operands commute
    [InlineData("Evaluate: (T and T or F) and T\n= (T or F) and T\n= T and T\n= T\nAnswer: T\n", 1)]  // a reduction line
    [InlineData("Evaluate: T and F or T and (T or F) and not F\n", 0)]
    [InlineData("Evaluate: T or (F and T)\n= T or F\n= T\nAnswer: T\n", 0)]   // another tree
    public void ALogicBoolDocumentHoldingABooleanLogicEvalExpressionIsCounted(string document, int expected)
    {
        var index = new PromptIndex(["Eval: (T or F) and not F\n", "Eval: (F or T) and T\n"],
            new Dictionary<string, string> { ["Eval: (T or F) and not F"] = "true", ["Eval: (F or T) and T"] = "true" });
        var found = new HashSet<string>();
        index.FindIn(document, found);
        Assert.Equal(expected, found.Count);
    }

    [Theory]
    [InlineData("Evaluate: T and F or T", "Eval: (T and F) or T", true)]
    [InlineData("Evaluate: T or F and T", "Eval: T or (F and T)", true)]
    [InlineData("Evaluate: T or F and T", "Eval: (T or F) and T", false)]
    [InlineData("= F and T and not T", "Eval: (F and T) and not T", true)]
    [InlineData("= F and (T and not T)", "Eval: (F and T) and not T", false)]
    public void LogicBoolLinesShareBooleanLogicKeysExactlyWhenTheTreesAreEqual(string line, string prompt, bool equal) =>
        Assert.Equal(equal, ProblemKeys.Key(line) == ProblemKeys.Key(prompt));
}
