using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tests.Tasks;

/// <summary>The contract every registered family must keep; new families are covered by registering them.</summary>
public class FamilyContractTests
{
    private const int Seeds = 200;

    public static TheoryData<string> FamilyNames()
    {
        var data = new TheoryData<string>();
        foreach (var family in TaskRegistry.All.Concat(TaskRegistry.Variants)) data.Add(family.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void GenerationIsDeterministicBySeedAndVariesAcrossSeeds(string name)
    {
        var family = TaskRegistry.Get(name);
        for (var difficulty = 1; difficulty <= family.MaxDifficulty; difficulty++)
        {
            var distinct = new HashSet<string>();
            for (var seed = 0; seed < 30; seed++)
            {
                var first = family.Generate(seed, difficulty);
                var second = family.Generate(seed, difficulty);
                Assert.Equal(first.Prompt, second.Prompt);
                Assert.Equal(first.Solution, second.Solution);
                Assert.Equal(first.Answer, second.Answer);
                Assert.Equal(first.Metadata?.OrderBy(kv => kv.Key), second.Metadata?.OrderBy(kv => kv.Key));
                distinct.Add(first.Prompt);
            }
            Assert.True(distinct.Count >= 10, $"{name} d{difficulty}: only {distinct.Count} distinct prompts in 30 seeds");
        }
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void ProblemsFollowTheUniformFormat(string name)
    {
        var family = TaskRegistry.Get(name);
        Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", family.Name);
        Assert.InRange(family.MaxDifficulty, 5, 10);
        foreach (var text in new[] { family.Description, family.PromptFormat, family.AnswerFormat })
            Assert.False(string.IsNullOrWhiteSpace(text));
        for (var difficulty = 1; difficulty <= family.MaxDifficulty; difficulty++)
        {
            for (var seed = 0; seed < 20; seed++)
            {
                var problem = family.Generate(seed, difficulty);
                Assert.Equal((name, difficulty, (long)seed), (problem.Family, problem.Difficulty, problem.Seed));
                Assert.EndsWith("\n", problem.Prompt);
                Assert.EndsWith($"Answer: {problem.Answer}\n", problem.Solution);
                Assert.DoesNotContain("\n\n", problem.Prompt + problem.Solution);  // the RL sampler stops at "\n\n"
                Assert.Equal(problem.Answer.Trim(), problem.Answer);
                Assert.DoesNotContain('\n', problem.Answer);
            }
        }
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void EasiestLevelFitsTinyModels(string name)
    {
        var family = TaskRegistry.Get(name);
        var problems = Enumerable.Range(0, Seeds).Select(s => family.Generate(s, 1)).ToList();
        var limits = EasiestLevelLimits(name);
        Assert.True(problems.Average(p => p.Prompt.Length) <= limits.Prompt,
            $"mean prompt {problems.Average(p => p.Prompt.Length):F1} > {limits.Prompt}");
        Assert.True(problems.Average(p => p.Answer.Length) <= limits.Answer,
            $"mean answer {problems.Average(p => p.Answer.Length):F1} > {limits.Answer}");
        Assert.True(problems.Max(p => p.Solution.Length) <= limits.Solution,
            $"longest solution {problems.Max(p => p.Solution.Length)} > {limits.Solution}");
    }

    /// <summary>Level-1 size targets (mean prompt, mean answer, longest solution); code answers are programs.</summary>
    private static (double Prompt, double Answer, int Solution) EasiestLevelLimits(string name) => name switch
    {
        _ when name.StartsWith("code-synthesis") || name.StartsWith("code-repair") => (70, 24, 40),
        _ => (60, 8, 40),
    };

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void ReferenceSolutionsAndAlternativeMarkersAlwaysVerify(string name)
    {
        var family = TaskRegistry.Get(name);
        for (var difficulty = 1; difficulty <= family.MaxDifficulty; difficulty++)
        {
            for (var seed = 0; seed < Seeds / 4; seed++)
            {
                var problem = family.Generate(seed, difficulty);
                foreach (var completion in new[]
                         {
                             problem.Solution, problem.Solution.TrimEnd('\n'), $"Answer: {problem.Answer}",
                             $"#### {problem.Answer}", $"Let me think.\nThe answer is {problem.Answer}.",
                         })
                {
                    var verdict = family.Score(problem, completion);
                    Assert.True(verdict.Reward == 1.0 && verdict.Reason == VerdictReason.Correct,
                        $"{name} d{difficulty} seed {seed}: {completion} -> {verdict}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void CorruptedAnswersNeverVerify(string name)
    {
        var family = TaskRegistry.Get(name);
        var checkedCorruptions = 0;
        for (var difficulty = 1; difficulty <= family.MaxDifficulty; difficulty++)
        {
            for (var seed = 0; seed < Seeds / 4; seed++)
            {
                var problem = family.Generate(seed, difficulty);
                foreach (var wrong in AnswerCorruptions.Of(problem.Answer))
                {
                    if (AnswerCorruptions.SameAnswer(wrong, problem.Answer)) continue;
                    if (AnswerCorruptions.IsEquivalentFor(name, problem, wrong)) continue;
                    foreach (var completion in new[]
                             {
                                 $"Answer: {wrong}\n", $"#### {wrong}", $"The answer is {wrong}.",
                                 $"Answer: {problem.Answer}\nAnswer: {wrong}\n", $"Answer: {wrong}\nAnswer: {problem.Answer}\n",
                                 $"Answer: {problem.Answer} {wrong}\n", $"The answer is {wrong}. The answer is {problem.Answer}.",
                             })
                    {
                        var verdict = family.Score(problem, completion);
                        Assert.True(verdict.Reward < 1.0 && verdict.Reason != VerdictReason.Correct,
                            $"{name} d{difficulty} seed {seed}: answer {problem.Answer}, completion {completion} -> {verdict}");
                    }
                    checkedCorruptions++;
                }
                Assert.Equal(0.0, family.Score(problem, "").Reward);
                Assert.Equal(VerdictReason.Unparseable, family.Score(problem, "").Reason);
                // Worked steps without the final line are not an answer (numeric families may fall back to a last number).
                if (!IsNumericFallbackFamily(family, problem))
                {
                    var stepsOnly = problem.Solution[..problem.Solution.LastIndexOf("Answer:", StringComparison.Ordinal)];
                    Assert.Equal(VerdictReason.Unparseable, family.Score(problem, stepsOnly).Reason);
                }
            }
        }
        Assert.True(checkedCorruptions >= Seeds, $"only {checkedCorruptions} corruptions checked");
    }

    /// <summary>Numeric families fall back to a last number; dropping the Answer line may legitimately keep it.</summary>
    private static bool IsNumericFallbackFamily(ITaskFamily family, TaskProblem problem) =>
        family.Category == TaskCategory.Math && NumericAnswerFormat.Instance.Canonicalize(problem.Answer) is not null;

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void DifficultyOutsideRangeIsBadInput(string name)
    {
        var family = TaskRegistry.Get(name);
        Assert.Throws<BadInputException>(() => family.Generate(0, 0));
        Assert.Throws<BadInputException>(() => family.Generate(0, family.MaxDifficulty + 1));
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void DifficultyMakesProblemsHarder(string name)
    {
        var family = TaskRegistry.Get(name);
        var measure = HardnessMeasures.For(name);
        var means = Enumerable.Range(1, family.MaxDifficulty)
            .Select(d => Enumerable.Range(0, Seeds).Average(s => measure(family.Generate(s, d))))
            .ToList();
        for (var d = 1; d < means.Count; d++)
            Assert.True(means[d] > means[d - 1],
                $"{name}: mean hardness at d{d + 1} ({means[d]:F2}) not above d{d} ({means[d - 1]:F2}); all: {string.Join(", ", means.Select(m => m.ToString("F2")))}");
    }
}
