using System.Text.RegularExpressions;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.RL;

namespace TrainingPipeline.Config;

/// <summary>
/// Checks what JSON types cannot: positive sizes, known names, held-out sets absent from training, sane limits.
/// The first problem found is a <see cref="BadInputException"/> naming the JSON path and the fix.
/// </summary>
public static partial class SpecValidator
{
    /// <summary>The names a spec may refer to: corpus domains and RL task families.</summary>
    /// <param name="Domains">Known domain ids (a spec may add <c>@difficulty</c>).</param>
    /// <param name="TaskFamilies">Known gym task families.</param>
    /// <param name="CheckDomain">Optional deeper check of a domain id (e.g. its difficulty range); throws BadInputException.</param>
    /// <param name="PromptTokens">Optional: the longest prompt, in tokens, of a task family at a difficulty (sampled), so
    /// that an RL stage whose prompts cannot fit the context is refused before it starts.</param>
    /// <param name="CheckEvalSplit">Optional: throws BadInputException when a family at a difficulty cannot supply the given
    /// number of distinct eval-split problems (arguments: family, difficulty, count, source, JSON path).</param>
    public sealed record Catalogs(IReadOnlyCollection<string> Domains, IReadOnlyCollection<string> TaskFamilies,
        Action<string>? CheckDomain = null, Func<string, int, int>? PromptTokens = null,
        Action<string, int, int, string, string>? CheckEvalSplit = null)
    {
        public void ValidateDomain(string domain, string source, string path)
        {
            if (CheckDomain is null && !Domains.Contains(BaseId(domain)))
                throw new BadInputException(source, path, $"unknown domain '{domain}'", "use one of: " + string.Join(", ", Domains.Order()));
            try
            {
                CheckDomain?.Invoke(domain);
            }
            catch (BadInputException e)
            {
                // The domain's own error names its file (a user corpus) or id; keep its problem and its fix.
                string where = e.InputFile == "corpus spec" ? "" : $"{e.InputFile}: {e.Field}: ";
                throw new BadInputException(source, path, where + e.Problem, e.Fix, e);
            }
        }
    }

    /// <summary>A domain id without its <c>@difficulty</c> suffix: held-out declarations match on this.</summary>
    public static string BaseId(string domain) => domain.Contains('@') ? domain[..domain.LastIndexOf('@')] : domain;

    /// <summary>A phase's corpus is materialized in memory as 16-bit ids, so a phase trains on at most this many tokens.</summary>
    private const long MaxTokens = Data.TokenCorpus.MaxMaterializedTokens;
    /// <summary>Evaluation draws eval_samples completions of each problem in one batch.</summary>
    public const int MaxPassK = 1024;

    [GeneratedRegex("^cuda:[0-9]{1,3}$")]
    private static partial Regex CudaDevicePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();

