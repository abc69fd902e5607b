using System.Diagnostics;
using System.Text.Json;
using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainingPipeline.RL;

/// <summary>
/// RL fine-tuning on verifiable tasks with the GRPO family: each step samples groups of completions per prompt with
/// the KV-cache sampler, scores them with the gym's verifiers, turns rewards into advantages, and takes clipped
/// policy-gradient steps. All randomness of a step is a pure function of (seed, step), so a resumed run samples
/// exactly what the uninterrupted run would have.
/// </summary>
public sealed class RlStage(RunEnvironment env, string experiment, Func<string, ITaskFamily>? families = null)
{
    private readonly Func<string, ITaskFamily> _families = families ?? TaskRegistry.Get;

    private const string FlopsSampling = "flops_sampling";
    private const string FlopsTraining = "flops_training";
    private const string FlopsReference = "flops_reference";

    public void Run(PlannedRun run)
    {
        var config = run.Rl ?? throw new ArgumentException("not an RL run", nameof(run));
        Precisions.EnsureSupported(config.Precision, env.Device);
        var rl = config.Rl;
        var tokenizer = SpecResolver.ResolveTokenizer(config.Tokenizer);
        var codec = new TaskCodec(tokenizer);
        var mixture = rl.Tasks.Select(t => (Family: _families(t.Key), t.Value)).ToList();
        double totalWeight = mixture.Sum(m => m.Value);
        var heldOut = (rl.HeldOutTasks ?? []).Select(_families).ToList();
        var unrewarded = (rl.UnrewardedTasks ?? []).Select(_families).ToList();

        manual_seed(config.Seed);
        using var model = new Gpt(config.Model, config.Precision);
        model.to(env.Device);
        using var optimizer = optim.AdamW(model.parameters(), lr: rl.Lr, beta1: 0.9, beta2: 0.95, weight_decay: 0.0);
        // The reference model (the parent's weights) is loaded before Start rolls back any parts, so a damaged parent
        // checkpoint stops the run with nothing changed.
        using var reference = rl.KlCoef > 0 ? LoadReference(config, run.ParentId!) : null;
        var loop = new TrainingLoop(env, experiment, run);
        var start = loop.Start(model, optimizer, withParentOptimizer: false);
        var evalSteps = new HashSet<int>(rl.EvalAtSteps ?? []) { rl.Steps };

        IEnumerable<EvalRecord> Evaluate(TrainingState state)
        {
            var rows = new List<EvalRecord>();
            var options = EvalOptions(rl, config.Seed);
            // Labelled by this run's own lineage: an unrewarded family its pre-training never saw is untrained here.
            foreach (var family in mixture.Select(m => m.Family).Concat(heldOut).Concat(unrewarded))
            {
                string split = EvalSplits.Of(family, options.Difficulty, rl, config.PretrainedFamilies);
                foreach (var metric in TaskEvaluator.Evaluate(model, tokenizer, family, options, env.Device))
                    rows.Add(metric.ToRecord(run.Stage, state.Step, state, split));
            }
            return rows;
        }

        StepOutcome Step(long longStep, TrainingState state)
        {
            int step = (int)longStep;
            // The FLOP counters travel in the state, so that a resumed run continues their sums.
            var counters = new Dictionary<string, double>(state.Counters ?? new Dictionary<string, double>());
            var dropped = new HashSet<string>(state.DroppedProblems ?? [], StringComparer.Ordinal);
            var sampleTimer = Stopwatch.StartNew();
            var batch = SampleStep(model, codec, mixture, totalWeight, config, step, dropped);
            double sampleSeconds = sampleTimer.Elapsed.TotalSeconds;
            FaultInjection.At(FaultInjection.Sites.RlSampled);
            long generated = batch.Sampled.Sum(r => (long)r.CompletionTokens.Length);
            // The FLOP convention counts every rollout's prompt, though the sampler prefills it once per group
            // (results-schema.md, "FLOP convention"), then all but its last sampled token.
            double sequenceForward = RolloutFlops.Forward(config.Model, batch.Sampled);
            counters[FlopsSampling] = counters.GetValueOrDefault(FlopsSampling) + sequenceForward;

            var updateTimer = Stopwatch.StartNew();
            var (trained, advantages) = TrainedWithAdvantages(batch.Trained, rl);
            var update = Update(model, reference, optimizer, trained, advantages, rl);
            double updateSeconds = updateTimer.Elapsed.TotalSeconds;
            double trainedForward = RolloutFlops.Forward(config.Model, trained);
            // Forward + backward (3×) per epoch; the old-policy forward only when it is taken (update_epochs > 1).
            counters[FlopsTraining] = counters.GetValueOrDefault(FlopsTraining) +
                trainedForward * (3.0 * rl.UpdateEpochs + (update.OldPolicyForward ? 1 : 0));
            counters[FlopsReference] = counters.GetValueOrDefault(FlopsReference) + (update.ReferenceForward ? trainedForward : 0);
            double runFlops = counters[FlopsSampling] + counters[FlopsTraining] + counters[FlopsReference];
            double seconds = sampleSeconds + updateSeconds;
            state = state with
            {
                Step = step,
                Tokens = state.Tokens + update.TrainedTokens,
                RunFlops = runFlops,
                WallSeconds = state.WallSeconds + seconds,
                Counters = counters,
                DroppedProblems = rl.DropSolvedThreshold is { } threshold ? DropSolved(dropped, batch.Sampled, rl.GroupSize, threshold) : null,
            };

            // Reward statistics describe the policy at this step: the first round's prompts_per_step groups, an
            // unbiased sample whatever dynamic sampling added (its extra rounds are selected for signal).
            var rollouts = batch.FirstRound;
            var rewards = rollouts.Select(r => r.Reward).ToArray();
            double rewardMean = rewards.Average();
            int groups = rewards.Length / rl.GroupSize;
            double tokensPerSecond = generated / Math.Max(seconds, 1e-9);
            return new StepOutcome(state, new StepRecord
            {
                Stage = run.Stage.ToString(),
                Step = step,
                Tokens = state.Tokens,
                Flops = state.ParentFlops + runFlops,
                RunFlops = runFlops,
                WallSeconds = state.WallSeconds,
                Lr = rl.Lr,
                Loss = update.PolicyLoss,
                GradNorm = update.GradNorm,
                TokensPerSecond = tokensPerSecond,
                RewardMean = rewardMean,
                RewardStd = Math.Sqrt(rewards.Sum(r => (r - rewardMean) * (r - rewardMean)) / rewards.Length),
                ZeroStdFraction = 1.0 - (double)GroupsWithSignal(rollouts, rl.GroupSize).Count / groups,
                PassRate = rollouts.Count(r => r.Verdict.Reward >= 1) / (double)rollouts.Count,
                Kl = update.Kl,
                Entropy = update.Entropy,
                ClipFraction = update.ClipFraction,
                ResponseLengthMean = rollouts.Average(r => r.CompletionTokens.Length),
                TruncationRate = rollouts.Count(r => r.Truncated) / (double)rollouts.Count,
                SampleSeconds = sampleSeconds,
                UpdateSeconds = updateSeconds,
                TokensGenerated = generated,
                FlopsSampling = counters[FlopsSampling],
                FlopsTraining = counters[FlopsTraining],
                FlopsReference = counters[FlopsReference],
                FlopsParent = state.ParentFlops,
                GenerationRounds = batch.Rounds,
                GroupsTrained = trained.Count / rl.GroupSize,
                WrittenAt = DateTime.UtcNow,
            }, rewardMean, tokensPerSecond);
        }

        loop.Run(start, model, optimizer, new TrainingLoopStage
        {
            TotalSteps = rl.Steps,
            Description = $"{RlAlgorithms.Name(rl.Algorithm)}, tasks {string.Join("+", rl.Tasks.Keys)}, {rl.PromptsPerStep}×{rl.GroupSize} samples/step",
            StartNote = rl.UpdateEpochs == 1 && rl.ClipHigh != rl.ClipLow
                ? "note: update_epochs = 1 keeps the policy ratio at exactly 1, so clip_low / clip_high (clip-higher) change nothing; " +
                  "they act only with update_epochs > 1"
                : null,
            DataMixtureJson = JsonSerializer.Serialize(rl.Tasks),
            ProgressMetric = "reward",
            Step = Step,
            EvaluatesAt = step => step % rl.EvalEvery == 0 || evalSteps.Contains((int)step),
            Evaluate = Evaluate,
            Summary = end => FormattableString.Invariant($"{rl.Steps} steps, {end.RunFlops:E2} RL FLOPs, {end.WallSeconds:F1} s"),
            CheckpointEvery = rl.CheckpointEvery,
        });
    }

