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
/// cross-entropy, backward, clipping, AdamW), then one RL step (4 addition problems × 8 completions sampled in one batched
/// call of the KV-cache <see cref="Sampler"/>, verified, GRPO advantages, <see cref="RolloutBatch"/> log-probs,
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
        private readonly Gpt _model;
        private readonly OptimizerHelper _pretrainOptimizer;
        private readonly OptimizerHelper _rlOptimizer;
        private readonly Tensor[] _inputs = new Tensor[DistinctBatches];
        private readonly Tensor[] _targets = new Tensor[DistinctBatches];
        private readonly ITaskFamily _family = TaskRegistry.Get("addition");
        private readonly TaskCodec _codec = new(ByteTokenizer.Instance);
        private readonly CheckpointStore _store;
        private readonly ResultsWriter _results;
        private readonly List<StepRecord> _pending = [];
        private readonly int _seed;
        private long _steps, _rlSteps, _units;
        private double _lastLoss, _lastReward;

        public Rig(AttentionKernel attention, Precision precision, int seed, string scratch)
        {
            _seed = seed;
            var shape = BenchShape.S;
            int vocab = ByteTokenizer.Instance.VocabSize; // 257: the RL step feeds tokenized task prompts
            manual_seed(_seed);
            _model = new Gpt(new ModelConfig(shape.Layers, shape.Heads, shape.Width, shape.Context, vocab, Attention: attention), precision);
            _model.train();
            var (decay, noDecay) = _model.WeightDecayGroups();
            _pretrainOptimizer = optim.AdamW(new[]
            {
                new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = 0.1 }),
                new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }),
            }, lr: 3e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.1);
            _rlOptimizer = optim.AdamW(_model.parameters(), lr: 1e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.0);
            var generator = new Generator((ulong)_seed + 1000);
            for (int i = 0; i < DistinctBatches; i++)
            {
                _inputs[i] = randint(vocab, new long[] { shape.Batch, shape.Context }, generator: generator);
                _targets[i] = randint(vocab, new long[] { shape.Batch * shape.Context }, generator: generator);
            }
            _store = new CheckpointStore(Path.Combine(scratch, "models", "soak"));
            _results = new ResultsWriter(Path.Combine(scratch, "results"));
        }

        /// <summary>The next unit of a cycle: a pre-training step, or after every <see cref="TrainStepsPerCycle"/> of them an RL step.</summary>
        public void Next()
        {
            if (_units++ % (TrainStepsPerCycle + 1) < TrainStepsPerCycle) PretrainStep();
            else RlStep();
        }

        private void PretrainStep()
        {
            using var scope = NewDisposeScope();
            int batch = (int)(_steps % DistinctBatches);
            _pretrainOptimizer.zero_grad();
            var logits = _model.forward(_inputs[batch]);
            var loss = F.cross_entropy(logits.view(-1, logits.shape[2]), _targets[batch]);
            loss.backward();
            double gradNorm = nn.utils.clip_grad_norm_(_model.parameters(), 1.0);
            _pretrainOptimizer.step();
            _lastLoss = loss.item<float>();
            _steps++;
            _pending.Add(new StepRecord { Stage = "soak", Step = _steps, Loss = _lastLoss, GradNorm = gradNorm, WrittenAt = DateTime.UtcNow });
        }

        /// <summary>One GRPO step as RlStage takes it: sample groups, verify, advantages, clipped policy-gradient update.</summary>
        private void RlStep()
        {
            var rng = new SplitMix64(SplitMix64.Combine(_seed, _rlSteps));
            using var generator = new Generator((ulong)rng.NextSeed());
            var problems = Enumerable.Range(0, PromptsPerStep).Select(_ => _family.Generate(rng.NextSeed(), 1)).ToList();
            var prompts = problems.Select(_codec.EncodePrompt).ToList();
            // All groups of the step in one batched call; rows are prompt-major (row g·GroupSize + j).
            var generation = Sampler.Generate(_model, prompts, new SamplingOptions(MaxNewTokens, 1.0, StopSequences: _codec.StopSequences),
                generator, GroupSize);
            var rollouts = new List<Rollout>();
            for (int row = 0; row < generation.Tokens.Length; row++)
            {
                int g = row / GroupSize;
                var verdict = _family.Score(problems[g], _codec.DecodeCompletion(generation.Tokens[row]));
                rollouts.Add(new Rollout(g, _family, problems[g], prompts[g], generation.Tokens[row], generation.Truncated[row], verdict, verdict.Reward));
            }
            var advantages = new GroupRelativeAdvantages(scaleByStd: true).Estimate(rollouts.Select(r => r.Reward).ToArray(), GroupSize);
            using var scope = NewDisposeScope();
            using var batch = new RolloutBatch(rollouts, CPU);
            var advantageTensor = tensor(advantages.Select(a => (float)a).ToArray());
            Tensor oldLogProbs;
            using (no_grad()) oldLogProbs = batch.LogProbs(_model, 1.0).LogProbs.detach();
            _rlOptimizer.zero_grad();
            var (logProbs, _) = batch.LogProbs(_model, 1.0);
            var result = PolicyLoss.Compute(logProbs, oldLogProbs, null, advantageTensor, batch.Mask,
                new PolicyLossOptions(0.2, 0.2, 0, LossAggregation.Token, MaxNewTokens, PromptsPerStep * GroupSize));
            result.Loss.backward();
            nn.utils.clip_grad_norm_(_model.parameters(), 1.0);
            _rlOptimizer.step();
            _lastReward = rollouts.Average(r => r.Reward);
            _rlSteps++;
        }

        /// <summary>What a stage does at a checkpoint: flush the step rows, then save model and optimizer.</summary>
        public void Persist()
        {
            if (_pending.Count > 0) _results.AppendSteps(ResultTables.Steps, "soak", _pending[0].Step, _pending[^1].Step, _pending);
            _pending.Clear();
            _store.Save(new TrainingState("soak", _steps, 0, 0, 0, 0, 0, null, _results.Root), _model, _pretrainOptimizer);
        }

        public Sample Measure(double minute)
        {
            double rss = MemoryGrowth.ResidentMegabytes(); // collects garbage first
            double managed = GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024.0);
            return new Sample(minute, rss, managed, DisposeScopeManager.Statistics.ThreadTotalLiveCount, _steps, _rlSteps, _lastLoss, _lastReward);
        }

        public void Dispose()
        {
            foreach (var t in _inputs.Concat(_targets)) t.Dispose();
            _pretrainOptimizer.Dispose();
            _rlOptimizer.Dispose();
            _model.Dispose();
        }
    }
}