    public static void Validate(PipelineSpec spec, string source, Catalogs catalogs)
    {
        void Check(bool ok, string path, string problem, string fix)
        {
            if (!ok) throw new BadInputException(source, path, problem, fix);
        }

        Check(NamePattern().IsMatch(spec.Name), "$.name", $"'{spec.Name}' is not a valid experiment name",
            "use 1–64 lowercase letters, digits, '-' or '_'");
        Check(spec.Threads is >= 0 and <= 1024, "$.threads", $"must be between 0 and 1024, got {spec.Threads}", "use 0 for libtorch's default");
        Check(Devices.Choices.Contains(spec.Device) || CudaDevicePattern().IsMatch(spec.Device), "$.device",
            $"unknown device '{spec.Device}'", "use auto, cpu, cuda or cuda:N");
        Check(Precisions.Choices.Contains(spec.Precision), "$.precision", $"unknown precision '{spec.Precision}'",
            "use \"fp32\" or \"bf16\" (mixed precision: bf16 matrix products, fp32 weights and loss)");
        Check(TokenizerChoice.TryParse(spec.Tokenizer, out string? tokenizerProblem) is not null, "$.tokenizer", tokenizerProblem ?? "", TokenizerChoice.Fix);

        Check(spec.Corpora.Count > 0, "$.corpora", "no corpus is defined", "define at least one corpus, e.g. \"narrow\": {\"domains\": {…}}");
        foreach (var (name, corpus) in spec.Corpora)
        {
            // A JSON null in a map of records passes the serializer: the records say non-null, the map's values are not checked.
            if (corpus is null)
                throw new BadInputException(source, $"$.corpora.{name}", "the corpus is null", "give it a mixture, e.g. {\"domains\": {\"arith-add\": 1}}");
            string path = $"$.corpora.{name}.domains";
            Check(corpus.Domains.Count > 0, path, "the mixture is empty", "list at least one domain with a positive weight");
            foreach (var (domain, weight) in corpus.Domains)
            {
                catalogs.ValidateDomain(domain, source, $"{path}.{domain}");
                Check(double.IsFinite(weight) && weight > 0, $"{path}.{domain}", $"weight must be a positive number, got {weight}",
                    "use a weight > 0 (weights are normalised)");
                Check(spec.HeldOutDomains?.Select(BaseId).Contains(BaseId(domain)) != true, $"{path}.{domain}",
                    $"domain '{domain}' is declared held out (held_out_domains) but is in a training mixture",
                    "remove it from the mixture or from held_out_domains");
            }
        }
        foreach (var (domain, i) in (spec.HeldOutDomains ?? []).Select((d, i) => (d, i)))
            catalogs.ValidateDomain(domain, source, $"$.held_out_domains[{i}]");

        ValidateModel(spec.Model, Check);
        ValidatePretrain(spec, Check);
        if (spec.Rl is { } rl)
        {
            ValidateRl(rl, catalogs, Check);
            ValidateHeldOutTasksUntrained(spec, rl, Check);
            ValidatePromptsFit(rl, SpecResolver.ResolveModel(spec.Model, vocabSize: 257).ContextLength, catalogs, Check);
            foreach (var family in EvaluatedFamilies(rl))
                catalogs.CheckEvalSplit?.Invoke(family, rl.Difficulty, rl.EvalProblems, source, "$.rl.eval_problems");
        }
        if (spec.Analysis is { } analysis)
        {
            Check(analysis.Bootstrap is >= 0 and <= 100_000, "$.analysis.bootstrap", $"must be 0–100000, got {analysis.Bootstrap}", "use e.g. 200");
            Check(analysis.BacktestFraction is > 0 and < 1, "$.analysis.backtest_fraction", $"must be in (0, 1), got {analysis.BacktestFraction}", "use e.g. 0.5");
            Check(analysis.DiscardBelow is >= 0 and < 1, "$.analysis.discard_below", $"must be in [0, 1), got {analysis.DiscardBelow}", "use e.g. 0.1 (0 keeps every evaluation)");
        }
    }

    private static void ValidateModel(ModelSection model, Action<bool, string, string, string> check)
    {
        if (model.Preset is not null)
            check(ModelPresets.TryGet(model.Preset, 257, out _), "$.model.preset", $"unknown preset '{model.Preset}'",
                "use one of: " + string.Join(", ", ModelPresets.Names));
        else
            check(model.NLayer is not null && model.NHead is not null && model.DModel is not null && model.ContextLength is not null,
                "$.model", "neither a preset nor a full shape is given", "give \"preset\", or all of n_layer, n_head, d_model, context_length");
        check(model.NLayer is null or (>= 1 and <= 256), "$.model.n_layer", $"must be 1–256, got {model.NLayer}", "use a positive layer count");
        check(model.NHead is null or (>= 1 and <= 256), "$.model.n_head", $"must be 1–256, got {model.NHead}", "use a positive head count");
        check(model.DModel is null or (>= 1 and <= 16384), "$.model.d_model", $"must be 1–16384, got {model.DModel}", "use a positive width");
        check(model.ContextLength is null or (>= 2 and <= 65536), "$.model.context_length", $"must be 2–65536, got {model.ContextLength}", "use e.g. 128");
        var resolved = SpecResolver.ResolveModel(model, vocabSize: 257);
        foreach (var problem in resolved.Validate())
            check(false, "$.model", problem, "choose a consistent shape");
    }