    /// <summary>How an RL run evaluates its task families (also what the contamination check draws).</summary>
    public static TaskEvalOptions EvalOptions(RlSection rl, long seed) =>
        new(rl.EvalProblems, rl.Difficulty, rl.EvalSamples, rl.PassK, rl.MaxNewTokens, rl.Temperature, seed, rl.EvalGreedy);

    // The parent as stored (run.ParentId), which is its legacy id when an older version trained it.
    private Gpt LoadReference(RlRunConfig config, string parentId)
    {
        var reference = new Gpt(config.Model, config.Precision);
        reference.to(env.Device);
        new CheckpointStore(env.RunDirectory(experiment, parentId)).Load(parentId, reference, optimizer: null);
        reference.eval();
        foreach (var p in reference.parameters()) p.requires_grad = false;
        return reference;
    }

    /// <summary>A training problem: a family picked by weight, then a problem of its train split.</summary>
    private static (ITaskFamily Family, TaskProblem Problem) DrawProblem(SplitMix64 rng, List<(ITaskFamily Family, double Weight)> mixture,
        double totalWeight, RlSection rl, int step)
    {
        double pick = rng.NextDouble() * totalWeight;
        var family = mixture[^1].Family;
        foreach (var (f, w) in mixture)
        {
            if (pick < w) { family = f; break; }
            pick -= w;
        }
        var problem = ProblemSplits.Generate(family, rng.NextSeed(), Math.Min(TaskMixture.DifficultyAt(rl, step), family.MaxDifficulty), ProblemSplit.Train);
        return (family, problem);
    }

