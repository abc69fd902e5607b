using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace TrainingPipeline.Results;

// Row types of the results dataset. Column names and meanings are documented in docs/results-schema.md; the
// partition key (run_id) lives in the folder name, not in these rows.

/// <summary>A change of a run's state: one row when it starts or resumes, one when it completes or fails.</summary>
public sealed class RunRecord
{
    [JsonPropertyName("experiment")] public string Experiment { get; set; } = "";
    [JsonPropertyName("stage")] public string Stage { get; set; } = "";
    [JsonPropertyName("parent_run_id")] public string? ParentRunId { get; set; }
    [JsonPropertyName("config_json")] public string ConfigJson { get; set; } = "";
    [JsonPropertyName("config_hash")] public string ConfigHash { get; set; } = "";
    [JsonPropertyName("seed")] public long Seed { get; set; }
    [JsonPropertyName("n_layer")] public int NLayer { get; set; }
    [JsonPropertyName("n_head")] public int NHead { get; set; }
    [JsonPropertyName("d_model")] public int DModel { get; set; }
    [JsonPropertyName("context_length")] public int ContextLength { get; set; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; }
    [JsonPropertyName("params_total")] public long ParamsTotal { get; set; }
    [JsonPropertyName("params_non_embedding")] public long ParamsNonEmbedding { get; set; }
    [JsonPropertyName("data_mixture")] public string DataMixture { get; set; } = "";
    [JsonPropertyName("git_commit")] public string GitCommit { get; set; } = "";
    [JsonPropertyName("package_versions")] public string PackageVersions { get; set; } = "";
    [JsonPropertyName("machine")] public string Machine { get; set; } = "";
    [JsonPropertyName("device")] public string Device { get; set; } = "";
    [JsonPropertyName("started_at"), ParquetTimestamp(ParquetTimestampResolution.Microseconds)]
    public DateTime StartedAt { get; set; }
    [JsonPropertyName("ended_at"), ParquetTimestamp(ParquetTimestampResolution.Microseconds)]
    public DateTime? EndedAt { get; set; }
    /// <summary>A <see cref="RunStatus"/> as its word (<see cref="RunStatuses.Name"/>).</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    /// <summary>What a reader of this run's numbers must know about its settings (e.g. that clip-higher had no
    /// effect), one note per line; null when there is none and in files written before the column.</summary>
    [JsonPropertyName("notes")] public string? Notes { get; set; }
    [JsonPropertyName("schema_version")] public int SchemaVersion { get; set; } = ResultTables.SchemaVersion;
    [JsonPropertyName("written_at"), ParquetTimestamp(ParquetTimestampResolution.Microseconds)]
    public DateTime WrittenAt { get; set; }
}

/// <summary>One optimizer step (pre-training) or RL iteration. RL-only columns are null for pre-training.</summary>
public sealed class StepRecord
{
    [JsonPropertyName("stage")] public string Stage { get; set; } = "";
    [JsonPropertyName("step")] public long Step { get; set; }
    [JsonPropertyName("tokens")] public long Tokens { get; set; }
    [JsonPropertyName("flops")] public double Flops { get; set; }
    [JsonPropertyName("run_flops")] public double RunFlops { get; set; }
    [JsonPropertyName("wall_seconds")] public double WallSeconds { get; set; }
    [JsonPropertyName("lr")] public double Lr { get; set; }
    [JsonPropertyName("loss")] public double? Loss { get; set; }
    [JsonPropertyName("grad_norm")] public double? GradNorm { get; set; }
    [JsonPropertyName("tokens_per_second")] public double TokensPerSecond { get; set; }
    [JsonPropertyName("reward_mean")] public double? RewardMean { get; set; }
    [JsonPropertyName("reward_std")] public double? RewardStd { get; set; }
    [JsonPropertyName("zero_std_fraction")] public double? ZeroStdFraction { get; set; }
    [JsonPropertyName("pass_rate")] public double? PassRate { get; set; }
    [JsonPropertyName("kl")] public double? Kl { get; set; }
    [JsonPropertyName("entropy")] public double? Entropy { get; set; }
    [JsonPropertyName("clip_fraction")] public double? ClipFraction { get; set; }
    [JsonPropertyName("response_length_mean")] public double? ResponseLengthMean { get; set; }
    [JsonPropertyName("truncation_rate")] public double? TruncationRate { get; set; }
    [JsonPropertyName("sample_seconds")] public double? SampleSeconds { get; set; }
    [JsonPropertyName("update_seconds")] public double? UpdateSeconds { get; set; }
    [JsonPropertyName("tokens_generated")] public long? TokensGenerated { get; set; }
    [JsonPropertyName("flops_sampling")] public double? FlopsSampling { get; set; }
    [JsonPropertyName("flops_training")] public double? FlopsTraining { get; set; }
    [JsonPropertyName("flops_reference")] public double? FlopsReference { get; set; }
    [JsonPropertyName("flops_parent")] public double? FlopsParent { get; set; }
    [JsonPropertyName("generation_rounds")] public long? GenerationRounds { get; set; }
    [JsonPropertyName("groups_trained")] public long? GroupsTrained { get; set; }
    [JsonPropertyName("written_at"), ParquetTimestamp(ParquetTimestampResolution.Microseconds)]
    public DateTime WrittenAt { get; set; }
}

