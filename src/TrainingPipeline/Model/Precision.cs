using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using TrainingPipeline.Results;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Model;

/// <summary>
/// The numeric precision of a model's forward and backward passes. Part of a run's config (and so of its id):
/// bf16 and fp32 runs are different computations.
/// </summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Fp32,

    /// <summary>
    /// Mixed precision: matrix products and the activations between them in bfloat16; master weights, gradients,
    /// optimizer state, residual stream, norms, softmax, logits and loss in float32 (see <see cref="MixedPrecision"/>).
    /// </summary>
    Bf16,
}

/// <summary>
/// Names and the device check of <see cref="Precision"/>. The check is an error, never a fallback: a run whose id says
/// bf16 must not silently compute in fp32.
/// </summary>
public static class Precisions
{
    public static readonly string[] Choices = ["fp32", "bf16"];

    public static string Name(Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>The precision a name denotes, or null for an unknown name.</summary>
    public static Precision? Parse(string name) => name switch
    {
        "fp32" => Precision.Fp32,
        "bf16" => Precision.Bf16,
        _ => null,
    };

    /// <summary>
    /// The precision a run on <paramref name="deviceType"/> uses; pure decision logic, testable without a GPU.
    /// <paramref name="bf16Problem"/> is null when the device ran the model's operations in bfloat16, else why not.
    /// </summary>
    public static Precision Choose(Precision requested, string deviceType, string? bf16Problem)
    {
        if (requested == Precision.Fp32 || bf16Problem is null) return requested;
        throw new BadInputException("--precision", "precision",
            $"bf16 was requested but the {deviceType} device cannot run the model in bfloat16 ({bf16Problem})",
            "use --precision fp32 (or \"precision\": \"fp32\"), or a device with bfloat16 support (CUDA GPUs of compute capability 8.0 or newer)");
    }

    /// <summary>Throws a <see cref="BadInputException"/> when <paramref name="device"/> cannot run <paramref name="requested"/>.</summary>
    public static void EnsureSupported(Precision requested, Device device)
    {
        if (requested == Precision.Fp32) return;
        Choose(requested, device.type.ToString().ToLowerInvariant(), Bf16Problem(device));
    }

    private static readonly ConcurrentDictionary<string, string?> Probes = new();

    /// <summary>
    /// Null when a tiny GPT trains one step in bf16 on <paramref name="device"/> (every operation the model uses, forward
    /// and backward), else the error. A probe because TorchSharp 0.107 exposes no compute-capability or
    /// <c>is_bf16_supported</c> query; it says the operations run, not that they are fast (older GPUs may emulate them).
    /// Run once per device and process.
    /// </summary>
    public static string? Bf16Problem(Device device) => Probes.GetOrAdd(device.ToString(), _ => Probe(device));

    private static string? Probe(Device device)
    {
        try
        {
            using var scope = NewDisposeScope();
            foreach (var attention in new[] { AttentionKernel.Sdpa, AttentionKernel.Manual })
            {
                using var model = new Gpt(new ModelConfig(1, 2, 8, 4, 16, NormKind.RmsNorm, PositionKind.Rotary, attention), Precision.Bf16);
                model.to(device);
                var idx = arange(8, dtype: ScalarType.Int64, device: device).remainder(16).view(2, 4);
                var loss = F.cross_entropy(model.forward(idx).view(-1, 16), idx.view(-1));
                loss.backward();
                if (!float.IsFinite(loss.item<float>())) return "a bf16 forward pass gave a non-finite loss";
            }
            return null;
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return e.Message.Split('\n')[0];
        }
    }
}

/// <summary>
/// How a <see cref="Gpt"/> computes in a given precision: every cast of mixed precision is here. TorchSharp 0.107 has
/// no autocast, so this does by hand what PyTorch's autocast does for bf16: the parameters stay float32 (the master
/// weights the optimizer updates and checkpoints store), and each matrix product casts its input and its weight to
/// bfloat16 on the fly. Autograd differentiates through the cast, so gradients arrive in float32 on the master weights.
/// <list type="bullet">
/// <item>bf16: the four linear layers of each block, attention (q, k, v, scores, weighted sum), the GELU between the
/// MLP's matrices, the key/value cache.</item>
/// <item>fp32: embeddings, the residual stream (a bf16 branch output is added to the fp32 stream), layer/RMS norms,
/// rotary tables, the manual kernel's softmax, the tied output head and so the logits, the loss, gradients of the
/// parameters, gradient clipping, AdamW and its state, checkpoints.</item>
/// </list>
/// For <see cref="Precision.Fp32"/> every method is the plain float32 operation, unchanged.
/// </summary>
public sealed class MixedPrecision
{
    public static readonly MixedPrecision Fp32 = new(Precision.Fp32);
    public static readonly MixedPrecision Bf16 = new(Precision.Bf16);

