using System.Diagnostics;
using System.Text.Json;
using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Training;

/// <summary>
/// One pre-training run: next-token prediction on a corpus mixture with AdamW, a learning-rate schedule, gradient
/// clipping and accumulation; loss evaluations on in-distribution and held-out domains; checkpoints every N steps
/// or minutes. A later phase starts from its parent's final weights (and optimizer state unless reset), and its
/// FLOPs count on top of the parent's. <paramref name="domains"/> resolves the mixture's domain names (the registry's
/// by default; the ML.NET trainer adds a domain over an <c>IDataView</c>'s documents).
/// </summary>
public sealed class PretrainStage(RunEnvironment env, string experiment, Func<string, IDomain>? domains = null)
{
    private readonly Func<string, IDomain> _domains = domains ?? SpecResolver.ResolveDomain;

    public void Run(PlannedRun run)
    {
        var config = run.Pretrain ?? throw new ArgumentException("not a pre-training run", nameof(run));
        Precisions.EnsureSupported(config.Precision, env.Device);
        var training = config.Training;
        var tokenizer = SpecResolver.ResolveTokenizer(config.Tokenizer);
        int batch = training.BatchSize, context = config.Model.ContextLength, accum = training.GradAccum;
        long tokensPerStep = (long)batch * context * accum;
        long totalSteps = Math.Max(1, (config.Tokens + tokensPerStep - 1) / tokensPerStep);

        var corpus = TokenCorpus.Materialize(
            new CorpusSpec(config.Stage.ToString(), config.Mixture.Select(m => new DomainWeight(m.Key, m.Value)).ToList(), config.Tokens, config.Seed),
            tokenizer, env.Datasets, new MaterializeOptions(ResolveDomain: _domains));
        long evalTokens = (long)training.EvalBatches * batch * (context + 1) * 2;
        var evalSets = EvalCorpora(config, tokenizer, corpus, evalTokens);

        manual_seed(config.Seed);
        using var model = new Gpt(config.Model, config.Precision);
        model.to(env.Device);
        model.train();
        var (decay, noDecay) = model.WeightDecayGroups();
        using var optimizer = optim.AdamW(new[]
        {
            new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = training.WeightDecay }),
            new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }),
        }, lr: training.Lr, beta1: training.Beta1, beta2: training.Beta2, weight_decay: training.WeightDecay);

        var loop = new TrainingLoop(env, experiment, run);
        var start = loop.Start(model, optimizer, withParentOptimizer: !config.ResetOptimizer);
        var loader = new BatchLoader(corpus, batch, context, config.Seed) { Position = start.LoaderPosition };
        var schedule = LrSchedule.ForPhase(training, config.PhaseLrSchedule, totalSteps);
        var inputs = new long[batch * context];
        var targets = new long[batch * context];
        double flopsPerStep = config.Model.TrainingFlopsPerToken * tokensPerStep;

        StepOutcome Step(long step, TrainingState state)
        {
            var stepTimer = Stopwatch.StartNew();
            double lr = schedule.At(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            optimizer.zero_grad();
            double lossSum = 0;
            for (int micro = 0; micro < accum; micro++)
            {
                using var scope = NewDisposeScope();
                loader.Next(inputs, targets);
                var x = tensor(inputs, device: env.Device).view(batch, context);
                var y = tensor(targets, device: env.Device).view(-1);
                var logits = model.forward(x);
                var loss = F.cross_entropy(logits.view(-1, logits.shape[2]), y);
                (loss / accum).backward();
                lossSum += loss.item<float>();
            }
            double gradNorm;
            using (var scope = NewDisposeScope())
            {
                gradNorm = training.GradClip > 0
                    ? nn.utils.clip_grad_norm_(model.parameters(), training.GradClip)
                    : GlobalNorm(model);
                optimizer.step();
            }
            FaultInjection.At(FaultInjection.Sites.PretrainStep);
            double seconds = stepTimer.Elapsed.TotalSeconds;
            state = state with
            {
                Step = step,
                Tokens = state.Tokens + tokensPerStep,
                RunFlops = state.RunFlops + flopsPerStep,
                WallSeconds = state.WallSeconds + seconds,
                LoaderPosition = loader.Position,
            };
            double meanLoss = lossSum / accum;
            if (!double.IsFinite(meanLoss))
                throw new InvalidOperationException($"loss became {meanLoss} at step {step} of run {run.Id}; lower the learning rate (pretrain.lr = {training.Lr})");
            double tokensPerSecond = tokensPerStep / Math.Max(seconds, 1e-9);
            return new StepOutcome(state, new StepRecord
            {
                Stage = run.Stage.ToString(),
                Step = step,
                Tokens = state.Tokens,
                Flops = state.ParentFlops + state.RunFlops,
                RunFlops = state.RunFlops,
                WallSeconds = state.WallSeconds,
                Lr = lr,
                Loss = meanLoss,
                GradNorm = gradNorm,
                TokensPerSecond = tokensPerSecond,
                WrittenAt = DateTime.UtcNow,
            }, meanLoss, tokensPerSecond);
        }

        loop.Run(start, model, optimizer, new TrainingLoopStage
        {
            TotalSteps = totalSteps,
            Description = $"{config.Model.ParamsTotal:N0} params, {corpus.TokenCount:N0} corpus tokens, {string.Join("+", config.Mixture.Keys)}",
            DataMixtureJson = JsonSerializer.Serialize(config.Mixture),
            ProgressMetric = "loss",
            Step = Step,
            EvaluatesAt = step => step % training.EvalEvery == 0 || step == totalSteps,
            Evaluate = at => Evaluate(model, evalSets, config, at, run.Stage),
            Summary = end => FormattableString.Invariant(
                $"{end.Tokens:N0} tokens, {end.ParentFlops + end.RunFlops:E2} FLOPs, {end.WallSeconds:F1} s"),
            CheckpointEvery = training.CheckpointEvery,
            CheckpointMinutes = training.CheckpointMinutes,
        });
    }

    private static double GlobalNorm(Gpt model)
    {
        double sum = 0;
        foreach (var p in model.parameters())
            if (p.grad is { } g) sum += g.pow(2).sum().item<float>();
        return Math.Sqrt(sum);
    }

    private sealed record EvalSet(string Name, string Split, TokenCorpus Corpus);

    private List<EvalSet> EvalCorpora(PretrainRunConfig config, ITextTokenizer tokenizer, TokenCorpus training, long tokens)
    {
        var sets = new List<EvalSet>();
        foreach (var domain in config.Mixture.Keys)
        {
            var (corpus, disjoint) = EvalCorpus(domain, config.Seed, tokenizer, training, tokens);
            sets.Add(new EvalSet(domain, disjoint ? ResultTables.InDistribution : ResultTables.TrainSample, corpus));
        }
        // A held-out domain is in no training corpus, so even its fallback sample repeats no training document.
        foreach (var domain in config.HeldOutDomains)
            sets.Add(new EvalSet(domain, ResultTables.HeldOut, EvalCorpus(domain, config.Seed, tokenizer, training, tokens).Corpus));
        return sets;
    }

    /// <summary>The headline under which <see cref="Pipeline.RepeatedNotes"/> counts this note across runs.</summary>
    public const string TooFewDocumentsNote =
        "domains with too few distinct documents for a disjoint evaluation set, measured on a separate sample that may repeat training documents";

    /// <summary>
    /// An evaluation corpus of one domain: distinct documents that never occur in the training corpus (Disjoint). A
    /// domain with fewer distinct documents than that needs (e.g. one-digit sums: 100 problems) cannot give such a set;
    /// it is then evaluated on a sample from its own seed stream that may repeat training documents (not Disjoint: its
    /// rows are labelled <see cref="ResultTables.TrainSample"/>, so no law reads them as unseen data), and the log says so.
    /// </summary>
    private (TokenCorpus Corpus, bool Disjoint) EvalCorpus(string domain, long seed, ITextTokenizer tokenizer, TokenCorpus training, long tokens)
    {
        var spec = new CorpusSpec("eval-" + domain, new[] { new DomainWeight(domain, 1) }, tokens, seed);
        try
        {
            return (TokenCorpus.Materialize(spec, tokenizer, env.Datasets,
                new MaterializeOptions(CorpusRole.Evaluation, ExcludeDocumentsOf: training, ResolveDomain: _domains)), true);
        }
        catch (TooFewDistinctDocumentsException)
        {
            env.Progress.Note(TooFewDocumentsNote, domain, $"note: domain '{domain}' has too few distinct documents for a disjoint evaluation set; " +
                "its loss is measured on a separate sample that may repeat training documents (split train_sample, left out of the loss laws)");
            return (TokenCorpus.Materialize(spec with { Name = "evalsample-" + domain, Seed = SplitMix64.Combine(seed, 0x5EED) },
                tokenizer, env.Datasets, new MaterializeOptions(CorpusRole.Training, ResolveDomain: _domains)), false);
        }
    }

    private IEnumerable<EvalRecord> Evaluate(Gpt model, List<EvalSet> sets, PretrainRunConfig config, TrainingState state, RunStage stage)
    {
        var rows = new List<EvalRecord>();
        foreach (var set in sets)
        {
            var estimate = LossEvaluator.Evaluate(model, set.Corpus, config.Training.BatchSize, config.Model.ContextLength,
                config.Training.EvalBatches, env.Device);
            rows.Add(new EvalRecord
            {
                Stage = stage.ToString(),
                Step = state.Step,
                Flops = state.ParentFlops + state.RunFlops,
                RunFlops = state.RunFlops,
                EvalSet = set.Name,
                Split = set.Split,
                Metric = "loss",
                Value = estimate.Loss,
                N = estimate.Tokens,
                Stderr = estimate.Stderr,
                WrittenAt = DateTime.UtcNow,
            });
        }
        return rows;
    }
}
