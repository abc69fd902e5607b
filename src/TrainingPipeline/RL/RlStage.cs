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

        manual_seed(config.Seed);
        using var model = new Gpt(config.Model, config.Precision);
        model.to(env.Device);
        using var optimizer = optim.AdamW(model.parameters(), lr: rl.Lr, beta1: 0.9, beta2: 0.95, weight_decay: 0.0);
        var store = new CheckpointStore(env.RunDirectory(experiment, run.Id));
        var results = env.Results;
        // The reference model (the parent's weights) is loaded before Start rolls back any parts, so a damaged parent
        // checkpoint stops the run with nothing changed.
        using var reference = rl.KlCoef > 0 ? LoadReference(config) : null;
        var state = Start(run, store, model, optimizer);

        var recorder = new RunRecorder(env, experiment, run, config.Model, JsonSerializer.Serialize(rl.Tasks));
        recorder.Track(() =>
        {
            var steps = new List<StepRecord>();
            var evals = new List<EvalRecord>();
            long flushedThrough = state.Step;
            var counters = new Dictionary<string, double>(state.Counters ?? new Dictionary<string, double>());
            var session = Stopwatch.StartNew();
            double forward = config.Model.ForwardFlopsPerToken, train = config.Model.TrainingFlopsPerToken;
            var evalSteps = new HashSet<int>(rl.EvalAtSteps ?? []) { rl.Steps };
            env.Progress.Started(run.Id, run.Stage, rl.Steps,
                $"{rl.Algorithm}, tasks {string.Join("+", rl.Tasks.Keys)}, {rl.PromptsPerStep}×{rl.GroupSize} samples/step");

            void Flush(long step)
            {
                if (step <= flushedThrough) return;
                results.AppendSteps(ResultTables.Steps, run.Id, flushedThrough + 1, step, steps);
                results.AppendSteps(ResultTables.Evals, run.Id, flushedThrough + 1, step, evals);
                store.Save(state with { Counters = counters }, model, optimizer);
                steps.Clear();
                evals.Clear();
                flushedThrough = step;
            }

            IEnumerable<EvalRecord> Evaluate(long step)
            {
                var rows = new List<EvalRecord>();
                var options = new TaskEvalOptions(rl.EvalProblems, rl.Difficulty, rl.PassK, rl.MaxNewTokens, rl.Temperature, config.Seed);
                foreach (var (family, split) in mixture.Select(m => (m.Family, ResultTables.InDistribution))
                             .Concat(heldOut.Select(f => (f, ResultTables.HeldOut))))
                    foreach (var metric in TaskEvaluator.Evaluate(model, tokenizer, family, options, env.Device))
                        rows.Add(metric.ToRecord(run.Stage, step, state, split));
                return rows;
            }

            if (state.Step == 0) evals.AddRange(Evaluate(0));
            for (int step = (int)state.Step + 1; step <= rl.Steps; step++)
            {
                if (env.Cancellation.IsCancellationRequested)
                {
                    Flush(state.Step); // preemption: keep everything up to the last finished step
                    env.Progress.Log(state.Step > 0
                        ? $"[{run.Stage} {run.Id}] interrupted: steps and checkpoint saved through step {state.Step}"
                        : $"[{run.Stage} {run.Id}] interrupted before its first step: nothing to save");
                    env.Cancellation.ThrowIfCancellationRequested();
                }
                var sampleTimer = Stopwatch.StartNew();
                var rollouts = Sample(model, codec, mixture, totalWeight, config, step);
                double sampleSeconds = sampleTimer.Elapsed.TotalSeconds;
                FaultInjection.At(FaultInjection.Sites.RlSampled);
                long promptTokens = rollouts.Sum(r => (long)r.PromptTokens.Length) / rl.GroupSize; // prefilled once per group row
                long generated = rollouts.Sum(r => (long)r.CompletionTokens.Length);
                counters[FlopsSampling] = counters.GetValueOrDefault(FlopsSampling) + forward * (promptTokens * rl.GroupSize + generated);

                var updateTimer = Stopwatch.StartNew();
                var update = Update(model, reference, optimizer, rollouts, rl);
                double updateSeconds = updateTimer.Elapsed.TotalSeconds;
                counters[FlopsTraining] = counters.GetValueOrDefault(FlopsTraining) + update.TrainedTokens * train + update.OldPolicyTokens * forward;
                counters[FlopsReference] = counters.GetValueOrDefault(FlopsReference) + update.ReferenceTokens * forward;
                double runFlops = counters[FlopsSampling] + counters[FlopsTraining] + counters[FlopsReference];
                double seconds = sampleSeconds + updateSeconds;
                state = state with
                {
                    Step = step,
                    Tokens = state.Tokens + update.TrainedTokens,
                    RunFlops = runFlops,
                    WallSeconds = state.WallSeconds + seconds,
                };

                var rewards = rollouts.Select(r => r.Reward).ToArray();
                double rewardMean = rewards.Average();
                int groups = rewards.Length / rl.GroupSize;
                steps.Add(new StepRecord
                {
                    Stage = run.Stage,
                    Step = step,
                    Tokens = state.Tokens,
                    Flops = state.ParentFlops + runFlops,
                    RunFlops = runFlops,
                    WallSeconds = state.WallSeconds,
                    Lr = rl.Lr,
                    Loss = update.PolicyLoss,
                    GradNorm = update.GradNorm,
                    TokensPerSecond = generated / Math.Max(seconds, 1e-9),
                    RewardMean = rewardMean,
                    RewardStd = Math.Sqrt(rewards.Sum(r => (r - rewardMean) * (r - rewardMean)) / rewards.Length),
                    ZeroStdFraction = 1.0 - (double)Advantages.GroupsWithSignal(rewards, rl.GroupSize).Count / groups,
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
                    WrittenAt = DateTime.UtcNow,
                });
                if (step % rl.EvalEvery == 0 || evalSteps.Contains(step)) evals.AddRange(Evaluate(step));
                env.Progress.Update(new ProgressUpdate(run.Id, run.Stage, step, rl.Steps, "reward", rewardMean,
                    generated / Math.Max(seconds, 1e-9), session.Elapsed));
                if (step % rl.CheckpointEvery == 0) Flush(step);
            }
            Flush(rl.Steps);
        });
        env.Progress.Finished(run.Id, run.Stage, FormattableString.Invariant(
            $"{rl.Steps} steps, {state.RunFlops:E2} RL FLOPs, {state.WallSeconds:F1} s"));
    }

    private TrainingState Start(PlannedRun run, CheckpointStore store, Gpt model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        if (store.HasCheckpoint)
        {
            var resumed = store.Load(run.Id, model, optimizer);
            return RunStart.Resuming(env, run, store, resumed);
        }
        // A fresh start from the parent's final weights, loaded before the stale parts of an earlier attempt are
        // removed: a damaged parent stops the command with nothing changed.
        var parentStore = new CheckpointStore(env.RunDirectory(experiment, run.ParentId!));
        if (!parentStore.HasCheckpoint)
            throw new InvalidOperationException($"parent run {run.ParentId} has no checkpoint; run the pipeline so that it completes first");
        var parent = parentStore.Load(run.ParentId!, model, optimizer: null);
        RunStart.Fresh(env, run);
        return new TrainingState(run.Id, 0, 0, 0, parent.ParentFlops + parent.RunFlops, 0, 0, null, Path.GetFullPath(env.ResultsRoot));
    }

    private Gpt LoadReference(RlRunConfig config)
    {
        var reference = new Gpt(config.Model, config.Precision);
        reference.to(env.Device);
        new CheckpointStore(env.RunDirectory(experiment, config.ParentRunId)).Load(config.ParentRunId, reference, optimizer: null);
        reference.eval();
        foreach (var p in reference.parameters()) p.requires_grad = false;
        return reference;
    }

    /// <summary>Samples <c>prompts_per_step</c> problems from the mixture and a group of completions for each.</summary>
    private List<Rollout> Sample(Gpt model, TaskCodec codec, List<(ITaskFamily Family, double Weight)> mixture, double totalWeight,
        RlRunConfig config, int step)
    {
        var rl = config.Rl;
        var rng = new SplitMix64(SplitMix64.Combine(config.Seed, step));
        using var generator = new Generator((ulong)rng.NextSeed());
        var rollouts = new List<Rollout>();
        for (int g = 0; g < rl.PromptsPerStep; g++)
        {
            double pick = rng.NextDouble() * totalWeight;
            var family = mixture[^1].Family;
            foreach (var (f, w) in mixture)
            {
                if (pick < w) { family = f; break; }
                pick -= w;
            }
            var problem = family.Generate(rng.NextSeed(), Math.Min(TaskMixture.DifficultyAt(rl, step), family.MaxDifficulty));
            var prompt = codec.EncodePrompt(problem);
            int room = Math.Min(rl.MaxNewTokens, config.Model.ContextLength - prompt.Length);
            if (room <= 0)
                throw new InvalidOperationException($"a {family.Name} prompt of {prompt.Length} tokens does not fit the context of {config.Model.ContextLength}; " +
                    "use a longer model.context_length or a lower rl.difficulty (or difficulty_schedule)");
            var generation = Sampler.Generate(model, Enumerable.Repeat(prompt, rl.GroupSize).ToList(),
                new SamplingOptions(room, rl.Temperature, StopSequences: codec.StopSequences), generator);
            for (int j = 0; j < rl.GroupSize; j++)
            {
                var verdict = family.Score(problem, codec.DecodeCompletion(generation.Tokens[j]));
                double reward = verdict.Reward - (generation.Truncated[j] ? rl.OverlongPenalty : 0);
                rollouts.Add(new Rollout(g, family, problem, prompt, generation.Tokens[j], generation.Truncated[j], verdict, reward));
            }
        }
        return rollouts;
    }

    private sealed record UpdateStats(double PolicyLoss, double GradNorm, double Kl, double Entropy, double ClipFraction,
        long TrainedTokens, long OldPolicyTokens, long ReferenceTokens);

    /// <summary>Advantages, then <c>update_epochs</c> clipped policy-gradient steps on the batch.</summary>
    private UpdateStats Update(Gpt model, Gpt? reference, TorchSharp.Modules.OptimizerHelper optimizer, List<Rollout> rollouts, RlSection rl)
    {
        var rewards = rollouts.Select(r => r.Reward).ToArray();
        var advantages = Advantages.Compute(rewards, rl.GroupSize, rl.Algorithm, rl.ScaleByStd);
        var kept = rl.DynamicSampling
            ? Advantages.GroupsWithSignal(rewards, rl.GroupSize).SelectMany(g => Enumerable.Range(g * rl.GroupSize, rl.GroupSize)).ToList()
            : Enumerable.Range(0, rollouts.Count).ToList();
        if (kept.Count == 0) return new UpdateStats(0, 0, 0, 0, 0, 0, 0, 0); // every group agreed: no signal this step

        var batchRollouts = kept.Select(i => rollouts[i]).ToList();
        using var scope = NewDisposeScope();
        using var batch = new RolloutBatch(batchRollouts, env.Device);
        var advantageTensor = tensor(kept.Select(i => (float)advantages[i]).ToArray(), device: env.Device);
        Tensor oldLogProbs, referenceLogProbs;
        model.train();
        using (no_grad())
        {
            oldLogProbs = batch.LogProbs(model).LogProbs.detach();
            referenceLogProbs = reference is null ? zeros_like(oldLogProbs) : batch.LogProbs(reference).LogProbs.detach();
        }
        var options = new PolicyLossOptions(rl.ClipLow, rl.ClipHigh, rl.KlCoef, rl.LossAggregation, rl.MaxNewTokens);
        double policyLoss = 0, gradNorm = 0, kl = 0, entropy = 0, clip = 0;
        for (int epoch = 0; epoch < rl.UpdateEpochs; epoch++)
        {
            using var epochScope = NewDisposeScope();
            optimizer.zero_grad();
            var (logProbs, epochEntropy) = batch.LogProbs(model);
            var result = PolicyLoss.Compute(logProbs, oldLogProbs, reference is null ? null : referenceLogProbs, advantageTensor, batch.Mask, options);
            result.Loss.backward();
            gradNorm = nn.utils.clip_grad_norm_(model.parameters(), rl.GradClip > 0 ? rl.GradClip : double.MaxValue);
            optimizer.step();
            policyLoss = result.PolicyLoss;
            kl = result.Kl;
            clip = result.ClipFraction;
            entropy = epochEntropy;
        }
        return new UpdateStats(policyLoss, gradNorm, kl, entropy, clip, batch.Tokens * rl.UpdateEpochs, batch.Tokens,
            reference is null ? 0 : batch.Tokens);
    }
}
