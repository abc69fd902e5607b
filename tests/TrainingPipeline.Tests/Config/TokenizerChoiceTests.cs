using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Config;

/// <summary>
/// <c>"tokenizer": "bpe:&lt;V&gt;"</c>: what parses, what is refused (the CLI's exit 2 for each refusal is
/// <c>BadInput/BadSpecCorpusTests</c>, files 029 and 112–116), the model's vocabulary and run ids that follow the
/// tokenizer while byte-tokenizer ids stay, and the tokenizer's cache (trained once, reused, written atomically).
/// </summary>
public sealed class TokenizerChoiceTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static string Spec(string? tokenizer, string firstCorpus = "narrow") => $$"""
        {
          "name": "tok",
          "seed": 3,
          {{(tokenizer is null ? "" : $"\"tokenizer\": \"{tokenizer}\",")}}
          "corpora": { "narrow": { "domains": { "arith-add": 1 } }, "broad": { "domains": { "arith-add": 1, "nl-story": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 32 },
          "pretrain": { "batch_size": 2, "eval_batches": 1, "phases": [
            { "name": "first", "corpus": "{{firstCorpus}}", "tokens": 640 }, { "name": "second", "corpus": "broad", "tokens": 640 } ] },
          "rl": { "tasks": { "addition": 1 }, "steps": 1, "prompts_per_step": 1, "group_size": 2, "max_new_tokens": 4, "eval_problems": 2, "pass_k": 1 }
        }
        """;

    [Theory]
    [InlineData("byte", null)]
    [InlineData("bpe:258", 258)]
    [InlineData("bpe:512", 512)]
    [InlineData("bpe:65536", 65536)]
    public void ParsesByteAndBpeWithinTheBounds(string text, int? vocab)
    {
        var choice = TokenizerChoice.TryParse(text, out string? problem);
        Assert.Null(problem);
        Assert.Equal(vocab, choice!.BpeVocabSize);
        Assert.Equal(vocab ?? 257, choice.ModelVocabSize);
    }

    [Theory]
    [InlineData("bpe:", "has no vocabulary size")]
    [InlineData("bpe:0", "smaller than 256 bytes")]
    [InlineData("bpe:257", "smaller than 256 bytes")]
    [InlineData("bpe:65537", "larger than 65536")]
    [InlineData("bpe:99999999999", "not a whole number")]
    [InlineData("bpe:abc", "not a whole number")]
    [InlineData("bpe:-512", "not a whole number")]
    [InlineData("bpe:+512", "not a whole number")]
    [InlineData("bpe: 512", "not a whole number")]
    [InlineData("bpe:5e2", "not a whole number")]
    [InlineData("BPE:512", "unknown tokenizer")]
    [InlineData("bpe", "unknown tokenizer")]
    [InlineData("", "unknown tokenizer")]
    public void RefusesBadValuesNamingTheFieldAndTheFix(string text, string problem)
    {
        var e = Assert.Throws<BadInputException>(() => SpecLoader.Load(Spec(text), "own.json", SpecResolver.Catalogs()));
        Assert.Equal("own.json", e.InputFile);
        Assert.Equal("$.tokenizer", e.Field);
        Assert.Contains(problem, e.Problem);
        Assert.Contains("bpe:<vocab size>", e.Fix);
    }

    [Fact]
    public void TheModelVocabularyAndRunIdsFollowTheTokenizer()
    {
        var implicitByte = TestPlans.RealPlan(Spec(null));
        var explicitByte = TestPlans.RealPlan(Spec("byte"));
        var bpe512 = TestPlans.RealPlan(Spec("bpe:512"));
        var bpe1024 = TestPlans.RealPlan(Spec("bpe:1024"));
        var bpeOtherCorpus = TestPlans.RealPlan(Spec("bpe:512", firstCorpus: "broad"));

        // Byte ids do not depend on whether the default is written (the golden ids of RunIdentityTests pin them).
        Assert.Equal(implicitByte.Runs.Select(r => r.Id), explicitByte.Runs.Select(r => r.Id));
        Assert.All(explicitByte.Runs, r => Assert.Equal(257, r.Config.Model.VocabSize));
        Assert.All(explicitByte.Runs, r => Assert.Null(r.Config.TokenizerCorpus));
        // A different tokenizer, or the same size trained on another first corpus, is a different run at every stage.
        foreach (var other in new[] { bpe512, bpe1024 })
            Assert.Empty(other.Runs.Select(r => r.Id).Intersect(explicitByte.Runs.Select(r => r.Id)));
        Assert.Empty(bpe512.Runs.Select(r => r.Id).Intersect(bpe1024.Runs.Select(r => r.Id)));
        Assert.Empty(bpe512.Runs.Select(r => r.Id).Intersect(bpeOtherCorpus.Runs.Select(r => r.Id)));
        Assert.All(bpe512.Runs, r => Assert.Equal(512, r.Config.Model.VocabSize));
        Assert.All(bpe1024.Runs, r => Assert.Equal(1024, r.Config.Model.VocabSize));
        // Every run of the chain (both phases and RL) trains its tokenizer on the first phase's corpus, at a fixed seed.
        Assert.All(bpe512.Runs, r => Assert.Equal([new DomainWeight("arith-add", 1)], r.Config.TokenizerCorpus!.Domains));
        Assert.All(bpe512.Runs, r => Assert.Equal(TokenizerChoice.TrainingSeed, r.Config.TokenizerCorpus!.Seed));
        // The runs table's config_json records it.
        Assert.All(bpe512.Runs, r => Assert.Contains("\"tokenizer\":\"bpe:512\"", r.ConfigJson));
    }

    [Fact]
    public void TheSeedAxisSharesOneTokenizer()
    {
        var plan = TestPlans.RealPlan(Spec("bpe:512").Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"seed\": [1, 2] },"));
        Assert.Equal(6, plan.Runs.Count);
        Assert.Single(plan.Runs.Select(r => r.Config.TokenizerCorpus!).Select(c => $"{string.Join(",", c.Domains)} {c.Seed} {c.TokenBudget}").Distinct());
    }

    [Fact]
    public void TheTokenizerIsTrainedOnceCachedAndReused()
    {
        var run = TestPlans.RealPlan(Spec("bpe:300")).Runs[0];
        string cache = Path.Combine(_workspace.Root, "datasets");
        var first = SpecResolver.ResolveTokenizer(run.Config, cache);
        string file = Assert.Single(Directory.GetFiles(Path.Combine(cache, "tokenizers")));
        Assert.EndsWith(".tiktoken", file);
        // One-digit sums have few distinct pairs: training stops before 300 ids, and the model keeps 300 rows.
        Assert.InRange(first.VocabSize, 258, 300);
        Assert.Equal(300, run.Config.Model.VocabSize);

        // Reused, not retrained: a rank appended to the cached file (training cannot give it) shows up when loading.
        File.AppendAllText(file, Convert.ToBase64String("zzzzzz"u8.ToArray()) + $" {first.EndOfDocument}\n");
        var reused = SpecResolver.ResolveTokenizer(run.Config, cache);
        Assert.Equal(first.VocabSize + 1, reused.VocabSize);
    }

    [Fact]
    public void ACrashedWriteLeavesNoCacheAndTheNextResolveCompletesIt()
    {
        var run = TestPlans.RealPlan(Spec("bpe:300")).Runs[0];
        string cache = Path.Combine(_workspace.Root, "datasets");
        var tokenizer = Assert.IsType<BpeTokenizer>(SpecResolver.ResolveTokenizer(run.Config, cache));
        string file = Assert.Single(Directory.GetFiles(Path.Combine(cache, "tokenizers")));

        // A crash between writing the temporary file and renaming it: only the temporary file is left.
        File.Delete(file);
        File.WriteAllText(file + ".tmp-0123456789abcdef", tokenizer.RanksText[..(tokenizer.RanksText.Length / 2)]);
        var again = Assert.IsType<BpeTokenizer>(SpecResolver.ResolveTokenizer(run.Config, cache));

        Assert.Equal(tokenizer.RanksText, again.RanksText);
        Assert.Equal(tokenizer.RanksText, File.ReadAllText(file));
        // The tokenizer written now left no temporary file of its own.
        Assert.Single(Directory.GetFiles(Path.Combine(cache, "tokenizers"), "*.tmp-*"));
    }

    [Fact]
    public void AConfigWithABpeTokenizerButNoCorpusIsAProgrammingErrorNotASilentByteTokenizer()
    {
        var run = TestPlans.RealPlan(Spec("bpe:300")).Runs[0];
        var orphan = run.Pretrain! with { TokenizerCorpus = null };
        Assert.Throws<InvalidOperationException>(() => SpecResolver.ResolveTokenizer(orphan, _workspace.Root));
    }
}
