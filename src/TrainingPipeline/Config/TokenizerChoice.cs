using System.Globalization;
using TrainingPipeline.Data;

namespace TrainingPipeline.Config;

/// <summary>
/// A pipeline's <c>tokenizer</c> value: <c>byte</c>, or <c>bpe:&lt;vocab size&gt;</c> (a byte-level BPE trained on the
/// experiment's first corpus, <see cref="TrainingCorpus"/>). <see cref="BpeVocabSize"/> is null for <c>byte</c>.
/// </summary>
public sealed record TokenizerChoice(int? BpeVocabSize)
{
    public const string BpePrefix = "bpe:";

    /// <summary>256 bytes + <c>&lt;eod&gt;</c> + at least one merge (<see cref="BpeTrainer"/>).</summary>
    public const int MinBpeVocab = 258;

    /// <summary>Corpora store ids as 16-bit integers (<see cref="TokenCorpus"/>), so at most 65,536 ids.</summary>
    public const int MaxBpeVocab = 65536;

    /// <summary>Characters of the first corpus the BPE is trained on.</summary>
    public const int TrainingChars = 1_000_000;

    /// <summary>
    /// The seed of the tokenizer's training sample. Fixed, not the run's seed: every seed and size of an experiment
    /// shares one tokenizer, so seeds differ only in what they are meant to (the run is the unit of uncertainty).
    /// </summary>
    public const long TrainingSeed = 0;

    public const string Fix = "use \"byte\" or \"bpe:<vocab size>\" with a vocabulary of 258–65536, e.g. \"bpe:512\"";

    public static TokenizerChoice Byte { get; } = new((int?)null);

    public bool IsByte => BpeVocabSize is null;

    /// <summary>
    /// The model's vocabulary: 257 for <c>byte</c>, the requested size for BPE (known before training, so a plan's run
    /// ids do not need the trained tokenizer). BPE training may stop early (no pair occurs twice); the unused ids
    /// are never targets.
    /// </summary>
    public int ModelVocabSize => BpeVocabSize ?? ByteTokenizer.Instance.VocabSize;

    /// <summary>Parses a spec's value, or returns the problem with it (null when it is valid).</summary>
    public static TokenizerChoice? TryParse(string? text, out string? problem)
    {
        problem = null;
        if (text == "byte") return Byte;
        if (text is null || !text.StartsWith(BpePrefix, StringComparison.Ordinal))
        {
            problem = $"unknown tokenizer '{text}'";
            return null;
        }
        string size = text[BpePrefix.Length..];
        if (size.Length == 0)
            problem = $"'{text}' has no vocabulary size";
        else if (!size.All(char.IsAsciiDigit) || !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int vocab))
            problem = $"'{text}': the vocabulary size '{size}' is not a whole number";
        else if (vocab < MinBpeVocab)
            problem = $"'{text}': a vocabulary of {vocab} is smaller than 256 bytes + <eod> + one merge ({MinBpeVocab})";
        else if (vocab > MaxBpeVocab)
            problem = $"'{text}': a vocabulary of {vocab} is larger than {MaxBpeVocab} (token ids are stored as 16-bit integers)";
        else
            return new TokenizerChoice(vocab);
        return null;
    }

    /// <summary>Parses a value the validator accepted.</summary>
    public static TokenizerChoice Parse(string text) =>
        TryParse(text, out string? problem) ?? throw new ArgumentException(problem, nameof(text));

    /// <summary>
    /// The corpus a BPE is trained on: the mixture of the first pre-training phase (the experiment's first corpus, which
    /// every run of a chain descends from, so the run ids, which hash it through the root run, determine the
    /// tokenizer), drawn as a training corpus is (<see cref="CorpusRole.Training"/>) with <see cref="TrainingSeed"/>. For a
    /// user corpus that sample can include paragraphs a later evaluation set is drawn from (docs/pipelines.md, "Tokenizers").
    /// </summary>
    public static CorpusSpec TrainingCorpus(IReadOnlyDictionary<string, double> firstMixture) =>
        new("tokenizer", [.. firstMixture.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new DomainWeight(m.Key, m.Value))],
            TrainingChars, TrainingSeed);
}
