using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Config;

/// <summary>Turns spec sections into the concrete objects the stages use.</summary>
public static class SpecResolver
{
    /// <summary>
    /// Resolves every domain id a spec may name: generated domains (<c>arith-add@2</c>), user corpora
    /// (<c>text:</c>, <c>jsonl:</c>, <c>parquet:</c>) and solved problems of gym families (<c>task:addition</c>).
    /// </summary>
    public static Func<string, IDomain> ResolveDomain { get; } = DomainRegistry.WithTaskFamilies(TaskRegistry.All);

    /// <summary>Problems sampled per task family to find its longest prompt at a difficulty.</summary>
    private const int PromptSamples = 64;

    /// <summary>
    /// The names a pipeline may use, with the deep checks: a domain's difficulty range, a user corpus's files (read
    /// now, so an empty or unreadable corpus stops the command before any run starts), and the longest prompt of
    /// each task family. Each check runs once per domain or family, however many sweep points name it.
    /// </summary>
    public static SpecValidator.Catalogs Catalogs()
    {
        var checkedDomains = new HashSet<string>(StringComparer.Ordinal);
        var promptTokens = new Dictionary<(string, int), int>();
        var evalSplitChecked = new HashSet<(string, int, int)>();
        return new SpecValidator.Catalogs(
            DomainRegistry.All.Select(d => d.Id).Concat(TaskRegistry.All.Select(f => "task:" + f.Name)).ToArray(),
            TaskRegistry.All.Select(f => f.Name).ToArray(),
            id =>
            {
                if (checkedDomains.Contains(id)) return;
                if (ResolveDomain(id) is Data.UserCorpora.DocumentListDomain user) _ = user.AllDocuments.Count;
                checkedDomains.Add(id);
            },
            (name, difficulty) =>
            {
                if (promptTokens.TryGetValue((name, difficulty), out int known)) return known;
                var family = TaskRegistry.Get(name);
                int level = Math.Clamp(difficulty, 1, family.MaxDifficulty);
                int longest = Enumerable.Range(0, PromptSamples)
                    .Max(seed => ByteTokenizer.Instance.Encode(family.Generate(seed, level).Prompt).Length);
                return promptTokens[(name, difficulty)] = longest;
            },
            (name, difficulty, count, source, path) =>
            {
                if (!evalSplitChecked.Add((name, difficulty, count))) return;
                var family = TaskRegistry.Get(name);
                Tasks.ProblemSplits.DrawDistinct(family, seed: 0, Math.Clamp(difficulty, 1, family.MaxDifficulty), Tasks.ProblemSplit.Eval, count, source, path);
            });
    }

    /// <summary>
    /// The tokenizer of a run: <c>byte</c>, or the <c>bpe:&lt;V&gt;</c> trained on the run's
    /// <see cref="IRunConfig.TokenizerCorpus"/>, cached under <paramref name="cacheRoot"/>/tokenizers (trained once,
    /// written atomically, reused by every run of the experiment: <see cref="CorpusTokenizers.Bpe"/>).
    /// </summary>
    public static ITextTokenizer ResolveTokenizer(IRunConfig config, string cacheRoot, Func<string, IDomain>? resolveDomain = null)
    {
        var choice = TokenizerChoice.Parse(config.Tokenizer);
        if (choice.BpeVocabSize is not { } vocab) return ByteTokenizer.Instance;
        var corpus = config.TokenizerCorpus
            ?? throw new InvalidOperationException($"run config with tokenizer '{config.Tokenizer}' has no tokenizer corpus (plan it with RunPlan.Create)");
        var tokenizer = CorpusTokenizers.Bpe(corpus, vocab, cacheRoot, TokenizerChoice.TrainingChars, resolveDomain ?? ResolveDomain);
        // The trainer never exceeds the requested size; a larger file would be a damaged cache.
        if (tokenizer.VocabSize > config.Model.VocabSize)
            throw new InvalidOperationException($"tokenizer {tokenizer.Name} has {tokenizer.VocabSize} ids but the model only {config.Model.VocabSize}");
        return tokenizer;
    }

    /// <summary>The precision a spec names (validated against <see cref="Precisions.Choices"/>).</summary>
    public static Precision ResolvePrecision(string name) =>
        Precisions.Parse(name) ?? throw new ArgumentException($"unknown precision '{name}'");

    /// <summary>The model shape: the preset's, with any explicit fields overriding it.</summary>
    public static ModelConfig ResolveModel(ModelSection section, int vocabSize)
    {
        ModelConfig? preset = null;
        if (section.Preset is not null && ModelPresets.TryGet(section.Preset, vocabSize, out var found)) preset = found;
        return new ModelConfig(
            section.NLayer ?? preset?.NLayer ?? 0,
            section.NHead ?? preset?.NHead ?? 0,
            section.DModel ?? preset?.DModel ?? 0,
            section.ContextLength ?? preset?.ContextLength ?? 0,
            vocabSize,
            section.Norm,
            section.Positions,
            section.Attention);
    }
}