    /// <summary>
    /// Every training prompt an RL run can draw, drawn again exactly as <see cref="Sample"/> draws them (the round's
    /// first seed goes to the sampling generator, then one family pick and one problem per prompt group). With dynamic
    /// sampling every round up to the bound is included, and with <c>drop_solved_threshold</c> every redraw a prompt
    /// could need (<see cref="MaxRedraws"/>): a superset of the prompts a run actually uses.
    /// </summary>
    public static IEnumerable<TaskProblem> TrainingProblems(RlRunConfig config, Func<string, ITaskFamily> families)
    {
        var rl = config.Rl;
        var mixture = rl.Tasks.Select(t => (Family: families(t.Key), t.Value)).ToList();
        double totalWeight = mixture.Sum(m => m.Value);
        int rounds = rl.DynamicSampling ? rl.DynamicSamplingMaxRounds : 1;
        for (int step = 1; step <= rl.Steps; step++)
        {
            for (int round = 0; round < rounds; round++)
            {
                var rng = RoundRng(config.Seed, step, round);
                _ = rng.NextSeed(); // the sampling generator's seed
                for (int g = 0; g < rl.PromptsPerStep; g++)
                {
                    yield return DrawProblem(rng, mixture, totalWeight, rl, step).Problem;
                    if (rl.DropSolvedThreshold is null) continue;
                    for (int attempt = 1; attempt <= MaxRedraws; attempt++)
                        yield return DrawProblem(RedrawRng(config.Seed, step, round, g, attempt), mixture, totalWeight, rl, step).Problem;
                }
            }
        }
    }

    /// <summary>Round 0 is seeded by (seed, step), a later dynamic-sampling round by (seed, step, round).</summary>
    private static SplitMix64 RoundRng(long seed, int step, int round)
    {
        long stepSeed = SplitMix64.Combine(seed, step);
        return new SplitMix64(round == 0 ? stepSeed : SplitMix64.Combine(stepSeed, round));
    }