    public static MixedPrecision For(Precision precision) => precision == Precision.Bf16 ? Bf16 : Fp32;

    public Precision Precision { get; }

    /// <summary>The dtype of matrix products: null when it is float32 (no casts at all).</summary>
    public ScalarType? ComputeType { get; }

    private MixedPrecision(Precision precision)
    {
        Precision = precision;
        ComputeType = precision == Precision.Bf16 ? ScalarType.BFloat16 : null;
    }

    /// <summary>
    /// x·Wᵀ in the compute dtype, from the float32 master weight (the cast is differentiated), or from the weight's
    /// cast held by <paramref name="casts"/> while a generation reuses one cast per weight.
    /// </summary>
    public Tensor Linear(Tensor x, Linear layer, WeightCasts? casts = null)
    {
        if (ComputeType is not { } low) return layer.forward(x);
        var weight = casts?.Get(layer, low) ?? layer.weight!.to_type(low);
        return F.linear(x.to_type(low), weight, layer.bias?.to_type(low));
    }

    /// <summary>An activation entering a matrix product, in the compute dtype.</summary>
    public Tensor Compute(Tensor x) => ComputeType is { } low ? x.to_type(low) : x;

    /// <summary>Softmax in float32, returned in the dtype of <paramref name="scores"/>.</summary>
    public Tensor Softmax(Tensor scores, long dim) => ComputeType is null
        ? F.softmax(scores, dim)
        : F.softmax(scores.to_type(ScalarType.Float32), dim).to_type(scores.dtype);

    /// <summary>A block's output added to the float32 residual stream (in float32).</summary>
    public static Tensor Residual(Tensor stream, Tensor branch) =>
        branch.dtype == stream.dtype ? stream + branch : stream + branch.to_type(stream.dtype);

    /// <summary>The output head in float32: logits (and everything computed from them) are never bf16.</summary>
    public static Tensor Logits(Tensor x, Tensor weight) => F.linear(x, weight);
}

/// <summary>
/// Low-precision copies of weights made once and reused while active (<see cref="Gpt.CastWeightsOnce"/>): generation
/// feeds one token at a time, and casting every weight at every token cost more than the bf16 products saved.
/// </summary>
public sealed class WeightCasts
{
    private Dictionary<Linear, Tensor>? _casts;

    internal static readonly IDisposable None = new Scope(null);

    internal int Count => _casts?.Count ?? 0;

    internal IDisposable Begin()
    {
        if (_casts is not null) throw new InvalidOperationException("weight casts are already active");
        _casts = new Dictionary<Linear, Tensor>(ReferenceEqualityComparer.Instance);
        return new Scope(this);
    }

    /// <summary>The cast of <paramref name="layer"/>'s weight while active and no gradient is recorded, else null.</summary>
    internal Tensor? Get(Linear layer, ScalarType dtype)
    {
        if (_casts is null || is_grad_enabled()) return null;
        if (!_casts.TryGetValue(layer, out var cast))
        {
            cast = layer.weight!.to_type(dtype).DetachFromDisposeScope();
            _casts[layer] = cast;
        }
        return cast;
    }

    private void End()
    {
        foreach (var cast in _casts?.Values ?? Enumerable.Empty<Tensor>()) cast.Dispose();
        _casts = null;
    }

    private sealed class Scope(WeightCasts? owner) : IDisposable
    {
        public void Dispose() => owner?.End();
    }
}
