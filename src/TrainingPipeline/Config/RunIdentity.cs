using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TrainingPipeline.Model;
using TrainingPipeline.RL;

namespace TrainingPipeline.Config;

/// <summary>
/// A run's identity: the fields that change its computation, and nothing else. The run id is the first 16 hex digits
/// of SHA-256 over the identity's canonical JSON, in which a property equal to its record's declared default is left
/// out: a field added later with a default that keeps the old computation changes no id. Evaluation, checkpoint,
/// logging and progress settings, device and thread count are not in it (docs/results-schema.md, "Run identity").
/// </summary>
public static class RunIdentity
{
    /// <summary>
    /// Version of the identity schema, hashed into every id. Raise it (and keep the old scheme as a
    /// <see cref="LegacyRunIds"/>-style reader) only when ids must change; adding an optional field does not need it.
    /// Version 0 is the scheme before it: a hash of the whole resolved run config.
    /// </summary>
    public const int Version = 1;

    /// <summary>The canonical dialect (<see cref="SpecJson.Canonical"/>) that also omits declared defaults.</summary>
    public static readonly JsonSerializerOptions Json = new(SpecJson.Canonical)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitDeclaredDefaults } },
    };

    public static (string Id, string Json) Of<T>(T identity) where T : notnull
    {
        string json = JsonSerializer.Serialize(identity, Json);
        return (Hash(json), json);
    }

    public static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];

    /// <param name="resolveDomain">Resolves the mixture's domain ids (default <see cref="SpecResolver.ResolveDomain"/>).</param>
    public static PretrainIdentity For(PretrainRunConfig config, Func<string, Data.IDomain>? resolveDomain = null)
    {
        var t = config.Training;
        return new PretrainIdentity(Version, config.Stage.ToString(), config.ParentRunId, config.Seed, config.Model, config.Tokenizer,
            config.Mixture, config.Tokens, config.ResetOptimizer,
            new PretrainOptimisation(t.BatchSize, t.GradAccum, t.Lr, t.MinLrRatio, t.Schedule, t.WarmupSteps,
                t.WsdDecayFraction, t.WeightDecay, t.Beta1, t.Beta2, t.GradClip),
            config.Precision, config.PhaseLrSchedule ?? PhaseLrSchedule.Rewarm, ChangedDomainData(config.Mixture.Keys, resolveDomain));
    }

    /// <summary>
    /// The fingerprints (<see cref="Data.IDomain.Fingerprint"/>) of the built-in domains of a mixture whose generated
    /// text changed since identity version 1 was introduced, or null when none did: a generator change re-keys exactly
    /// the runs that trained on that domain (and their descendants, through the parent id), and leaves every other id
    /// as it was. User corpora are not in it (their files are the user's; the corpus cache keys on their contents).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? ChangedDomainData(IEnumerable<string> domainIds, Func<string, Data.IDomain>? resolveDomain = null)
    {
        var resolve = resolveDomain ?? SpecResolver.ResolveDomain;
        var changed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in domainIds)
        {
            if (Data.DomainRegistry.IsUserCorpusId(id)) continue;
            Data.IDomain domain;
            try { domain = resolve(id); }
            catch (Exception e) when (e is Results.BadInputException or ArgumentOutOfRangeException) { continue; }  // reported by the validator
            var fingerprint = domain.Fingerprint;
            if (fingerprint != FingerprintAtVersion1(domain)) changed[id] = fingerprint;
        }
        return changed.Count == 0 ? null : changed;
    }

    /// <summary>Each domain's fingerprint when identity version 1 was introduced: a domain still at it adds nothing to ids.</summary>
    private static string FingerprintAtVersion1(Data.IDomain domain) => domain switch
    {
        Data.Domains.TaskFamilyDomain => domain.Id + "/v3",
        Data.Domains.GeneratedDomain { RendersFamilies.Count: > 0 } => domain.Id + "/v1/train-split-2",
        _ => domain.Id + "/v1",
    };

    public static RlIdentity For(RlRunConfig config)
    {
        var r = config.Rl;
        return new RlIdentity(Version, config.Stage.ToString(), config.ParentRunId, config.Seed, config.Model, config.Tokenizer,
            new RlOptimisation(r.Tasks, r.Algorithm, r.Difficulty, r.DifficultySchedule, r.Steps, r.PromptsPerStep,
                r.GroupSize, r.MaxNewTokens, r.Temperature, r.Lr, r.UpdateEpochs, r.ClipLow, r.ClipHigh, r.KlCoef,
                r.ScaleByStd, r.LossAggregation, r.DynamicSampling, r.DynamicSamplingMaxRounds, r.OverlongPenalty,
                r.OverlongBuffer, r.GradClip, r.Loss, r.Loss == PolicyLossKind.Cispo ? r.EffectiveCispoMaxRatio : null,
                r.AdvantageNormalization, r.ZeroVarianceFilter, r.DropSolvedThreshold),
            config.Precision);
    }

    /// <summary>
    /// Writes only a record's constructor parameters (not derived properties such as <see cref="ModelConfig.ParamsTotal"/>,
    /// which a later version may add or change), and leaves one out when it equals the default its constructor declares
    /// for it, at any depth (e.g. <see cref="ModelConfig.Norm"/>). Parameters without a declared default are always written.
    /// </summary>
    private static void OmitDeclaredDefaults(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        var constructor = info.Type.GetConstructors().MaxBy(c => c.GetParameters().Length);
        if (constructor is null || constructor.GetParameters().Length == 0) return;
        var parameters = constructor.GetParameters().Where(p => p.Name is not null).ToDictionary(p => p.Name!, StringComparer.Ordinal);
        for (int i = info.Properties.Count - 1; i >= 0; i--)
        {
            var property = info.Properties[i];
            if (property.AttributeProvider is not MemberInfo member || !parameters.TryGetValue(member.Name, out var parameter))
            {
                info.Properties.RemoveAt(i);
                continue;
            }
            if (!parameter.HasDefaultValue) continue;
            var declared = DeclaredDefault(parameter);
            property.ShouldSerialize = (_, value) => !Equals(value, declared);
        }
    }

    // An enum parameter's default comes back as its underlying integer; compare like with like.
    private static object? DeclaredDefault(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return parameter.DefaultValue is { } value && type.IsEnum ? Enum.ToObject(type, value) : parameter.DefaultValue;
    }
}

