using TrainingPipeline.Cli;
using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Testing;
using TrainingPipeline.Tests.Cli;

namespace TrainingPipeline.Tests.Config;

/// <summary>
/// What a spec must satisfy for its evaluations to be valid (issue 13): held-out families in no training data,
/// unrewarded families named apart, eval splits large enough, pass@k within the samples.
/// </summary>
[Collection(InProcessCli.Collection)] // the plan test calls Program.Main, which writes to Console
public class EvaluationRulesTests
{
    private const string Spec = """
        {
          "name": "rules",
          "corpora": {
            "narrow": { "domains": { "task:addition@2": 1 } },
            "broad": { "domains": { "task:addition@2": 1, "task:sorting@2": 1, "arith-add": 1 } }
          },
          "model": { "preset": "nano-50k", "context_length": 96 },
          "pretrain": { "phases": [ { "name": "narrow", "corpus": "narrow", "tokens": 1000 } ] },
          "rl": { "tasks": { "addition": 1 }, "difficulty": 2, "held_out_tasks": ["string-ops"], "unrewarded_tasks": ["sorting"], "eval_problems": 120 }
        }
        """;

    private static readonly SpecValidator.Catalogs Catalogs = SpecResolver.Catalogs();

    private static IReadOnlyList<SweepPoint> Load(string json) => SpecLoader.Load(json, "rules.json", Catalogs);

    [Fact]
    public void HeldOutUnrewardedAndTrainedFamiliesThatAreApartAreValid()
    {
        var rl = Assert.Single(Load(Spec)).Spec.Rl!;
        Assert.Equal(["sorting"], rl.UnrewardedTasks!);
        Assert.Equal(["addition", "string-ops", "sorting"], SpecValidator.EvaluatedFamilies(rl));
    }

    [Theory]
    // A held-out family in any pre-training corpus (at any difficulty) is not held out.
    [InlineData("\"held_out_tasks\": [\"string-ops\"], \"unrewarded_tasks\": [\"sorting\"]", "\"held_out_tasks\": [\"sorting\"]", "$.rl.held_out_tasks[0]", "corpus 'broad'")]
    [InlineData("\"unrewarded_tasks\": [\"sorting\"]", "\"unrewarded_tasks\": [\"addition\"]", "$.rl.unrewarded_tasks[0]", "rewarded in RL")]
    [InlineData("\"unrewarded_tasks\": [\"sorting\"]", "\"unrewarded_tasks\": [\"string-ops\"]", "$.rl.unrewarded_tasks[0]", "both held out and unrewarded")]
    [InlineData("\"unrewarded_tasks\": [\"sorting\"]", "\"unrewarded_tasks\": [\"sortin\"]", "$.rl.unrewarded_tasks[0]", "unknown task family")]
    // Addition at difficulty 1 has 55 problems (commuted twins count once): its eval split cannot supply 120.
    [InlineData("\"difficulty\": 2", "\"difficulty\": 1", "$.rl.eval_problems", "'addition' at difficulty 1 has about 55 distinct problems")]
    [InlineData("\"eval_problems\": 120", "\"eval_problems\": 120, \"eval_samples\": 4, \"pass_k\": 8", "$.rl.pass_k", "eval_samples is 4")]
    public void BrokenEvaluationRulesNameTheirPathAndFix(string from, string to, string path, string problem)
    {
        Assert.Contains(from, Spec);
        var e = Assert.Throws<BadInputException>(() => Load(Spec.Replace(from, to)));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Contains("Fix:", e.Message);
    }

    [Theory]
    // Generated domains that write a family's own prompts with worked answers pre-train on that family (they drop only
    // its eval-split problems), so the family cannot be held out of a run whose corpora contain them.
    [InlineData("arith-add", "addition")]
    [InlineData("arith-mul@2", "multiplication")]
    [InlineData("algebra-linear", "linear-equation")]
    [InlineData("sort-trace@3", "sorting")]
    [InlineData("list-ops", "list-ops")]
    [InlineData("logic-bool@2", "boolean-logic")]
    [InlineData("logic-bool@3", "boolean-logic")]
    public void AHeldOutFamilyRenderedByAGeneratedDomainIsRefused(string domain, string family)
    {
        string spec = Spec.Replace("task:addition@2", "task:string-ops@2").Replace("\"task:sorting@2\": 1, ", "")
            .Replace("\"arith-add\": 1", $"\"{domain}\": 1")
            .Replace("\"tasks\": { \"addition\": 1 }", "\"tasks\": { \"string-ops\": 1 }")
            .Replace("\"held_out_tasks\": [\"string-ops\"]", $"\"held_out_tasks\": [\"{family}\"]")
            .Replace("\"unrewarded_tasks\": [\"sorting\"]", "\"unrewarded_tasks\": []").Replace("\"eval_problems\": 120", "\"eval_problems\": 20");
        Assert.Contains($"\"{domain}\": 1", spec);
        var e = Assert.Throws<BadInputException>(() => Load(spec));
        Assert.Contains("$.rl.held_out_tasks[0]", e.Message);
        Assert.Contains("corpus 'broad'", e.Message);
        Assert.Contains($"domain '{domain}' renders '{family}'", e.Message);
        Assert.Contains($"remove '{domain}' from corpora.broad", e.Message);
        // The same corpus without the rendering domain plans cleanly: the refusal is the domain's, not the spec's.
        Assert.Single(Load(spec.Replace($"\"{domain}\": 1", "\"program-text\": 1")));
    }