    private static void ValidatePretrain(PipelineSpec spec, Action<bool, string, string, string> check)
    {
        var p = spec.Pretrain;
        check(p.Phases.Count > 0, "$.pretrain.phases", "no phase is defined", "add e.g. {\"name\": \"narrow\", \"corpus\": \"narrow\", \"tokens\": 100000}");
        var seen = new HashSet<string>();
        for (int i = 0; i < p.Phases.Count; i++)
        {
            var phase = p.Phases[i];
            string path = $"$.pretrain.phases[{i}]";
            check(NamePattern().IsMatch(phase.Name), path + ".name", $"'{phase.Name}' is not a valid phase name", "use e.g. narrow or broad");
            check(seen.Add(phase.Name), path + ".name", $"phase '{phase.Name}' appears twice", "give each phase its own name");
            check(phase.LrSchedule is not PhaseLrSchedule.HoldFinal || i > 0, path + ".lr_schedule",
                "the first phase has no previous schedule to hold the final rate of", "use rewarm (the default)");
            check(spec.Corpora.ContainsKey(phase.Corpus), path + ".corpus", $"no corpus named '{phase.Corpus}'",
                "use one of: " + string.Join(", ", spec.Corpora.Keys));
            check(phase.Tokens is > 0 and <= MaxTokens, path + ".tokens", $"must be between 1 and {MaxTokens:N0}, got {phase.Tokens:N0}",
                phase.Tokens > 0 ? $"a phase's corpus is held in memory: train on at most {MaxTokens:N0} tokens per phase (split a longer run into phases)"
                    : "give a positive token budget");
        }
        check(p.BatchSize is >= 1 and <= 65536, "$.pretrain.batch_size", $"must be 1–65536, got {p.BatchSize}", "use e.g. 16");
        check(double.IsFinite(p.Lr) && p.Lr is > 0 and < 10, "$.pretrain.lr", $"must be in (0, 10), got {p.Lr}", "use e.g. 3e-3");
        check(p.MinLrRatio is >= 0 and <= 1, "$.pretrain.min_lr_ratio", $"must be in [0, 1], got {p.MinLrRatio}", "use e.g. 0.1");
        check(p.WarmupSteps is >= 0 and <= 10_000_000, "$.pretrain.warmup_steps", $"must be between 0 and 10,000,000, got {p.WarmupSteps}", "use e.g. 10");
        check(p.WsdDecayFraction is > 0 and <= 1, "$.pretrain.wsd_decay_fraction", $"must be in (0, 1], got {p.WsdDecayFraction}", "use e.g. 0.2");
        check(p.WeightDecay is >= 0 and < 10, "$.pretrain.weight_decay", $"must be in [0, 10), got {p.WeightDecay}", "use e.g. 0.1");
        check(p.Beta1 is >= 0 and < 1 && p.Beta2 is >= 0 and < 1, "$.pretrain.beta1", "betas must be in [0, 1)", "use 0.9 and 0.95");
        check(p.GradClip >= 0 && double.IsFinite(p.GradClip), "$.pretrain.grad_clip", $"must be ≥ 0, got {p.GradClip}", "use 1.0 (0 disables clipping)");
        check(p.GradAccum is >= 1 and <= 4096, "$.pretrain.grad_accum", $"must be 1–4096, got {p.GradAccum}", "use 1");
        check(p.EvalEvery >= 1, "$.pretrain.eval_every", $"must be ≥ 1, got {p.EvalEvery}", "use e.g. 50");
        check(p.EvalBatches is >= 1 and <= 100_000, "$.pretrain.eval_batches", $"must be 1–100000, got {p.EvalBatches}", "use e.g. 4");
        // Each evaluation set is a materialized corpus of eval_batches × batch_size × (context + 1) × 2 tokens.
        long context = SpecResolver.ResolveModel(spec.Model, vocabSize: 257).ContextLength;
        long evalTokens = (long)p.EvalBatches * p.BatchSize * (context + 1) * 2;
        check(evalTokens <= MaxTokens, "$.pretrain.eval_batches",
            $"an evaluation set of {p.EvalBatches} batches of {p.BatchSize} × {context + 1} tokens ({evalTokens:N0} tokens) is too large to hold in memory",
            $"use fewer eval_batches (at most {MaxTokens:N0} tokens per evaluation set)");
        check(p.CheckpointEvery >= 1, "$.pretrain.checkpoint_every", $"must be ≥ 1, got {p.CheckpointEvery}", "use e.g. 100");
        check(p.CheckpointMinutes > 0, "$.pretrain.checkpoint_minutes", $"must be > 0, got {p.CheckpointMinutes}", "use e.g. 10");
    }

