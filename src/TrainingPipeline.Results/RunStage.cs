using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrainingPipeline.Results;

/// <summary>The kinds of stage a run (or a row of the results) belongs to.</summary>
public enum StageKind
{
    /// <summary>
    /// No stage: what <c>default(RunStage)</c> holds, so that a stage nobody set is an error when it is written, never
    /// the wire string of a pre-training phase with no name ("pretrain_").
    /// </summary>
    Unset,
    /// <summary>A pre-training phase (<c>pretrain_&lt;phase&gt;</c>).</summary>
    Pretrain,
    /// <summary>The RL stage (<c>rl</c>).</summary>
    Rl,
    /// <summary>Rows of the <c>eval</c> verb (<c>eval</c>), which trains nothing.</summary>
    Eval,
}

/// <summary>
/// A stage: its kind and, for pre-training, the phase's name. Code compares kinds; the results tables, config JSON,
/// run identities and logs carry <see cref="ToString"/>, the wire string (<c>pretrain_&lt;phase&gt;</c>, <c>rl</c>,
/// <c>eval</c>) that the tool wrote when stages were strings, so stored datasets and run ids stay as they were.
/// </summary>
[JsonConverter(typeof(RunStageJsonConverter))]
public readonly record struct RunStage
{
    private const string PretrainPrefix = "pretrain_";

    private RunStage(StageKind kind, string? phase)
    {
        Kind = kind;
        Phase = phase;
    }

    public StageKind Kind { get; }

    /// <summary>The pre-training phase's name; null for the other kinds.</summary>
    public string? Phase { get; }

    public static RunStage Rl { get; } = new(StageKind.Rl, null);

    public static RunStage Eval { get; } = new(StageKind.Eval, null);

    public static RunStage Pretrain(string phase) =>
        string.IsNullOrEmpty(phase) ? throw new ArgumentException("a pre-training stage needs its phase's name", nameof(phase))
            : new(StageKind.Pretrain, phase);

    public bool IsPretrain => Kind == StageKind.Pretrain;

    public override string ToString() => Kind switch
    {
        StageKind.Pretrain => PretrainPrefix + Phase,
        StageKind.Rl => "rl",
        StageKind.Eval => "eval",
        StageKind.Unset => throw new InvalidOperationException("an unset stage (default(RunStage)) has no wire string; set the run's stage"),
        _ => throw new InvalidOperationException($"unknown stage kind {Kind}"),
    };

    /// <summary>Reads a wire string; false for anything <see cref="ToString"/> cannot have written.</summary>
    public static bool TryParse(string? text, out RunStage stage)
    {
        if (text == "rl") stage = Rl;
        else if (text == "eval") stage = Eval;
        else if (text is not null && text.StartsWith(PretrainPrefix, StringComparison.Ordinal) && text.Length > PretrainPrefix.Length)
            stage = new(StageKind.Pretrain, text[PretrainPrefix.Length..]);
        else
        {
            stage = default;
            return false;
        }
        return true;
    }

    public static RunStage Parse(string text) => TryParse(text, out var stage) ? stage
        : throw new FormatException($"'{text}' is not a stage: expected pretrain_<phase>, rl or eval");

    /// <summary>A stage for a value read from <paramref name="source"/>: a clear error naming the file and field otherwise.</summary>
    public static RunStage Read(string text, string source, string field) => TryParse(text, out var stage) ? stage
        : throw new BadInputException(source, field, $"'{text}' is not a stage (expected pretrain_<phase>, rl or eval)",
            "the file was not written by this pipeline or is damaged: restore it, or delete it and rerun the stage that wrote it");
}

/// <summary>Writes a <see cref="RunStage"/> as its wire string (so config JSON and run ids are unchanged) and reads it back.</summary>
public sealed class RunStageJsonConverter : JsonConverter<RunStage>
{
    public override RunStage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && RunStage.TryParse(reader.GetString(), out var stage) ? stage
            : throw new JsonException("expected a stage: pretrain_<phase>, rl or eval");

    public override void Write(Utf8JsonWriter writer, RunStage value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
