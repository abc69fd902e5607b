using System.Text.Json;
using System.Text.Json.Serialization;
using TrainingPipeline.Model;
using TrainingPipeline.RL;

namespace TrainingPipeline.Config;

// An experiment is one JSON file (pipelines/*.json). These records are its exact shape: keys are snake_case,
// unknown keys are errors, and every default below is documented in docs/pipelines.md.

/// <summary>The whole experiment: corpora, model, phases, RL, evaluation, sweep axes and analysis.</summary>
public sealed record PipelineSpec(
    string Name,
    IReadOnlyDictionary<string, CorpusSection> Corpora,
    ModelSection Model,
    PretrainSection Pretrain,
    long Seed = 0,
    string Device = "auto",
    string Precision = "fp32",
    int Threads = 0,
    string Tokenizer = "byte",
    IReadOnlyList<string>? HeldOutDomains = null,
    RlSection? Rl = null,
    AnalysisSection? Analysis = null,
    IReadOnlyDictionary<string, JsonElement[]>? Sweep = null,
    bool AllowContamination = false);

/// <summary>A weighted mixture of domains (name → weight) generated with the pipeline's seed.</summary>
public sealed record CorpusSection(IReadOnlyDictionary<string, double> Domains);

/// <summary>A named preset, or an explicit shape; explicit fields override the preset's.</summary>
public sealed record ModelSection(
    string? Preset = null,
    int? NLayer = null,
    int? NHead = null,
    int? DModel = null,
    int? ContextLength = null,
    NormKind Norm = NormKind.LayerNorm,
    PositionKind Positions = PositionKind.Learned,
    AttentionKernel Attention = AttentionKernel.Sdpa);

/// <summary>Pre-training hyper-parameters shared by all phases, and the phases in order.</summary>
public sealed record PretrainSection(
    IReadOnlyList<PhaseSection> Phases,
    int BatchSize = 16,
    double Lr = 3e-3,
    double MinLrRatio = 0.1,
    LrScheduleKind Schedule = LrScheduleKind.Cosine,
    int WarmupSteps = 10,
    double WsdDecayFraction = 0.2,
    double WeightDecay = 0.1,
    double Beta1 = 0.9,
    double Beta2 = 0.95,
    double GradClip = 1.0,
    int GradAccum = 1,
    int EvalEvery = 50,
    int EvalBatches = 4,
    int CheckpointEvery = 100,
    double CheckpointMinutes = 10);

/// <summary>
/// One pre-training phase: which corpus and how many tokens. Phase <c>narrow</c> runs as stage
/// <c>pretrain_narrow</c>; a later phase continues from the previous one's final checkpoint. <c>LrSchedule</c>:
/// <c>rewarm</c> runs the whole schedule again over the phase (warmup back to the peak <c>pretrain.lr</c>, then
/// decay); <c>hold_final</c> (not for the first phase) holds the rate the schedule ended on, without warmup.
/// </summary>
public sealed record PhaseSection(string Name, string Corpus, long Tokens, bool ResetOptimizer = false, PhaseLrSchedule LrSchedule = PhaseLrSchedule.Rewarm);

/// <summary>The values of a phase's <c>lr_schedule</c>.</summary>
public enum PhaseLrSchedule
{
    Rewarm,
    HoldFinal,
}

/// <summary>The values of <c>pretrain.schedule</c> (<see cref="Training.LrSchedule"/>).</summary>
public enum LrScheduleKind
{
    Cosine,
    Constant,
    Wsd,
}

