using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;
using TrainingPipeline.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Bench;

/// <summary>
/// Soak (<c>soak</c>): trains for <c>--minutes</c> and records memory once a minute, to show that nothing grows once
/// warm. Each cycle does what the pipeline's stages do, with their code: 10 pre-training steps of config S (forward,
/// cross-entropy, backward, clipping, AdamW), then one RL step (4 addition problems × 8 completions sampled with the
/// KV-cache <see cref="Sampler"/>, verified, GRPO advantages, <see cref="RolloutBatch"/> log-probs,
/// <see cref="PolicyLoss"/>, a second AdamW). Once a minute it also writes a checkpoint (<see cref="CheckpointStore"/>)
/// and a part file of step rows (<see cref="ResultsWriter"/>) into a temporary folder, deleted at the end.
/// </summary>
public static class Soak
{
    public const int TrainStepsPerCycle = 10;
    public const int PromptsPerStep = 4;
    public const int GroupSize = 8;
    public const int MaxNewTokens = 16;
    private const int DistinctBatches = 4;

    public sealed record Sample(double Minute, double RssMb, double ManagedMb, long LiveTensors, long Steps, long RlSteps, double Loss, double Reward);

    public sealed record Summary(double WarmupMinute, double RssWarmMb, double RssEndMb, double RssMaxMb, double SlopeMbPerHour,
        double ManagedWarmMb, double ManagedEndMb, long LiveTensorsWarm, long LiveTensorsEnd, double Minutes, long Steps, long RlSteps)
    {
        public double GrowthMb => RssEndMb - RssWarmMb;
    }