/// <summary>
/// What makes a pre-training run's trajectory: its place in the chain (stage, parent), seed, model, tokenizer, data
/// (mixture, token budget, and the fingerprint of every domain whose generator changed since identity version 1:
/// <see cref="RunIdentity.ChangedDomainData"/>), optimisation and numerics. Not in it: <c>eval_every</c>, <c>eval_batches</c>,
/// <c>held_out_domains</c> (evaluation only), <c>checkpoint_every</c>/<c>checkpoint_minutes</c> (a resumed run is
/// exactly the uninterrupted one), device and threads.
/// </summary>
public sealed record PretrainIdentity(
    int IdentityVersion,
    string Stage,
    string? ParentRunId,
    long Seed,
    ModelConfig Model,
    string Tokenizer,
    IReadOnlyDictionary<string, double> Mixture,
    long Tokens,
    bool ResetOptimizer,
    PretrainOptimisation Optimisation,
    Precision Precision = Precision.Fp32,
    PhaseLrSchedule PhaseLrSchedule = PhaseLrSchedule.Rewarm,
    IReadOnlyDictionary<string, string>? ChangedDomainData = null);

/// <summary>The pre-training hyper-parameters that change the updates.</summary>
public sealed record PretrainOptimisation(
    int BatchSize,
    int GradAccum,
    double Lr,
    double MinLrRatio,
    LrScheduleKind Schedule,
    int WarmupSteps,
    double WsdDecayFraction,
    double WeightDecay,
    double Beta1,
    double Beta2,
    double GradClip);

/// <summary>
/// What makes an RL run's trajectory: chain place, seed, model, tokenizer, numerics and the RL algorithm with its
/// rewarded task mixture. Not in it: the evaluation schedule and sizes (<c>eval_*</c>, <c>pass_k</c>), held-out and
/// unrewarded families (evaluated only; evaluation samples with its own generator), <c>checkpoint_every</c>.
/// </summary>
public sealed record RlIdentity(
    int IdentityVersion,
    string Stage,
    string ParentRunId,
    long Seed,
    ModelConfig Model,
    string Tokenizer,
    RlOptimisation Rl,
    Precision Precision = Precision.Fp32);

/// <summary>
/// The RL settings that change what is sampled, rewarded and updated. The ScaleRL options come last with defaults
/// that keep the old computation, so every earlier id stays; CISPO's bound is written resolved (its default
/// included) whenever the loss is CISPO, so a later change of that default cannot give two computations one id.
/// </summary>
public sealed record RlOptimisation(
    IReadOnlyDictionary<string, double> Tasks,
    RlAlgorithm Algorithm,
    int Difficulty,
    IReadOnlyList<DifficultyPoint>? DifficultySchedule,
    int Steps,
    int PromptsPerStep,
    int GroupSize,
    int MaxNewTokens,
    double Temperature,
    double Lr,
    int UpdateEpochs,
    double ClipLow,
    double ClipHigh,
    double KlCoef,
    bool ScaleByStd,
    LossAggregation LossAggregation,
    bool DynamicSampling,
    int DynamicSamplingMaxRounds,
    double OverlongPenalty,
    int OverlongBuffer,
    double GradClip,
    PolicyLossKind Loss = PolicyLossKind.ClippedSurrogate,
    double? CispoMaxRatio = null,
    AdvantageNormalization AdvantageNormalization = AdvantageNormalization.Group,
    bool ZeroVarianceFilter = false,
    double? DropSolvedThreshold = null);

/// <summary>
/// Identity version 0: the id as versions before <see cref="RunIdentity.Version"/> 1 computed it, a hash of the whole
/// resolved run config (<see cref="PretrainRunConfig"/>/<see cref="RlRunConfig"/> in <see cref="SpecJson.Canonical"/>),
/// chained through the parents' version-0 ids. Kept so that a results folder written by an older version is still
/// matched (<see cref="Pipeline.StoredRunIds"/>); golden tests pin it.
/// </summary>
public static class LegacyRunIds
{
    public static string Of<T>(T config) => RunIdentity.Hash(JsonSerializer.Serialize(config, SpecJson.Canonical));
}