    /// <summary>
    /// How many times a prompt whose problem was dropped (<c>drop_solved_threshold</c>) is redrawn before the run stops
    /// with an error: a train split that many draws cannot find a fresh problem in is nearly exhausted for this policy.
    /// </summary>
    public const int MaxRedraws = 32;

    /// <summary>
    /// The generator of redraw <paramref name="attempt"/> of prompt <paramref name="prompt"/>: its own stream, so that the
    /// round's other draws (and every run without dropped problems) are exactly what they were, and the contamination
    /// check can enumerate every redraw.
    /// </summary>
    private static SplitMix64 RedrawRng(long seed, int step, int round, int prompt, int attempt)
    {
        long roundSeed = SplitMix64.Combine(SplitMix64.Combine(seed, step), round);
        return new SplitMix64(SplitMix64.Combine(SplitMix64.Combine(roundSeed, prompt), attempt));
    }

    /// <summary>
    /// A training problem for prompt <paramref name="prompt"/> of a round that is not in <paramref name="dropped"/>: the
    /// round's own draw, else redraws from <see cref="RedrawRng"/>. A problem is recognised by its canonical key
    /// (<see cref="ProblemKeys.Key(TaskProblem)"/>, what splits and contamination use), so an equivalent prompt is the same problem.
    /// </summary>
    internal static (ITaskFamily Family, TaskProblem Problem) DrawFreshProblem(SplitMix64 rng, List<(ITaskFamily Family, double Weight)> mixture,
        double totalWeight, RlRunConfig config, int step, int round, int prompt, IReadOnlySet<string> dropped)
    {
        var drawn = DrawProblem(rng, mixture, totalWeight, config.Rl, step);
        for (int attempt = 1; dropped.Count > 0 && dropped.Contains(ProblemKeys.Key(drawn.Problem)); attempt++)
        {
            if (attempt > MaxRedraws)
                throw new InvalidOperationException(
                    $"rl.drop_solved_threshold: at step {step} no problem the policy has not solved was found in {MaxRedraws + 1} draws " +
                    $"({dropped.Count} problems dropped so far); the train split at this difficulty is nearly exhausted. " +
                    "Use a higher rl.difficulty (or a difficulty_schedule), a broader task mixture, fewer rl.steps, or a higher threshold");
            drawn = DrawProblem(RedrawRng(config.Seed, step, round, prompt, attempt), mixture, totalWeight, config.Rl, step);
        }
        return drawn;
    }

    /// <summary>
    /// The dropped set after a step: every problem one of whose sampled groups (any round) had a pass rate (share of
    /// completions the verifier accepts, reward ≥ 1, as <c>pass_rate</c> counts them) of at least the threshold. ScaleRL's
    /// "no positive resampling". Sorted, so state.json is the same for the same set.
    /// </summary>
    internal static IReadOnlyList<string> DropSolved(IReadOnlySet<string> dropped, IReadOnlyList<Rollout> sampled, int groupSize, double threshold)
    {
        var next = new SortedSet<string>(dropped, StringComparer.Ordinal);
        for (int start = 0; start < sampled.Count; start += groupSize)
        {
            int passed = 0;
            for (int j = start; j < start + groupSize; j++) if (sampled[j].Verdict.Reward >= 1) passed++;
            // The pass rate against the threshold, not passed ≥ threshold·group: 0.28 × 25 is 7.000000000000001 in
            // doubles, which would keep a problem solved 7 times in 25 although 7/25 = 0.28 exactly.
            if ((double)passed / groupSize >= threshold) next.Add(ProblemKeys.Key(sampled[start].Problem));
        }
        return [.. next];
    }