    /// <summary>Runs for <paramref name="minutes"/>, handing each minute's sample to <paramref name="report"/>.</summary>
    public static Summary Run(AttentionKernel attention, Precision precision, double minutes, int seed, Action<Sample> report)
    {
        string scratch = Path.Combine(Path.GetTempPath(), "tp-soak-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using var rig = new Rig(attention, precision, seed, scratch);
            var samples = new List<Sample> { rig.Measure(0) };
            report(samples[0]);
            var clock = Stopwatch.StartNew();
            double nextMinute = 1;
            while (clock.Elapsed.TotalMinutes < minutes)
            {
                rig.Next();
                double elapsed = clock.Elapsed.TotalMinutes;
                if (elapsed < nextMinute && elapsed < minutes) continue;
                rig.Persist();
                var sample = rig.Measure(elapsed);
                samples.Add(sample);
                report(sample);
                nextMinute = Math.Floor(elapsed) + 1;
            }
            return Summarize(samples, Math.Min(5.0, minutes / 2));
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Growth from the first sample at or after the warm-up minute to the last, and the least-squares slope over them.</summary>
    public static Summary Summarize(IReadOnlyList<Sample> samples, double warmupMinute)
    {
        var warm = samples.Where(s => s.Minute >= warmupMinute).ToList();
        if (warm.Count == 0) warm = [samples[^1]];
        double slope = 0;
        if (warm.Count >= 2)
        {
            double meanX = warm.Average(s => s.Minute), meanY = warm.Average(s => s.RssMb);
            double sxx = warm.Sum(s => (s.Minute - meanX) * (s.Minute - meanX));
            double sxy = warm.Sum(s => (s.Minute - meanX) * (s.RssMb - meanY));
            slope = sxx > 0 ? sxy / sxx * 60 : 0;
        }
        var last = samples[^1];
        return new Summary(warm[0].Minute, warm[0].RssMb, last.RssMb, warm.Max(s => s.RssMb), slope, warm[0].ManagedMb, last.ManagedMb,
            warm[0].LiveTensors, last.LiveTensors, last.Minute, last.Steps, last.RlSteps);
    }

    private sealed class Rig : IDisposable
    {
        private readonly Gpt model;
        private readonly OptimizerHelper pretrainOptimizer;
        private readonly OptimizerHelper rlOptimizer;
        private readonly Tensor[] inputs = new Tensor[DistinctBatches];
        private readonly Tensor[] targets = new Tensor[DistinctBatches];
        private readonly ITaskFamily family = TaskRegistry.Get("addition");
        private readonly TaskCodec codec = new(ByteTokenizer.Instance);
        private readonly CheckpointStore store;
        private readonly ResultsWriter results;
        private readonly List<StepRecord> pending = [];
        private readonly int seed;
        private long steps, rlSteps, units;
        private double lastLoss, lastReward;

        public Rig(AttentionKernel attention, Precision precision, int seed, string scratch)
        {
            this.seed = seed;
            var shape = BenchShape.S;
            int vocab = ByteTokenizer.Instance.VocabSize; // 257: the RL step feeds tokenized task prompts
            manual_seed(seed);
            model = new Gpt(new ModelConfig(shape.Layers, shape.Heads, shape.Width, shape.Context, vocab, Attention: attention), precision);
            model.train();
            var (decay, noDecay) = model.WeightDecayGroups();
            pretrainOptimizer = optim.AdamW(new[]
            {
                new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = 0.1 }),
                new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }),
            }, lr: 3e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.1);
            rlOptimizer = optim.AdamW(model.parameters(), lr: 1e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.0);
            var generator = new Generator((ulong)seed + 1000);
            for (int i = 0; i < DistinctBatches; i++)
            {
                inputs[i] = randint(vocab, new long[] { shape.Batch, shape.Context }, generator: generator);
                targets[i] = randint(vocab, new long[] { shape.Batch * shape.Context }, generator: generator);
            }
            store = new CheckpointStore(Path.Combine(scratch, "models", "soak"));
            results = new ResultsWriter(Path.Combine(scratch, "results"));
        }

        /// <summary>The next unit of a cycle: a pre-training step, or after every <see cref="TrainStepsPerCycle"/> of them an RL step.</summary>
        public void Next()
        {
            if (units++ % (TrainStepsPerCycle + 1) < TrainStepsPerCycle) PretrainStep();
            else RlStep();
        }

        private void PretrainStep()
        {
            using var scope = NewDisposeScope();
            int batch = (int)(steps % DistinctBatches);
            pretrainOptimizer.zero_grad();
            var logits = model.forward(inputs[batch]);
            var loss = F.cross_entropy(logits.view(-1, logits.shape[2]), targets[batch]);
            loss.backward();
            double gradNorm = nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            pretrainOptimizer.step();
            lastLoss = loss.item<float>();
            steps++;
            pending.Add(new StepRecord { Stage = "soak", Step = steps, Loss = lastLoss, GradNorm = gradNorm, WrittenAt = DateTime.UtcNow });
        }

        /// <summary>One GRPO step as RlStage takes it: sample groups, verify, advantages, clipped policy-gradient update.</summary>
        private void RlStep()
        {
            var rng = new SplitMix64(SplitMix64.Combine(seed, rlSteps));
            using var generator = new Generator((ulong)rng.NextSeed());
            var rollouts = new List<Rollout>();
            for (int g = 0; g < PromptsPerStep; g++)
            {
                var problem = family.Generate(rng.NextSeed(), 1);
                var prompt = codec.EncodePrompt(problem);
                var generation = Sampler.Generate(model, Enumerable.Repeat(prompt, GroupSize).ToList(),
                    new SamplingOptions(MaxNewTokens, 1.0, StopSequences: codec.StopSequences), generator);
                for (int j = 0; j < GroupSize; j++)
                {
                    var verdict = family.Score(problem, codec.DecodeCompletion(generation.Tokens[j]));
                    rollouts.Add(new Rollout(g, family, problem, prompt, generation.Tokens[j], generation.Truncated[j], verdict, verdict.Reward));
                }
            }
            var advantages = new GroupRelativeAdvantages(scaleByStd: true).Estimate(rollouts.Select(r => r.Reward).ToArray(), GroupSize);
            using var scope = NewDisposeScope();
            using var batch = new RolloutBatch(rollouts, CPU);
            var advantageTensor = tensor(advantages.Select(a => (float)a).ToArray());
            Tensor oldLogProbs;
            using (no_grad()) oldLogProbs = batch.LogProbs(model, 1.0).LogProbs.detach();
            rlOptimizer.zero_grad();
            var (logProbs, _) = batch.LogProbs(model, 1.0);
            var result = PolicyLoss.Compute(logProbs, oldLogProbs, null, advantageTensor, batch.Mask,
                new PolicyLossOptions(0.2, 0.2, 0, LossAggregation.Token, MaxNewTokens, PromptsPerStep * GroupSize));
            result.Loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            rlOptimizer.step();
            lastReward = rollouts.Average(r => r.Reward);
            rlSteps++;
        }

        /// <summary>What a stage does at a checkpoint: flush the step rows, then save model and optimizer.</summary>
        public void Persist()
        {
            if (pending.Count > 0) results.AppendSteps(ResultTables.Steps, "soak", pending[0].Step, pending[^1].Step, pending);
            pending.Clear();
            store.Save(new TrainingState("soak", steps, 0, 0, 0, 0, 0, null, results.Root), model, pretrainOptimizer);
        }

        public Sample Measure(double minute)
        {
            double rss = MemoryGrowth.ResidentMegabytes(); // collects garbage first
            double managed = GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024.0);
            return new Sample(minute, rss, managed, DisposeScopeManager.Statistics.ThreadTotalLiveCount, steps, rlSteps, lastLoss, lastReward);
        }

        public void Dispose()
        {
            foreach (var t in inputs.Concat(targets)) t.Dispose();
            pretrainOptimizer.Dispose();
            rlOptimizer.Dispose();
            model.Dispose();
        }
    }
}