    [Fact]
    public void DomainsThatRenderNoFamilyPromptsDoNotBlockHoldingOut()
    {
        Assert.Empty(TrainingPipeline.Data.DomainRegistry.RenderedFamilies("program-text"));
        Assert.Empty(TrainingPipeline.Data.DomainRegistry.RenderedFamilies("text:notes@home.txt"));
        Assert.Equal(["sorting"], TrainingPipeline.Data.DomainRegistry.RenderedFamilies("task:sorting@2"));
    }

    [Fact]
    public void PlanExitsWithTwoWhenAHeldOutFamilyIsPreTrainedOn()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, Spec.Replace("\"held_out_tasks\": [\"string-ops\"]", "\"held_out_tasks\": [\"addition\"]")
            .Replace("\"tasks\": { \"addition\": 1 }", "\"tasks\": { \"sorting\": 1 }").Replace("\"unrewarded_tasks\": [\"sorting\"]", "\"unrewarded_tasks\": []"));
        try
        {
            var (exit, _, stderr) = InProcessCli.Run("plan", file);
            Assert.Equal(Program.BadInput, exit);
            Assert.Contains("$.rl.held_out_tasks[0]", stderr);
            Assert.Contains("unrewarded_tasks", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("quickstart.json")]
    [InlineData("rl-scaling.json")]
    [InlineData("narrow-to-broad.json")]
    public void EveryCommittedPipelineValidatesUnderTheEvaluationRules(string file)
    {
        var points = SpecLoader.LoadFile(Path.Combine(SharedData.RepositoryRoot(), "pipelines", file), Catalogs);
        // The quickstart's scaling grid has no RL stage (its sweep sets "rl": null); every point with RL is checked.
        var withRl = points.Where(p => p.Spec.Rl is not null).ToList();
        Assert.NotEmpty(withRl);
        Assert.All(withRl, p => Assert.True(p.Spec.Rl!.Difficulty >= 2, "difficulty 1 problem spaces are memorisable"));
    }

    [Theory]
    [InlineData("rl-scaling.json")]
    [InlineData("narrow-to-broad.json")]
    public void TheRlExperimentsEvaluateFiveHundredProblemsOfEveryFamily(string file)
    {
        // Loading checks each family's eval split at the run's difficulty holds eval_problems distinct problems.
        var points = SpecLoader.LoadFile(Path.Combine(SharedData.RepositoryRoot(), "pipelines", file), Catalogs);
        Assert.All(points, p => Assert.True(p.Spec.Rl!.EvalProblems >= 500, $"{file}: {p.Spec.Rl!.EvalProblems} evaluation problems per family"));
    }

    [Fact]
    public void RlScalingEvaluatesOftenEnoughToTestSaturation()
    {
        var rl = SpecLoader.LoadFile(Path.Combine(SharedData.RepositoryRoot(), "pipelines", "rl-scaling.json"), Catalogs)[0].Spec.Rl!;
        var steps = (rl.EvalAtSteps ?? []).Concat(Enumerable.Range(1, rl.Steps).Where(s => s % rl.EvalEvery == 0)).Append(rl.Steps)
            .Where(s => s > 0).Distinct().Order().ToList();
        Assert.True(steps.Count >= 8, $"{steps.Count} evaluations after step 0");
        // The upper half of log-steps: from √steps on.
        Assert.True(steps.Count(s => s >= Math.Sqrt(rl.Steps)) >= 5, string.Join(", ", steps));
        // What the analysis fits (docs/analysis.md), with RL compute taken as proportional to steps: evaluations below 10%
        // of the final compute are dropped, and the backtest fits the lower half of the remaining log range. For one run
        // (each RL breadth of this pipeline is one), the sigmoid's 4 parameters need ≥ 8 points at ≥ 5 distinct steps there.
        var kept = steps.Where(s => s >= 0.1 * rl.Steps).ToList();
        double cutoff = Math.Sqrt((double)kept[0] * kept[^1]);
        Assert.True(kept.Count(s => s < cutoff) >= 8, $"fitted half: {string.Join(", ", kept.Where(s => s < cutoff))}");
    }
}