    /// <summary>
    /// The rollouts the update trains on and their advantages. Advantages come from the whole trained batch (batch-level
    /// normalisation sees every group); with <c>zero_variance_filter</c> the groups whose rewards (as the advantages see
    /// them, any overlong penalty included) all agree are then left out, so they count in no loss denominator. Unlike
    /// dynamic sampling nothing is resampled: the step trains on fewer groups (<c>groups_trained</c>).
    /// </summary>
    internal static (List<Rollout> Rollouts, double[] Advantages) TrainedWithAdvantages(List<Rollout> batch, RlSection rl)
    {
        if (batch.Count == 0) return (batch, []);
        var rewards = batch.Select(r => r.Reward).ToArray();
        var advantages = RlAlgorithms.AdvantagesFor(rl).Estimate(rewards, rl.GroupSize);
        if (!rl.ZeroVarianceFilter) return (batch, advantages);
        var kept = Advantages.GroupsWithSignal(rewards, rl.GroupSize)
            .SelectMany(g => Enumerable.Range(g * rl.GroupSize, rl.GroupSize)).ToList();
        return ([.. kept.Select(i => batch[i])], [.. kept.Select(i => advantages[i])]);
    }

    /// <summary>A step's completions: the first round, all rounds, and the groups the update trains on.</summary>
    private sealed record StepBatch(List<Rollout> FirstRound, List<Rollout> Sampled, List<Rollout> Trained, int Rounds);

    /// <summary>
    /// One round of <c>prompts_per_step</c> groups, trained as sampled; or, with dynamic sampling (DAPO), rounds of
    /// fresh groups until <c>prompts_per_step</c> groups whose verifier rewards differ are collected (surplus groups of the
    /// last round are dropped). After <c>dynamic_sampling_max_rounds</c> rounds the step trains on the groups with
    /// signal it has, possibly none; the steps table records <c>generation_rounds</c> and <c>groups_trained</c>.
    /// </summary>
    private StepBatch SampleStep(Gpt model, TaskCodec codec, List<(ITaskFamily Family, double Weight)> mixture, double totalWeight,
        RlRunConfig config, int step, IReadOnlySet<string> dropped)
    {
        var rl = config.Rl;
        var first = Sample(model, codec, mixture, totalWeight, config, step, round: 0, dropped);
        if (!rl.DynamicSampling) return new StepBatch(first, first, first, 1);
        int wanted = rl.PromptsPerStep * rl.GroupSize;
        var sampled = new List<Rollout>(first);
        var trained = new List<Rollout>();
        var current = first;
        for (int round = 1; ; round++)
        {
            foreach (int g in GroupsWithSignal(current, rl.GroupSize))
                if (trained.Count < wanted) trained.AddRange(current.Skip(g * rl.GroupSize).Take(rl.GroupSize));
            if (trained.Count == wanted || round == rl.DynamicSamplingMaxRounds) return new StepBatch(first, sampled, trained, round);
            current = Sample(model, codec, mixture, totalWeight, config, step, round, dropped);
            sampled.AddRange(current);
        }
    }

    /// <summary>
    /// The groups whose verifier rewards (accuracy) differ, 0 &lt; #correct &lt; G for 0/1 rewards: DAPO's filter (eq. 11,
    /// verl's <c>filter_groups.metric: acc</c>). Not the shaped reward: with an overlong penalty an all-correct or
    /// all-wrong group of different lengths would pass as signal although its answers do not differ.
    /// </summary>
    internal static IReadOnlyList<int> GroupsWithSignal(IReadOnlyList<Rollout> rollouts, int groupSize) =>
        Advantages.GroupsWithSignal([.. rollouts.Select(r => r.Verdict.Reward)], groupSize);

