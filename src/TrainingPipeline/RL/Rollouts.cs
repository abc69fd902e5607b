using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Tasks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.RL;

/// <summary>One sampled completion of one prompt, with its verdict.</summary>
public sealed record Rollout(
    int Group,
    ITaskFamily Family,
    TaskProblem Problem,
    int[] PromptTokens,
    int[] CompletionTokens,
    bool Truncated,
    Verdict Verdict,
    double Reward);

/// <summary>The project's FLOP convention applied to rollouts (docs/results-schema.md, "FLOPs").</summary>
public static class RolloutFlops
{
    /// <summary>
    /// Forward FLOPs of one pass over each rollout: its p prompt tokens and all but the last of its c completion
    /// tokens are fed (the last is only predicted), p + c − 1 positions at the rollout's own length, no padding.
    /// </summary>
    public static double Forward(ModelConfig model, IEnumerable<Rollout> rollouts) =>
        rollouts.Sum(r => model.ForwardFlops(r.PromptTokens.Length + r.CompletionTokens.Length - 1));
}

/// <summary>Prompt + completion token sequences of a batch of rollouts, right-padded, with the completion mask.</summary>
public sealed class RolloutBatch : IDisposable
{
    /// <summary>[B, T−1] input tokens.</summary>
    public Tensor Inputs { get; }
    /// <summary>[B, T−1] next tokens (what was predicted).</summary>
    public Tensor Targets { get; }
    /// <summary>[B, T−1] 1 where the target is a completion token.</summary>
    public Tensor Mask { get; }
    /// <summary>Tokens processed by one forward pass over the batch (prompt + completion, no padding).</summary>
    public long Tokens { get; }

    public RolloutBatch(IReadOnlyList<Rollout> rollouts, Device device)
    {
        int length = rollouts.Max(r => r.PromptTokens.Length + r.CompletionTokens.Length);
        int b = rollouts.Count;
        var sequence = new long[b * length];
        var mask = new float[b * (length - 1)];
        for (int i = 0; i < b; i++)
        {
            var r = rollouts[i];
            int p = r.PromptTokens.Length, c = r.CompletionTokens.Length;
            for (int t = 0; t < p; t++) sequence[i * length + t] = r.PromptTokens[t];
            for (int t = 0; t < c; t++) sequence[i * length + p + t] = r.CompletionTokens[t];
            // Target position t predicts token t+1: completion tokens sit at p .. p+c−1.
            for (int t = p - 1; t < p + c - 1; t++) mask[i * (length - 1) + t] = 1;
            Tokens += p + c;
        }
        using var full = tensor(sequence, device: device).view(b, length);
        Inputs = full.narrow(1, 0, length - 1).contiguous().DetachFromDisposeScope();
        Targets = full.narrow(1, 1, length - 1).contiguous().DetachFromDisposeScope();
        Mask = tensor(mask, device: device).view(b, length - 1).DetachFromDisposeScope();
    }

    /// <summary>
    /// Log-probabilities [B, T−1] of the target tokens under the policy that sampled them, softmax(logits / T) as
    /// the sampler draws (TRL's <c>_get_per_token_logps</c>, verl's actor), and the mean entropy of that
    /// distribution over completion tokens. Without the division the ratio, KL and gradient would belong to
    /// another policy than the one that generated the batch.
    /// </summary>
    public (Tensor LogProbs, double Entropy) LogProbs(Gpt model, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the policy's temperature must be > 0");
        var logits = model.forward(Inputs).to_type(ScalarType.Float32); // fp32 logits for the policy ratio
        if (temperature != 1.0) logits = logits / temperature;
        var logSoftmax = F.log_softmax(logits, -1);
        var taken = logSoftmax.gather(-1, Targets.unsqueeze(-1)).squeeze(-1);
        double entropy;
        using (no_grad())
        {
            var perPosition = -(logSoftmax.exp() * logSoftmax).sum(-1);
            entropy = (perPosition * Mask).sum().item<float>() / Math.Max(1.0, Mask.sum().item<float>());
        }
        return (taken, entropy);
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        Mask.Dispose();
    }
}

/// <summary>Turns a task problem into model tokens and model tokens back into a completion to score.</summary>
public sealed class TaskCodec(ITextTokenizer tokenizer)
{
    /// <summary>
    /// Generation stops at a blank line (the end of an answer) or at the end-of-document token. A BPE can spell the
    /// blank line as one token ("\n\n" at the end of a text) or as two ("\n" then "\n" before more text, as its
    /// pre-tokenizer splits it), so both spellings stop; for the byte tokenizer they are the same sequence.
    /// </summary>
    public IReadOnlyList<int[]> StopSequences { get; } = new[]
        {
            tokenizer.Encode("\n\n"),
            tokenizer.Encode("\n").Concat(tokenizer.Encode("\n")).ToArray(),
            new[] { tokenizer.EndOfDocument },
        }
        .DistinctBy(s => string.Join(',', s)).ToArray();

    public int[] EncodePrompt(TaskProblem problem) => tokenizer.Encode(problem.Prompt);

    public string DecodeCompletion(int[] tokens) =>
        tokenizer.Decode(tokens.Where(t => t != tokenizer.EndOfDocument).ToArray());
}
