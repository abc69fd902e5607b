using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TrainingPipeline.Model;
using TrainingPipeline.RL;

namespace TrainingPipeline.Config;

/// <summary>
/// Everything that determines a pre-training run's computation (and so its id). <paramref name="Precision"/> is left out
/// of the canonical JSON when it is fp32, so runs planned before precision existed keep their ids; bf16 appears as
/// <c>"precision":"bf16"</c> and gives a different id. <paramref name="PhaseLrSchedule"/> likewise: null for the
/// default <c>rewarm</c>, so the ids of runs planned before the option existed did not change.
/// </summary>
public sealed record PretrainRunConfig(
    string Stage,
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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PhaseLrSchedule = null)
{
    /// <summary>Number of domains in the mixture: the data-breadth lever.</summary>
    public int CorpusBreadth => Mixture.Count;
}

/// <summary>Everything that determines an RL run's computation (and so its id); precision as in <see cref="PretrainRunConfig"/>.</summary>
public sealed record RlRunConfig(
    string Stage,
    string ParentRunId,
    long Seed,
    ModelConfig Model,
    string Tokenizer,
    RlSection Rl,
    int CorpusBreadth,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] Precision Precision = Precision.Fp32)
{
    /// <summary>Number of task families in the RL mixture: the RL-breadth lever.</summary>
    public int RlBreadth => Rl.Tasks.Count;
}

/// <summary>One run to execute: its id, place in the chain, and resolved config.</summary>
public sealed record PlannedRun(
    string Id,
    string Stage,
    string? ParentId,
    string ConfigJson,
    PretrainRunConfig? Pretrain,
    RlRunConfig? Rl,
    IReadOnlyDictionary<string, string> Axes);

/// <summary>The runs of an experiment in dependency order (parents first), deduplicated by id.</summary>
public sealed record RunPlan(string Experiment, PipelineSpec Spec, IReadOnlyList<PlannedRun> Runs)
{
    public PlannedRun Get(string id) => Runs.First(r => r.Id == id);

    /// <summary>
    /// Expands sweep points into chains pretrain_&lt;phase&gt;… → rl. A run's id hashes its resolved config, which
    /// includes its parent's id, so two sweep points that agree up to a stage share that stage's runs, and adding a
    /// point adds only the runs that are new.
    /// </summary>
    public static RunPlan Create(IReadOnlyList<SweepPoint> points, int vocabSize)
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
            var model = SpecResolver.ResolveModel(spec.Model, vocabSize);
            var precision = SpecResolver.ResolvePrecision(spec.Precision);
            var training = spec.Pretrain with { Phases = [] };
            string? parent = null;
            int breadth = 0;
            foreach (var phase in spec.Pretrain.Phases)
            {
                var mixture = new SortedDictionary<string, double>(spec.Corpora[phase.Corpus].Domains.ToDictionary(), StringComparer.Ordinal);
                var config = new PretrainRunConfig("pretrain_" + phase.Name, parent, spec.Seed, model, spec.Tokenizer,
                    phase.Name, mixture, phase.Tokens, (spec.HeldOutDomains ?? []).Order(StringComparer.Ordinal).ToList(),
                    phase.ResetOptimizer, training, precision,
                    phase.LrSchedule == PhaseLrSchedules.Rewarm ? null : phase.LrSchedule);
                var (id, json) = Identify(config);
                Add(new PlannedRun(id, config.Stage, parent, json, config, null, point.Axes));
                parent = id;
                breadth = mixture.Count;
            }
            if (spec.Rl is { } rl && parent is not null)
            {
                var sorted = rl with
                {
                    Tasks = TaskMixture.Expand(rl.Tasks, rl.HeldOutTasks),
                    HeldOutTasks = (rl.HeldOutTasks ?? []).Order(StringComparer.Ordinal).ToList(),
                };
                var config = new RlRunConfig("rl", parent, spec.Seed, model, spec.Tokenizer, sorted, breadth, precision);
                var (id, json) = Identify(config);
                Add(new PlannedRun(id, "rl", parent, json, null, config, point.Axes));
            }
        }
        return new RunPlan(points[0].Spec.Name, points[0].Spec, runs);
    }

    /// <summary>Run id: the first 16 hex digits of SHA-256 over the canonical JSON of the resolved config.</summary>
    public static (string Id, string Json) Identify<T>(T config)
    {
        string json = JsonSerializer.Serialize(config, SpecJson.Canonical);
        string id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
        return (id, json);
    }
}
