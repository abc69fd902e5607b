using TrainingPipeline.Data;
using TrainingPipeline.Data.Domains;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.Data.Domains;

public sealed class TaskFamilyDomainTests : IDisposable
{
    private readonly TemporaryDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    /// <summary>A test-only family in the gym's format: the prompt ends in a newline, the solution in 'Answer: N'.</summary>
    private sealed class DoublingFamily : ITaskFamily
    {
        public string Name => "doubling";
        public TaskCategory Category => TaskCategory.Math;
        public string Description => "Double a number.";
        public string PromptFormat => "Double N.";
        public string AnswerFormat => "Answer: 2N";
        public int MaxDifficulty => 2;

        public TaskProblem Generate(long seed, int difficulty)
        {
            var n = (int)(new SplitMix64(seed).NextUInt64() % (difficulty == 1 ? 50UL : 5000UL));
            return new TaskProblem(Name, difficulty, seed, $"Double {n}.\n", $"{n} + {n} = {2 * n}\nAnswer: {2 * n}\n", $"{2 * n}");
        }

        public Verdict Score(TaskProblem problem, string completion) =>
            completion.TrimEnd().EndsWith("Answer: " + problem.Answer) ? Verdict.Correct() : Verdict.Wrong();
    }

    [Fact]
    public void DocumentsArePromptPlusSolutionOfTheFamily()
    {
        var family = new DoublingFamily();
        var domain = new TaskFamilyDomain(family, 2);
        Assert.Equal("task:doubling@2", domain.Id);
        Assert.Equal("task-math", domain.Category);
        foreach (var document in domain.Documents(4).Take(50))
        {
            var prompt = document[..(document.IndexOf('\n') + 1)];
            Assert.Matches(@"^Double \d+\.\n$", prompt);
            var n = int.Parse(prompt[7..^2]);
            Assert.EndsWith($"Answer: {2 * n}\n", document);
            Assert.Equal(Verdict.Correct(), family.Score(family.Generate(0, 1) with { Answer = $"{2 * n}" }, document[prompt.Length..]));
        }
        Assert.Equal(domain.Documents(4).Take(10), domain.Documents(4).Take(10));
    }

    [Fact]
    public void ResolverWithTaskFamiliesMaterializesAMixedCorpus()
    {
        var resolve = DomainRegistry.WithTaskFamilies([new DoublingFamily()]);
        var spec = new CorpusSpec("gym-mix", [new("task:doubling", 1), new("arith-add", 1)], 5_000, 1);
        var corpus = TokenCorpus.Materialize(spec, ByteTokenizer.Instance, _cache.Path, new MaterializeOptions(ResolveDomain: resolve));
        Assert.Equal(["task:doubling", "arith-add"], corpus.Manifest.Domains.Select(d => d.Domain));
        Assert.All(corpus.Manifest.Domains, d => Assert.True(d.Documents > 10));
        Assert.Equal("task-math", corpus.Manifest.Domains[0].Category);
    }

    [Fact]
    public void UnknownOrUnwiredTaskFamilyIsBadInput()
    {
        Assert.Contains("WithTaskFamilies", Assert.Throws<BadInputException>(() => DomainRegistry.Get("task:doubling")).Fix);
        var error = Assert.Throws<BadInputException>(() => DomainRegistry.WithTaskFamilies([new DoublingFamily()])("task:tripling"));
        Assert.Contains("task:doubling", error.Fix);
        Assert.Throws<BadInputException>(() => DomainRegistry.WithTaskFamilies([new DoublingFamily()])("task:doubling@3"));
    }
}