/// <summary>One metric of one evaluation set at one step.</summary>
public sealed class EvalRecord
{
    [JsonPropertyName("stage")] public string Stage { get; set; } = "";
    [JsonPropertyName("step")] public long Step { get; set; }
    [JsonPropertyName("flops")] public double Flops { get; set; }
    [JsonPropertyName("run_flops")] public double RunFlops { get; set; }
    [JsonPropertyName("eval_set")] public string EvalSet { get; set; } = "";
    [JsonPropertyName("split")] public string Split { get; set; } = "";
    [JsonPropertyName("metric")] public string Metric { get; set; } = "";
    [JsonPropertyName("value")] public double Value { get; set; }
    [JsonPropertyName("n")] public long N { get; set; }
    [JsonPropertyName("stderr")] public double Stderr { get; set; }
    /// <summary>Completions per problem behind a task metric (n of Chen et al.; 1 for greedy); null for loss metrics.</summary>
    [JsonPropertyName("samples_per_problem")] public long? SamplesPerProblem { get; set; }
    /// <summary>Task metrics: the sampling temperature behind the value (0 for greedy); null for loss metrics.</summary>
    [JsonPropertyName("temperature")] public double? Temperature { get; set; }
    /// <summary>Task metrics: the completion-length limit in tokens; null for loss metrics.</summary>
    [JsonPropertyName("max_new_tokens")] public long? MaxNewTokens { get; set; }
    /// <summary>Task metrics: the difficulty of the evaluation problems; null for loss metrics.</summary>
    [JsonPropertyName("difficulty")] public int? Difficulty { get; set; }
    /// <summary>Task metrics: solved examples shown before each prompt (0: zero-shot); null for loss metrics and older
    /// files (which are zero-shot).</summary>
    [JsonPropertyName("shots")] public int? Shots { get; set; }
    [JsonPropertyName("written_at"), ParquetTimestamp(ParquetTimestampResolution.Microseconds)]
    public DateTime WrittenAt { get; set; }
}

/// <summary>
/// One evaluated task family of an RL run: how many of its evaluation prompts occur in the run's training data
/// (the pre-training corpora of every phase of its chain, and its RL prompts). Written by <c>run</c> before training.
/// </summary>
public sealed class ContaminationRecord
{
    /// <summary>Whose evaluations were checked: the training stage's own (<c>rl</c>, written by <c>run</c>) or the
    /// <c>eval</c> verb's; null in files written before the column (they hold <c>rl</c> rows only).</summary>
    [JsonPropertyName("stage")] public string? Stage { get; set; }
    [JsonPropertyName("eval_set")] public string EvalSet { get; set; } = "";
    [JsonPropertyName("split")] public string Split { get; set; } = "";
    [JsonPropertyName("difficulty")] public int Difficulty { get; set; }
    [JsonPropertyName("eval_prompts")] public long EvalPrompts { get; set; }
    [JsonPropertyName("in_pretraining")] public long InPretraining { get; set; }
    [JsonPropertyName("in_rl_prompts")] public long InRlPrompts { get; set; }
    [JsonPropertyName("contaminated")] public long Contaminated { get; set; }
    [JsonPropertyName("documents_scanned")] public long DocumentsScanned { get; set; }
    [JsonPropertyName("rl_prompts_scanned")] public long RlPromptsScanned { get; set; }
    [JsonPropertyName("allowed")] public bool Allowed { get; set; }
    [JsonPropertyName("written_at"), ParquetTimestamp(ParquetTimestampResolution.Microseconds)]
    public DateTime WrittenAt { get; set; }
}

/// <summary>Names of the tables and of the values that columns take.</summary>
public static class ResultTables
{
    public const string Runs = "runs";
    public const string Steps = "steps";
    public const string Evals = "evals";
    public const string Fits = "fits";
    public const string Contamination = "contamination";

    public const string InDistribution = "in_distribution";
    public const string HeldOut = "held_out";
    /// <summary>Task families seen in pre-training but not rewarded in RL (<c>rl.unrewarded_tasks</c>).</summary>
    public const string Unrewarded = "unrewarded";
    /// <summary>Task families RL rewards, but never at the evaluated difficulty (transfer across difficulty).</summary>
    public const string OtherDifficulty = "other_difficulty";
    /// <summary>Task families in none of the run's training data (neither its pre-training lineage nor its RL) that the
    /// spec does not declare held out: e.g. a family named with <c>eval --tasks</c>, or an unrewarded family that this
    /// run's lineage does not contain.</summary>
    public const string Untrained = "untrained";
    /// <summary>
    /// Loss of a training domain with too few distinct documents for an evaluation set disjoint from the run's training
    /// corpus (e.g. one-digit sums: 100 problems), measured on a separate sample that may repeat training documents:
    /// a fit to seen data, never a generalisation measure. The analysis leaves these rows out of every loss law.
    /// </summary>
    public const string TrainSample = "train_sample";

    /// <summary>
    /// Task metrics of the <c>eval</c> verb measured on problems of the family's <c>train</c> split
    /// (<c>eval --problem-split train</c>): problems training draws from, so the score RL optimises, like for like with
    /// the eval split's. Never a generalisation measure; the contamination check leaves them out (they are training
    /// problems by design) and the analysis never fits a law to them.
    /// </summary>
    public const string TrainProblems = "train_problems";

    /// <summary>
    /// Version of the dataset's schema (docs/results-schema.md), written in every <c>runs</c> row. 2: task metrics
    /// renamed (<c>pass@1</c> is sampled, <c>greedy_accuracy</c> is greedy), <c>samples_per_problem</c> in evals,
    /// the <c>unrewarded</c> split and the <c>contamination</c> table. Rows without the column are version 1.
    /// </summary>
    public const int SchemaVersion = 2;
}