    private static void ValidateRl(RlSection rl, Catalogs catalogs, Action<bool, string, string, string> check)
    {
        check(rl.Tasks.Count > 0, "$.rl.tasks", "the task mixture is empty", "list at least one task family with a positive weight");
        foreach (var (task, weight) in rl.Tasks)
        {
            check(catalogs.TaskFamilies.Contains(task) || TaskMixture.ParseCategory(task) is not null, $"$.rl.tasks.{task}", $"unknown task family '{task}'",
                "use one of: " + string.Join(", ", catalogs.TaskFamilies.Order()) + ", or category:math, category:code, category:logic");
            check(double.IsFinite(weight) && weight > 0, $"$.rl.tasks.{task}", $"weight must be a positive number, got {weight}", "use a weight > 0");
            check(rl.HeldOutTasks?.Contains(task) != true, $"$.rl.tasks.{task}",
                $"task '{task}' is declared held out but is in the training mixture", "remove it from one of the two lists");
        }
        check(rl.Tasks.Count == 0 || TaskMixture.Expand(rl.Tasks, rl.HeldOutTasks).Count > 0, "$.rl.tasks",
            "every family of the mixture's categories is held out", "hold out fewer families or add a family to the mixture");
        foreach (var (task, i) in (rl.HeldOutTasks ?? []).Select((t, i) => (t, i)))
            check(catalogs.TaskFamilies.Contains(task), $"$.rl.held_out_tasks[{i}]", $"unknown task family '{task}'",
                "use one of: " + string.Join(", ", catalogs.TaskFamilies.Order()));
        check(rl.Difficulty is >= 1 and <= 100, "$.rl.difficulty", $"must be 1–100, got {rl.Difficulty}", "use 1 for the easiest level");
        int previousStep = -1;
        foreach (var (point, i) in (rl.DifficultySchedule ?? []).Select((p, i) => (p, i)))
        {
            check(point.Step > previousStep && point.Step <= rl.Steps, $"$.rl.difficulty_schedule[{i}].step",
                $"step {point.Step} must be within 0–{rl.Steps} and after the previous entry's", "list entries in increasing step order");
            check(point.Difficulty is >= 1 and <= 100, $"$.rl.difficulty_schedule[{i}].difficulty",
                $"must be 1–100, got {point.Difficulty}", "use levels such as 1, 2, 3");
            previousStep = Math.Max(previousStep, point.Step);
        }
        check(rl.Steps is >= 1 and <= 10_000_000, "$.rl.steps", $"must be between 1 and 10,000,000, got {rl.Steps}", "use e.g. 20");
        check(rl.PromptsPerStep is >= 1 and <= 100_000, "$.rl.prompts_per_step", $"must be between 1 and 100,000, got {rl.PromptsPerStep}", "use e.g. 4");
        int minGroup = RlAlgorithms.For(rl.Algorithm).MinGroupSize;
        check(rl.GroupSize >= minGroup && rl.GroupSize <= 4096, "$.rl.group_size",
            $"must be {minGroup}–4096 for {RlAlgorithms.Name(rl.Algorithm)}, got {rl.GroupSize}", "group-relative baselines need at least 2 samples per prompt");
        check(rl.MaxNewTokens is >= 1 and <= 65536, "$.rl.max_new_tokens", $"must be between 1 and 65,536, got {rl.MaxNewTokens}", "use e.g. 24");
        check(rl.Temperature is > 0 and <= 10, "$.rl.temperature", $"must be in (0, 10], got {rl.Temperature}", "use 1.0");
        check(double.IsFinite(rl.Lr) && rl.Lr is > 0 and < 1, "$.rl.lr", $"must be in (0, 1), got {rl.Lr}", "use e.g. 1e-4");
        check(rl.UpdateEpochs is >= 1 and <= 100, "$.rl.update_epochs", $"must be 1–100, got {rl.UpdateEpochs}", "use 1 (on-policy) or a few");
        check(rl.ClipLow is >= 0 and < 1, "$.rl.clip_low", $"must be in [0, 1), got {rl.ClipLow}", "use 0.2");
        check(rl.ClipHigh is >= 0 and < 10, "$.rl.clip_high", $"must be in [0, 10), got {rl.ClipHigh}", "use 0.2 (or 0.28 for clip-higher)");
        check(rl.KlCoef >= 0 && double.IsFinite(rl.KlCoef), "$.rl.kl_coef", $"must be ≥ 0, got {rl.KlCoef}", "use 0 to train without a reference model");
        check(rl.OverlongPenalty is >= 0 and <= 1, "$.rl.overlong_penalty", $"must be in [0, 1], got {rl.OverlongPenalty}", "use 0 to disable");
        check(rl.OverlongBuffer >= 0 && rl.OverlongBuffer <= rl.MaxNewTokens, "$.rl.overlong_buffer",
            $"must be 0–{rl.MaxNewTokens} (rl.max_new_tokens), got {rl.OverlongBuffer}", "use 0 for the constant penalty on truncated completions, or e.g. a quarter of max_new_tokens for DAPO's soft one");
        check(rl.OverlongBuffer == 0 || rl.OverlongPenalty > 0, "$.rl.overlong_buffer",
            "a buffer zone has no effect while rl.overlong_penalty is 0", "set rl.overlong_penalty (e.g. 1) or remove overlong_buffer");
        check(!rl.DynamicSampling || rl.GroupSize >= 2, "$.rl.dynamic_sampling",
            $"dynamic sampling keeps only groups whose rewards differ, and a group of {rl.GroupSize} completion never differs, so no step would ever train",
            "use rl.group_size ≥ 2 or set rl.dynamic_sampling to false");
        check(rl.DynamicSamplingMaxRounds is >= 1 and <= 1000, "$.rl.dynamic_sampling_max_rounds",
            $"must be 1–1000, got {rl.DynamicSamplingMaxRounds}", "use e.g. 8 (generation rounds per step, the first included)");
        ValidateScaleRlOptions(rl, check);
        check(rl.EvalEvery >= 1, "$.rl.eval_every", $"must be ≥ 1, got {rl.EvalEvery}", "use e.g. 10");
        check(rl.EvalProblems is >= 1 and <= 1_000_000, "$.rl.eval_problems", $"must be between 1 and 1,000,000, got {rl.EvalProblems}", "use e.g. 64");
        check(rl.EvalSamples is >= 1 and <= MaxPassK, "$.rl.eval_samples", $"must be 1–{MaxPassK}, got {rl.EvalSamples}",
            "use e.g. 8 (completions sampled per evaluation problem for pass@1 and pass@k)");
        check(rl.PassK is >= 1 and <= MaxPassK, "$.rl.pass_k", $"must be 1–{MaxPassK}, got {rl.PassK}", "use e.g. 4");
        check(rl.PassK <= rl.EvalSamples, "$.rl.pass_k", $"pass@{rl.PassK} needs at least {rl.PassK} samples per problem, but eval_samples is {rl.EvalSamples}",
            $"raise rl.eval_samples to at least {rl.PassK} or lower rl.pass_k");
        var trained = TaskMixture.Expand(rl.Tasks, rl.HeldOutTasks);
        foreach (var (task, i) in (rl.UnrewardedTasks ?? []).Select((t, i) => (t, i)))
        {
            string path = $"$.rl.unrewarded_tasks[{i}]";
            check(catalogs.TaskFamilies.Contains(task), path, $"unknown task family '{task}'", "use one of: " + string.Join(", ", catalogs.TaskFamilies.Order()));
            check(!trained.ContainsKey(task), path, $"task '{task}' is rewarded in RL (rl.tasks), so it cannot be unrewarded",
                "remove it from one of the two lists");
            check(rl.HeldOutTasks?.Contains(task) != true, path, $"task '{task}' is both held out and unrewarded",
                "list it in held_out_tasks (in no training data) or in unrewarded_tasks (in pre-training only), not both");
        }
        check(rl.GradClip >= 0 && double.IsFinite(rl.GradClip), "$.rl.grad_clip", $"must be ≥ 0, got {rl.GradClip}", "use 1.0 (0 disables clipping)");
        check(rl.CheckpointEvery >= 1, "$.rl.checkpoint_every", $"must be ≥ 1, got {rl.CheckpointEvery}", "use e.g. 10");
        foreach (var (step, i) in (rl.EvalAtSteps ?? []).Select((s, i) => (s, i)))
            check(step >= 0 && step <= rl.Steps, $"$.rl.eval_at_steps[{i}]", $"step {step} is outside 0–{rl.Steps}", "list steps within the run");
    }

