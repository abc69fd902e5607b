using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TrainingPipeline.Model;
using TrainingPipeline.RL;
using TrainingPipeline.Results;

namespace TrainingPipeline.Config;

/// <summary>
/// What every run's resolved config has, whichever its stage: code that only needs these reads
/// <see cref="PlannedRun.Config"/> instead of branching on the stage.
/// </summary>
public interface IRunConfig
{
    RunStage Stage { get; }
    string? ParentRunId { get; }
    long Seed { get; }
    ModelConfig Model { get; }
    string Tokenizer { get; }
    Precision Precision { get; }

    /// <summary>
    /// What a <c>bpe:</c> tokenizer is trained on (<see cref="TokenizerChoice.TrainingCorpus"/>); null for <c>byte</c>.
    /// Derived from the chain's first phase, whose mixture the root run's id hashes, so neither hashed nor recorded.
    /// </summary>
    Data.CorpusSpec? TokenizerCorpus { get; }
}

/// <summary>
/// A pre-training run's fully resolved config, recorded as the runs table's <c>config_json</c>. Its id hashes only
/// the part that changes the computation (<see cref="PretrainIdentity"/>). The serialization of this record is frozen
/// as identity version 0 (<see cref="LegacyRunIds"/>): <paramref name="Precision"/> is left out when fp32 and
/// <paramref name="PhaseLrSchedule"/> is null for the default <c>rewarm</c>.
/// </summary>
public sealed record PretrainRunConfig(
    RunStage Stage,
    string? ParentRunId,
    long Seed,
    ModelConfig Model,
    string Tokenizer,
    string Phase,
    IReadOnlyDictionary<string, double> Mixture,
    long Tokens,
    IReadOnlyList<string> HeldOutDomains,
    bool ResetOptimizer,
    PretrainSection Training,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] Precision Precision = Precision.Fp32,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PhaseLrSchedule? PhaseLrSchedule = null) : IRunConfig
{
    /// <summary>Number of domains in the mixture: the data-breadth lever.</summary>
    public int CorpusBreadth => Mixture.Count;

    [JsonIgnore]
    public Data.CorpusSpec? TokenizerCorpus { get; init; }
}

/// <summary>An RL run's fully resolved config (<c>config_json</c>); its id hashes <see cref="RlIdentity"/>. Precision as in <see cref="PretrainRunConfig"/>.</summary>
public sealed record RlRunConfig(
    RunStage Stage,
    string ParentRunId,
    long Seed,
    ModelConfig Model,
    string Tokenizer,
    RlSection Rl,
    int CorpusBreadth,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] Precision Precision = Precision.Fp32) : IRunConfig
{
    /// <summary>Number of task families in the RL mixture: the RL-breadth lever.</summary>
    public int RlBreadth => Rl.Tasks.Count;

    /// <summary>
    /// The task families whose problems this run's pre-training lineage contains (<c>task:</c> domains and domains that
    /// render a family, <see cref="Data.DomainRegistry.RenderedFamilies"/>): which evaluated families are
    /// <c>unrewarded</c> rather than <c>untrained</c> (<see cref="Evaluation.EvalSplits"/>). Derived from the parents'
    /// configs, so neither hashed nor recorded.
    /// </summary>
    [JsonIgnore]
    public IReadOnlySet<string> PretrainedFamilies { get; init; } = new HashSet<string>();

    [JsonIgnore]
    public Data.CorpusSpec? TokenizerCorpus { get; init; }
}

/// <summary>
/// One run to execute: its id, place in the chain, and resolved config. <c>ConfigJson</c> is the resolved config with
/// an <c>identity</c> object (what the id hashes). <c>LegacyId</c> is the run's identity-version-0 id, under which an
/// older version of the tool stored it; <c>IdentityId</c> its current-version id, which <c>Id</c> differs from only
/// when <see cref="Pipeline.StoredRunIds.Bind"/> found the run stored under its legacy id.
/// </summary>
public sealed record PlannedRun(
    string Id,
    RunStage Stage,
    string? ParentId,
    string ConfigJson,
    PretrainRunConfig? Pretrain,
    RlRunConfig? Rl,
    IReadOnlyDictionary<string, string> Axes,
    string? LegacyId = null)
{
    public string IdentityId { get; init; } = Id;

    /// <summary>The run's config as far as every stage shares it.</summary>
    [JsonIgnore]
    public IRunConfig Config => (IRunConfig?)Pretrain ?? Rl ?? throw new InvalidOperationException($"run {Id} has no config");
}