    /// <summary>
    /// Samples <c>prompts_per_step</c> problems from the mixture and a group of completions for each. Round 0 is
    /// seeded by (seed, step), a later dynamic-sampling round by (seed, step, round), so resumes stay exact.
    /// </summary>
    private List<Rollout> Sample(Gpt model, TaskCodec codec, List<(ITaskFamily Family, double Weight)> mixture, double totalWeight,
        RlRunConfig config, int step, int round, IReadOnlySet<string> dropped)
    {
        var rl = config.Rl;
        var rng = RoundRng(config.Seed, step, round);
        using var generator = new Generator((ulong)rng.NextSeed());
        var drawn = new List<(ITaskFamily Family, TaskProblem Problem, int[] Prompt)>();
        for (int g = 0; g < rl.PromptsPerStep; g++)
        {
            var (family, problem) = DrawFreshProblem(rng, mixture, totalWeight, config, step, round, g, dropped);
            var prompt = codec.EncodePrompt(problem);
            if (config.Model.ContextLength - prompt.Length <= 0)
                throw new InvalidOperationException($"a {family.Name} prompt of {prompt.Length} tokens does not fit the context of {config.Model.ContextLength}; " +
                    "use a longer model.context_length or a lower rl.difficulty (or difficulty_schedule)");
            drawn.Add((family, problem, prompt));
        }
        // All groups of the round in one batched generation: each prompt is prefilled once for its group.
        var generation = Sampler.Generate(model, drawn.Select(d => d.Prompt).ToList(),
            new SamplingOptions(rl.MaxNewTokens, rl.Temperature, StopSequences: codec.StopSequences), generator, rl.GroupSize);
        var rollouts = new List<Rollout>();
        for (int g = 0; g < drawn.Count; g++)
        {
            var (family, problem, prompt) = drawn[g];
            for (int j = 0; j < rl.GroupSize; j++)
            {
                int row = g * rl.GroupSize + j;
                var verdict = family.Score(problem, codec.DecodeCompletion(generation.Tokens[row]));
                double reward = verdict.Reward - OverlongPenalty.For(generation.Tokens[row].Length, generation.Truncated[row],
                    rl.MaxNewTokens, rl.OverlongPenalty, rl.OverlongBuffer);
                rollouts.Add(new Rollout(g, family, problem, prompt, generation.Tokens[row], generation.Truncated[row], verdict, reward));
            }
        }
        return rollouts;
    }

    /// <summary>The update's statistics; null when there was no update (dynamic sampling found no group with signal).</summary>
    private sealed record UpdateStats(double? PolicyLoss, double? GradNorm, double? Kl, double? Entropy, double? ClipFraction,
        long TrainedTokens, bool OldPolicyForward, bool ReferenceForward);

    /// <summary><c>update_epochs</c> policy-gradient steps on the batch with its advantages.</summary>
    private UpdateStats Update(Gpt model, Gpt? reference, TorchSharp.Modules.OptimizerHelper optimizer, List<Rollout> rollouts,
        double[] advantages, RlSection rl)
    {
        // Dynamic sampling or the zero-variance filter left no group with signal: nothing to learn from this step.
        if (rollouts.Count == 0) return new UpdateStats(null, null, null, null, null, 0, false, false);

        using var scope = NewDisposeScope();
        using var batch = new RolloutBatch(rollouts, env.Device);
        var advantageTensor = tensor(advantages.Select(a => (float)a).ToArray(), device: env.Device);
        // With one epoch the policy being updated is the one that sampled the batch, so the old log-probs are the
        // current ones detached (ratio exactly 1) and a separate old-policy forward would only repeat them.
        Tensor? oldLogProbs = null, referenceLogProbs = null;
        model.train();
        using (no_grad())
        {
            if (rl.UpdateEpochs > 1) oldLogProbs = batch.LogProbs(model, rl.Temperature).LogProbs.detach();
            if (reference is not null) referenceLogProbs = batch.LogProbs(reference, rl.Temperature).LogProbs.detach();
        }
        var objective = RlAlgorithms.ObjectiveFor(rl);
        double policyLoss = 0, gradNorm = 0, entropy = 0, clip = 0;
        double? kl = null;
        for (int epoch = 0; epoch < rl.UpdateEpochs; epoch++)
        {
            using var epochScope = NewDisposeScope();
            optimizer.zero_grad();
            var (logProbs, epochEntropy) = batch.LogProbs(model, rl.Temperature);
            var result = objective.Compute(logProbs, oldLogProbs ?? logProbs.detach(), referenceLogProbs, advantageTensor, batch.Mask);
            result.Loss.backward();
            gradNorm = nn.utils.clip_grad_norm_(model.parameters(), rl.GradClip > 0 ? rl.GradClip : double.MaxValue);
            optimizer.step();
            policyLoss = result.PolicyLoss;
            kl = result.Kl;
            clip = result.ClipFraction;
            entropy = epochEntropy;
        }
        return new UpdateStats(policyLoss, gradNorm, kl, entropy, clip, batch.Tokens * rl.UpdateEpochs, oldLogProbs is not null,
            referenceLogProbs is not null);
    }
}