/// <summary>
/// RL fine-tuning on verifiable tasks from the gym (GRPO family). <c>held_out_tasks</c> are evaluated but appear in
/// no training data at all (no RL reward, no pre-training corpus); <c>unrewarded_tasks</c> are evaluated families
/// that pre-training may contain but RL does not reward.
/// </summary>
public sealed record RlSection(
    IReadOnlyDictionary<string, double> Tasks,
    RlAlgorithm Algorithm = RlAlgorithm.Grpo,
    IReadOnlyList<string>? HeldOutTasks = null,
    int Difficulty = 1,
    IReadOnlyList<DifficultyPoint>? DifficultySchedule = null,
    int Steps = 20,
    int PromptsPerStep = 4,
    int GroupSize = 8,
    int MaxNewTokens = 24,
    double Temperature = 1.0,
    double Lr = 1e-4,
    int UpdateEpochs = 1,
    double ClipLow = 0.2,
    double ClipHigh = 0.2,
    double KlCoef = 0.0,
    bool ScaleByStd = true,
    LossAggregation LossAggregation = LossAggregation.Token,
    bool DynamicSampling = false,
    int DynamicSamplingMaxRounds = 8,
    double OverlongPenalty = 0.0,
    int OverlongBuffer = 0,
    double GradClip = 1.0,
    IReadOnlyList<int>? EvalAtSteps = null,
    int EvalEvery = 10,
    int EvalProblems = 500,
    int PassK = 4,
    int CheckpointEvery = 10,
    int EvalSamples = 8,
    bool EvalGreedy = true,
    IReadOnlyList<string>? UnrewardedTasks = null,
    // The ScaleRL recipe's parts (Khatri et al. 2025; docs/pipelines.md, "ScaleRL recipe options"). Each is left out of
    // the resolved config_json at its default (JsonIgnore / null), so that identity-version-0 ids stay as they were.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] PolicyLossKind Loss = PolicyLossKind.ClippedSurrogate,
    double? CispoMaxRatio = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] AdvantageNormalization AdvantageNormalization = AdvantageNormalization.Group,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool ZeroVarianceFilter = false,
    double? DropSolvedThreshold = null,
    // The RL run's own seed (sampling, problem draws, evaluation problems), so that several RL seeds can start from one
    // pre-trained base; null = the experiment's seed, which also seeds pre-training. Left out of config_json when null.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Seed = null)
{
    /// <summary>CISPO's default truncation bound ε_max on the importance weight (docs/pipelines.md).</summary>
    public const double DefaultCispoMaxRatio = 4.0;

    /// <summary>The truncation bound CISPO uses: <see cref="CispoMaxRatio"/>, or its default.</summary>
    [JsonIgnore]
    public double EffectiveCispoMaxRatio => CispoMaxRatio ?? DefaultCispoMaxRatio;
}

/// <summary>The values of <c>rl.loss</c>: which policy objective the update minimises.</summary>
public enum PolicyLossKind
{
    /// <summary>PPO-style clipped surrogate (<see cref="ClippedSurrogateObjective"/>).</summary>
    ClippedSurrogate,

    /// <summary>Truncated importance-sampling REINFORCE (MiniMax-M1; <see cref="CispoObjective"/>).</summary>
    Cispo,
}

/// <summary>The values of <c>rl.advantage_normalization</c>: which standard deviation GRPO divides by.</summary>
public enum AdvantageNormalization
{
    /// <summary>Each group's own sample std (GRPO).</summary>
    Group,

    /// <summary>The sample std of every reward of the step's trained batch (ScaleRL).</summary>
    Batch,
}

/// <summary>From RL step <c>Step</c> on, training problems have this difficulty (a curriculum).</summary>
public sealed record DifficultyPoint(int Step, int Difficulty);

/// <summary>What the analysis stage does with the results once every run is done.</summary>
/// <summary>
/// The analysis stage's settings. <paramref name="DiscardBelow"/>: RL points below this fraction of their run's RL compute
/// are left out of the RL laws (the early regime; 0.1 is the analysis stage's default, <c>EarlyRegime.DefaultFraction</c>).
/// </summary>
public sealed record AnalysisSection(int Bootstrap = 200, long Seed = 0, double BacktestFraction = 0.5, double DiscardBelow = 0.1);