    /// <summary>Every family an RL run evaluates: the rewarded mixture (categories expanded), held-out and unrewarded.</summary>
    /// <summary>The ScaleRL recipe's options (docs/pipelines.md, "ScaleRL recipe options").</summary>
    private static void ValidateScaleRlOptions(RlSection rl, Action<bool, string, string, string> check)
    {
        check(rl.CispoMaxRatio is null || rl.Loss == PolicyLossKind.Cispo, "$.rl.cispo_max_ratio",
            "the truncation bound is CISPO's, but rl.loss is not cispo", "set rl.loss to \"cispo\" or remove cispo_max_ratio");
        check(rl.CispoMaxRatio is null || (double.IsFinite(rl.CispoMaxRatio.Value) && rl.CispoMaxRatio > 1 && rl.CispoMaxRatio <= 1000),
            "$.rl.cispo_max_ratio", $"must be in (1, 1000], got {rl.CispoMaxRatio}",
            $"use e.g. {RlSection.DefaultCispoMaxRatio} (a bound ≤ 1 would truncate even on-policy tokens, whose weight is exactly 1)");
        check(rl.AdvantageNormalization == AdvantageNormalization.Group || rl.Algorithm == RlAlgorithm.Grpo, "$.rl.advantage_normalization",
            $"batch normalisation scales GRPO's group-relative advantages, but rl.algorithm is {RlAlgorithms.Name(rl.Algorithm)}",
            "use rl.algorithm \"grpo\" or remove advantage_normalization");
        check(rl.AdvantageNormalization == AdvantageNormalization.Group || rl.ScaleByStd, "$.rl.advantage_normalization",
            "batch normalisation divides by a std, but rl.scale_by_std is false (no division at all)",
            "set rl.scale_by_std to true or remove advantage_normalization");
        check(!rl.ZeroVarianceFilter || rl.Algorithm != RlAlgorithm.Reinforce, "$.rl.zero_variance_filter",
            "reinforce's batch-mean baseline gives a group whose rewards agree a non-zero advantage, so the filter would drop signal",
            "use rl.algorithm \"grpo\" or \"rloo\", or set zero_variance_filter to false");
        check(!rl.ZeroVarianceFilter || rl.GroupSize >= 2, "$.rl.zero_variance_filter",
            $"a group of {rl.GroupSize} completion never varies, so every group would be filtered and no step would train",
            "use rl.group_size ≥ 2 or set zero_variance_filter to false");
        check(rl.DropSolvedThreshold is null || (double.IsFinite(rl.DropSolvedThreshold.Value) && rl.DropSolvedThreshold > 0 && rl.DropSolvedThreshold <= 1),
            "$.rl.drop_solved_threshold", $"must be in (0, 1], got {rl.DropSolvedThreshold}",
            "use 0.9 (ScaleRL's no-positive-resampling) or remove it to never drop problems");
    }

