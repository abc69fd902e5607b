using System.Text.Json;
using TrainingPipeline.Cli;
using TrainingPipeline.Data;
using TrainingPipeline.Data.Domains;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.Tasks;

/// <summary>Train/eval splits of the task gym by a hash of the problem (src/TrainingPipeline/Tasks/ProblemSplits.cs).</summary>
public class ProblemSplitsTests
{
    public static TheoryData<string, int> FamiliesAndDifficulties()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in TaskRegistry.Names)
            for (int difficulty = 1; difficulty <= 3; difficulty++) data.Add(name, difficulty);
        return data;
    }

    /// <summary>
    /// The acceptance test, for every registered family at difficulties 1–3: 500 eval problems and 5,000
    /// train problems (as <c>tasks sample --split eval|train</c> prints them) never share a prompt, or the eval split
    /// is refused as bad input naming the family, the difficulty and the size of its space.
    /// </summary>
    [Theory]
    [MemberData(nameof(FamiliesAndDifficulties))]
    public void EvalAndTrainSamplesNeverShareAPromptOrTheFamilyIsRefused(string family, int difficulty)
    {
        IReadOnlyList<string> eval;
        try
        {
            eval = TasksCommand.SampleLines(family, difficulty, 500, seed: 0, ProblemSplit.Eval);
        }
        catch (BadInputException refused)
        {
            Assert.Contains(family, refused.Message);
            Assert.Contains("difficulty", refused.Message);
            Assert.Contains("Fix:", refused.Message);
            return;
        }
        var train = TasksCommand.SampleLines(family, difficulty, 5000, seed: 0, ProblemSplit.Train);
        var evalPrompts = eval.Select(Prompt).ToList();
        Assert.Equal(500, evalPrompts.Distinct().Count());
        var shared = train.Select(Prompt).Where(evalPrompts.ToHashSet().Contains).ToList();
        Assert.Empty(shared);
        // Equivalent problems ("47 + 38" and "38 + 47") are one problem: no canonical key is in both splits either.
        var evalKeys = evalPrompts.Select(ProblemKeys.Key).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(train.Select(Prompt).Select(ProblemKeys.Key), evalKeys.Contains);
    }

    /// <summary>
    /// Code-synthesis shows only examples, so its problem is its target program: at levels 1–3, no eval problem's target
    /// (canonical up to names, layout and commutative operands) is the target of a train problem. When the split was by
    /// prompt, every eval target was also a train target (24, 144 and 27 targets at levels 1–3).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NoCodeSynthesisEvalTargetIsATrainTarget(int difficulty)
    {
        var family = TaskRegistry.Get("code-synthesis");
        var problems = Enumerable.Range(0, 3000).Select(seed => family.Generate(seed, difficulty)).ToList();
        var evalTargets = problems.Where(p => ProblemSplits.Of(p) == ProblemSplit.Eval).Select(p => ProblemKeys.SynthesisKey(p.Answer)).ToHashSet();
        var trainTargets = problems.Where(p => ProblemSplits.Of(p) == ProblemSplit.Train).Select(p => ProblemKeys.SynthesisKey(p.Answer)).ToHashSet();
        Assert.NotEmpty(evalTargets);
        Assert.NotEmpty(trainTargets);
        Assert.Empty(evalTargets.Intersect(trainTargets));
        // What training and evaluation actually draw: 2,000 train problems against every eval problem of the level.
        var train = Enumerable.Range(0, 2000).Select(seed => ProblemSplits.Generate(family, seed, difficulty, ProblemSplit.Train))
            .Select(p => ProblemKeys.SynthesisKey(p.Answer)).ToHashSet();
        var eval = ProblemSplits.DrawDistinct(family, 0, difficulty, ProblemSplit.Eval, evalTargets.Count, "test", "n");
        Assert.DoesNotContain(eval, p => train.Contains(ProblemKeys.SynthesisKey(p.Answer)));
    }

    [Fact]
    public void CodeSynthesisIsKeyedByItsTargetProgramUpToNamesAndOperandOrder()
    {
        var a = new TaskProblem("code-synthesis", 2, 0, "Program for:\n1 -> 5\n", "Answer: x = read(); print 3 * x + 2\n", "x = read(); print 3 * x + 2");
        var b = a with { Prompt = "Program for:\n0 -> 2\n4 -> 14\n", Answer = "y = read(); print 2 + y * 3" };
        var c = a with { Answer = "x = read(); print 3 * x - 2" };
        Assert.Equal(ProblemKeys.Key(a), ProblemKeys.Key(b));
        Assert.NotEqual(ProblemKeys.Key(a), ProblemKeys.Key(c));
        Assert.Equal(ProblemSplits.Of(a), ProblemSplits.Of(b));
    }

    [Fact]
    public void ATooSmallEvalSplitIsRefusedWithTheSpaceSize()
    {
        // Addition at difficulty 1 has 10 × 10 = 100 prompts, 55 problems once commuted twins count once: about 11 are eval problems.
        var e = Assert.Throws<BadInputException>(() =>
            ProblemSplits.DrawDistinct(TaskRegistry.Get("addition"), 0, 1, ProblemSplit.Eval, 500, "test.json", "$.rl.eval_problems"));
        Assert.Contains("'addition' at difficulty 1 has about 55 distinct problems", e.Message);
        Assert.Contains("$.rl.eval_problems", e.Message);
        Assert.Contains("raise the difficulty", e.Message);
    }

    [Fact]
    public void TheSplitIsAFunctionOfTheProblemNotOfTheSeed()
    {
        // Difficulty 1 has 100 addition problems, so 5,000 seeds generate each problem many times: every copy of a
        // problem lands on the same side, and both sides are used.
        var family = TaskRegistry.Get("addition");
        var bySplit = Enumerable.Range(0, 5000).Select(seed => family.Generate(seed, 1).Prompt)
            .GroupBy(p => p).Select(g => ProblemSplits.Of(g.Key)).ToList();
        Assert.Equal(100, bySplit.Count);
        Assert.InRange(bySplit.Count(s => s == ProblemSplit.Eval), 5, 40);
        Assert.All(Enumerable.Range(0, 2000), seed =>
            Assert.Equal(ProblemSplit.Train, ProblemSplits.Of(ProblemSplits.Generate(family, seed, 1, ProblemSplit.Train).Prompt)));
    }

    [Fact]
    public void TaskCorporaHoldOnlyTrainProblems()
    {
        var documents = new TaskFamilyDomain(TaskRegistry.Get("addition"), 1).Documents(7).Take(3000).ToList();
        var prompts = documents.Select(d => d[..(d.IndexOf('\n') + 1)]).ToList();
        Assert.All(prompts, p => Assert.Equal(ProblemSplit.Train, ProblemSplits.Of(p)));
    }

    [Theory]
    [InlineData("arith-add")]
    [InlineData("arith-mul")]
    [InlineData("algebra-linear")]
    public void DomainsWritingAFamilysPromptsSkipItsEvalProblems(string baseId)
    {
        var domain = DomainRegistry.All.Single(d => SpecBase(d.Id) == baseId);
        var firstLines = domain.Documents(3).Take(3000).Select(d => d[..d.IndexOf('\n')]).ToList();
        Assert.All(firstLines, line => Assert.Equal(ProblemSplit.Train, ProblemSplits.Of(line)));
    }

    private static string SpecBase(string id) => id.Contains('@') ? id[..id.IndexOf('@')] : id;

    private static string Prompt(string line) => JsonDocument.Parse(line).RootElement.GetProperty("prompt").GetString()!;
}
