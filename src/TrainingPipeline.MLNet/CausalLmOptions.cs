using TrainingPipeline.Data;
using TrainingPipeline.Model;

namespace TrainingPipeline.MLNet;

/// <summary>
/// How <see cref="CausalLmEstimator"/> loads a checkpoint and how the resulting transformer generates.
/// </summary>
/// <param name="CheckpointFolder">A run folder <c>models/&lt;experiment&gt;/&lt;run id&gt;/</c> holding <c>LATEST</c>; its latest checkpoint is loaded.</param>
/// <param name="Model">The shape the checkpoint was trained with (e.g. <c>PlannedRun.Pretrain.Model</c>); a mismatch is bad input.</param>
/// <param name="MaxNewTokens">Generation stops after this many tokens (or earlier at a blank line or end of document, as in RL).</param>
/// <param name="Temperature">0 is greedy decoding; above 0 samples, seeded per row from <paramref name="Seed"/>.</param>
/// <param name="Seed">Seeds sampling; row i always draws from the same stream, so repeated passes over the data agree.</param>
/// <param name="TaskFamily">A task family name (see <c>TaskRegistry.Names</c>, or <c>gsm8k</c> with <paramref name="TaskFile"/>); with an Answer column it adds a Reward column.</param>
/// <param name="TaskFile">The GSM8K-style JSONL the prompts came from, when <paramref name="TaskFamily"/> is <c>gsm8k</c>.</param>
/// <param name="Tokenizer">The tokenizer the checkpoint was trained with; the byte tokenizer when null.</param>
/// <param name="Device">Where the model runs: cpu, cuda or auto.</param>
public sealed record CausalLmOptions(
    string CheckpointFolder,
    ModelConfig Model,
    int MaxNewTokens = 64,
    double Temperature = 0,
    long Seed = 0,
    string? TaskFamily = null,
    string? TaskFile = null,
    ITextTokenizer? Tokenizer = null,
    string Device = "cpu");

/// <summary>Column names the causal-LM transformer reads and writes.</summary>
public static class CausalLmColumns
{
    /// <summary>Input (text): what the model continues.</summary>
    public const string Prompt = "Prompt";
    /// <summary>Optional input (text): the bare final answer the task verifier checks against.</summary>
    public const string Answer = "Answer";
    /// <summary>Optional input (text): a row's task family; with a Reward column it must name the options' family.</summary>
    public const string Family = "Family";
    /// <summary>Optional input (Int32): a gym problem's difficulty, used to regenerate hidden test cases for code families.</summary>
    public const string Difficulty = "Difficulty";
    /// <summary>Optional input (Int64): a gym problem's seed (for gsm8k its line index), used with <see cref="Difficulty"/>.</summary>
    public const string Seed = "Seed";
    /// <summary>Output (text): the generated continuation, stop sequence included, end-of-document tokens removed.</summary>
    public const string Completion = "Completion";
    /// <summary>Output (Single): the sum of the completion tokens' log-probabilities under the model (temperature 1).</summary>
    public const string LogProbability = "LogProbability";
    /// <summary>Output (Single): the task verifier's reward in [0, 1]; only with an Answer column and a task family.</summary>
    public const string Reward = "Reward";
}
