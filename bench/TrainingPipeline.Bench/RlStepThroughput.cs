using System.Diagnostics;
using TorchSharp.Modules;
using TrainingPipeline.Model;
using TrainingPipeline.RL;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Bench;

/// <summary>
/// One RL step of config S (<c>rl_step_S</c>), with the pipeline's code: 8 prompts of 16 random tokens, 8
/// completions each (prompt-major) of exactly 32 tokens sampled at temperature 1 with no stop sequence through the
/// batched <see cref="Sampler.Generate(Gpt, IReadOnlyList{int[]}, SamplingOptions, Generator?, int)"/>, rewards from
/// <see cref="Reward"/>, <see cref="GroupRelativeAdvantages"/> (GRPO, divided by the group's std), then one
/// token-level <see cref="PolicyLoss"/> step over the 64 completions (one forward, backward, clip_grad_norm 1.0,
/// AdamW). bench/reference/gpt_bench.py does the same.
/// </summary>
public static class RlStepThroughput
{
    public const int WarmupSteps = 2;
    public const int DefaultTimedSteps = 5;

    public sealed record Result(double SamplesPerSecond, double MedianStepSeconds, double MedianSampleSeconds, double MedianUpdateSeconds,
        int Steps, double FirstMeanReward);

    /// <summary>64 / the median of <paramref name="steps"/> timed steps, after <see cref="WarmupSteps"/> untimed ones.</summary>
    public static Result Measure(AttentionKernel attention, int steps, int seed, Precision precision = Precision.Fp32)
    {
        using var rig = new RlStepRig(attention, seed, precision);
        double firstReward = rig.Step().MeanReward;
        for (int i = 1; i < WarmupSteps; i++) rig.Step();
        var timings = Enumerable.Range(0, steps).Select(_ => rig.Step()).ToList();
        double step = Median(timings.Select(t => t.SampleSeconds + t.UpdateSeconds));
        return new Result(RlStepRig.Completions / step, step, Median(timings.Select(t => t.SampleSeconds)),
            Median(timings.Select(t => t.UpdateSeconds)), steps, firstReward);
    }

    /// <summary>
    /// The cheap rule both stacks reward with: the fraction of completion tokens below 128 (ASCII bytes). Random
    /// weights give rewards spread around 0.5, so groups have non-zero advantages and the update moves the weights.
    /// </summary>
    public static double Reward(int[] completion) => completion.Count(t => t < 128) / (double)completion.Length;

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>A config-S model, its RL optimizer and the fixed prompts of <c>rl_step_S</c>; <see cref="Step"/> is one RL step.</summary>
public sealed class RlStepRig : IDisposable
{
    public const int Prompts = 8;
    public const int PromptLength = 16;
    public const int GroupSize = 8;
    public const int NewTokens = 32;
    public const int Completions = Prompts * GroupSize;

    private readonly Gpt _model;
    private readonly OptimizerHelper _optimizer;
    private readonly Generator _sampling;
    private readonly int[][] _prompts;
    private readonly SamplingOptions _options = new(NewTokens, Temperature: 1.0, UseKvCache: true, StopSequences: null);
    private readonly PolicyLossOptions _loss = new(0.2, 0.2, 0, LossAggregation.Token, NewTokens, Completions);

    public RlStepRig(AttentionKernel attention, int seed, Precision precision = Precision.Fp32)
    {
        manual_seed(seed);
        _model = new Gpt(BenchShape.S.Model(attention), precision);
        _model.train();
        // RlStage's optimizer: AdamW without weight decay.
        _optimizer = optim.AdamW(_model.parameters(), lr: 1e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.0);
        // Drawn from libtorch's generator, seeded as the Python peer seeds it, so both stacks get the same prompts.
        using var promptTensor = randint(BenchShape.VocabSize, new long[] { Prompts, PromptLength }, generator: new Generator((ulong)seed));
        var flat = promptTensor.data<long>().ToArray();
        _prompts = Enumerable.Range(0, Prompts).Select(p => flat.Skip(p * PromptLength).Take(PromptLength).Select(t => (int)t).ToArray()).ToArray();
        _sampling = new Generator((ulong)seed + 2000);
    }

    /// <summary>Samples the 64 completions, then takes one update; returns the seconds of each part and the mean reward.</summary>
    public (double SampleSeconds, double UpdateSeconds, double MeanReward) Step()
    {
        var clock = Stopwatch.StartNew();
        var generation = Sampler.Generate(_model, _prompts, _options, _sampling, GroupSize);
        double sampleSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        if (generation.Tokens.Length != Completions || generation.Tokens.Any(t => t.Length != NewTokens))
            throw new InvalidOperationException($"expected {Completions} completions of exactly {NewTokens} tokens (no stop sequence)");

        using var scope = NewDisposeScope();
        var rewards = generation.Tokens.Select(RlStepThroughput.Reward).ToArray();
        var advantages = new GroupRelativeAdvantages(scaleByStd: true).Estimate(rewards, GroupSize);
        // Prompt + completion, all of one length: inputs and targets shifted by one, completion targets masked in
        // (the layout of RolloutBatch, which needs task rollouts; these are random tokens).
        int length = PromptLength + NewTokens;
        var sequence = new long[Completions * length];
        for (int row = 0; row < Completions; row++)
        {
            for (int t = 0; t < PromptLength; t++) sequence[row * length + t] = _prompts[row / GroupSize][t];
            for (int t = 0; t < NewTokens; t++) sequence[row * length + PromptLength + t] = generation.Tokens[row][t];
        }
        var full = tensor(sequence).view(Completions, length);
        var inputs = full.narrow(1, 0, length - 1);
        var targets = full.narrow(1, 1, length - 1);
        var mask = zeros(Completions, length - 1);
        mask.narrow(1, PromptLength - 1, NewTokens).fill_(1);

        _optimizer.zero_grad();
        var logits = _model.forward(inputs).to_type(ScalarType.Float32);
        var logProbs = F.log_softmax(logits, -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
        // One update per batch (update_epochs = 1): the sampling policy is the current one, so its log-probs are these,
        // detached (TRL's num_iterations = 1), and no second forward is needed.
        var result = PolicyLoss.Compute(logProbs, logProbs.detach(), null, tensor(advantages.Select(a => (float)a).ToArray()), mask, _loss);
        result.Loss.backward();
        nn.utils.clip_grad_norm_(_model.parameters(), 1.0);
        _optimizer.step();
        return (sampleSeconds, clock.Elapsed.TotalSeconds, rewards.Average());
    }

    public void Dispose()
    {
        _sampling.Dispose();
        _optimizer.Dispose();
        _model.Dispose();
    }
}