    public static IReadOnlyList<string> EvaluatedFamilies(RlSection rl) =>
        TaskMixture.Expand(rl.Tasks, rl.HeldOutTasks).Keys.Concat(rl.HeldOutTasks ?? []).Concat(rl.UnrewardedTasks ?? []).Distinct().ToList();

    /// <summary>
    /// A held-out family must be absent from all training data: RL already excludes it; here no pre-training corpus
    /// of the experiment may contain its <c>task:</c> domain at any difficulty, nor a generated domain that renders the
    /// family's own prompts with worked answers (e.g. sort-trace for sorting), since those drop only eval-split problems.
    /// </summary>
    private static void ValidateHeldOutTasksUntrained(PipelineSpec spec, RlSection rl, Action<bool, string, string, string> check)
    {
        foreach (var (task, i) in (rl.HeldOutTasks ?? []).Select((t, i) => (t, i)))
            foreach (var (name, corpus) in spec.Corpora)
                foreach (var domain in corpus.Domains.Keys)
                    check(!Data.DomainRegistry.RenderedFamilies(domain).Contains(task), $"$.rl.held_out_tasks[{i}]",
                        $"task '{task}' is held out, but corpus '{name}' pre-trains on it: domain '{domain}' renders '{task}' problems with their answers, and a held-out family must appear in no training data",
                        $"remove '{domain}' from corpora.{name}, or move '{task}' to rl.unrewarded_tasks (evaluated with split 'unrewarded': seen in pre-training, not rewarded in RL)");
    }

    /// <summary>
    /// Every RL and held-out family's prompts must leave room for an answer in the context: otherwise the RL stage
    /// stops at its first such prompt and evaluation scores the family 0 without saying why.
    /// </summary>
    private static void ValidatePromptsFit(RlSection rl, int context, Catalogs catalogs, Action<bool, string, string, string> check)
    {
        if (catalogs.PromptTokens is null) return;
        foreach (var task in rl.Tasks.Keys.Where(t => TaskMixture.ParseCategory(t) is null).Concat(rl.HeldOutTasks ?? []).Concat(rl.UnrewardedTasks ?? []).Distinct())
        {
            int longest = catalogs.PromptTokens(task, rl.Difficulty);
            check(longest < context, "$.model.context_length",
                $"'{task}' prompts at difficulty {rl.Difficulty} are up to {longest} tokens long, which leaves no room for an answer in a context of {context}",
                $"use a context_length of at least {longest + rl.MaxNewTokens} (prompt + rl.max_new_tokens), or a lower rl.difficulty");
        }
    }
}