/// <summary>The runs of an experiment in dependency order (parents first), deduplicated by id.</summary>
public sealed record RunPlan(string Experiment, PipelineSpec Spec, IReadOnlyList<PlannedRun> Runs)
{
    public PlannedRun Get(string id) => Runs.First(r => r.Id == id);

    /// <summary>
    /// Expands sweep points into chains pretrain_&lt;phase&gt;… → rl. A run's id hashes its identity
    /// (<see cref="RunIdentity"/>), which includes its parent's id, so two sweep points that agree up to a stage share
    /// that stage's runs, and adding a point adds only the runs that are new.
    /// </summary>
    public static RunPlan Create(IReadOnlyList<SweepPoint> points)
    {
        var runs = new List<PlannedRun>();
        var ids = new HashSet<string>();
        void Add(PlannedRun run)
        {
            if (ids.Add(run.Id)) runs.Add(run);
        }

        foreach (var point in points)
        {
            var spec = point.Spec;
            // The model's vocabulary follows each point's tokenizer (a sweep may vary it).
            var tokenizer = TokenizerChoice.Parse(spec.Tokenizer);
            var model = SpecResolver.ResolveModel(spec.Model, tokenizer.ModelVocabSize);
            var tokenizerCorpus = tokenizer.IsByte || spec.Pretrain.Phases.Count == 0
                ? null
                : TokenizerChoice.TrainingCorpus(spec.Corpora[spec.Pretrain.Phases[0].Corpus].Domains);
            var precision = SpecResolver.ResolvePrecision(spec.Precision);
            var training = spec.Pretrain with { Phases = [] };
            string? parent = null, legacyParent = null;
            int breadth = 0;
            var lineage = new List<IReadOnlyDictionary<string, double>>();
            foreach (var phase in spec.Pretrain.Phases)
            {
                var mixture = new SortedDictionary<string, double>(spec.Corpora[phase.Corpus].Domains.ToDictionary(), StringComparer.Ordinal);
                var config = new PretrainRunConfig(RunStage.Pretrain(phase.Name), parent, spec.Seed, model, spec.Tokenizer,
                    phase.Name, mixture, phase.Tokens, (spec.HeldOutDomains ?? []).Order(StringComparer.Ordinal).ToList(),
                    phase.ResetOptimizer, training, precision,
                    phase.LrSchedule == PhaseLrSchedule.Rewarm ? null : phase.LrSchedule)
                {
                    TokenizerCorpus = tokenizerCorpus,
                };
                var (id, json) = Identify(config);
                string legacy = LegacyRunIds.Of(config with { ParentRunId = legacyParent });
                Add(new PlannedRun(id, config.Stage, parent, json, config, null, point.Axes, legacy));
                parent = id;
                legacyParent = legacy;
                breadth = mixture.Count;
                lineage.Add(mixture);
            }
            if (spec.Rl is { } rl && parent is not null)
            {
                var sorted = rl with
                {
                    Tasks = TaskMixture.Expand(rl.Tasks, rl.HeldOutTasks),
                    HeldOutTasks = (rl.HeldOutTasks ?? []).Order(StringComparer.Ordinal).ToList(),
                };
                var config = new RlRunConfig(RunStage.Rl, parent, rl.Seed ?? spec.Seed, model, spec.Tokenizer, sorted, breadth, precision)
                {
                    PretrainedFamilies = Evaluation.EvalSplits.PretrainedFamilies(lineage),
                    TokenizerCorpus = tokenizerCorpus,
                };
                var (id, json) = Identify(config);
                string legacy = LegacyRunIds.Of(config with { ParentRunId = legacyParent! });
                Add(new PlannedRun(id, config.Stage, parent, json, null, config, point.Axes, legacy));
            }
        }
        return new RunPlan(points[0].Spec.Name, points[0].Spec, runs);
    }

    public static (string Id, string ConfigJson) Identify(PretrainRunConfig config) => Identify(config, RunIdentity.For(config));

    public static (string Id, string ConfigJson) Identify(RlRunConfig config) => Identify(config, RunIdentity.For(config));

    /// <summary>
    /// The run id (hash of <paramref name="identity"/>) and the <c>config_json</c> to record: the resolved config
    /// followed by the identity object, so that a row shows what its id hashes.
    /// </summary>
    public static (string Id, string ConfigJson) Identify<TConfig, TIdentity>(TConfig config, TIdentity identity) where TIdentity : notnull
    {
        var (id, identityJson) = RunIdentity.Of(identity);
        var node = JsonNode.Parse(JsonSerializer.Serialize(config, SpecJson.Canonical))!.AsObject();
        node["identity"] = JsonNode.Parse(identityJson);
        return (id, node.ToJsonString());
    }
}
