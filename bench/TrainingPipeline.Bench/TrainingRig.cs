using TorchSharp;
using TorchSharp.Modules;
using TrainingPipeline.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Bench;

/// <summary>
/// A model, its AdamW optimizer and a few batches of random tokens: one training step is exactly what
/// PretrainStage does per step (forward, cross-entropy, backward, gradient clipping, AdamW, loss read back).
/// The Python peer (bench/reference/gpt_bench.py) does the same.
/// </summary>
public sealed class TrainingRig : IDisposable
{
    private const int DistinctBatches = 4;
    private readonly Gpt _model;
    private readonly OptimizerHelper _optimizer;
    private readonly Tensor[] _inputs;
    private readonly Tensor[] _targets;
    private int _next;

    public BenchShape Shape { get; }
    public ModelConfig Config => _model.Config;

    public TrainingRig(BenchShape shape, AttentionKernel attention, int seed, Precision precision = Precision.Fp32)
    {
        Shape = shape;
        manual_seed(seed);
        _model = new Gpt(shape.Model(attention), precision);
        _model.train();
        var (decay, noDecay) = _model.WeightDecayGroups();
        _optimizer = optim.AdamW(new[]
        {
            new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = 0.1 }),
            new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }),
        }, lr: 3e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.1);

        // Random tokens, drawn up front so the timed loop measures the model, not the token source.
        var generator = new Generator((ulong)seed + 1000);
        _inputs = new Tensor[DistinctBatches];
        _targets = new Tensor[DistinctBatches];
        for (int i = 0; i < DistinctBatches; i++)
        {
            _inputs[i] = randint(BenchShape.VocabSize, new long[] { shape.Batch, shape.Context }, generator: generator);
            _targets[i] = randint(BenchShape.VocabSize, new long[] { shape.Batch * shape.Context }, generator: generator);
        }
    }

    /// <summary>One optimizer step; returns the loss.</summary>
    public float Step()
    {
        using var scope = NewDisposeScope();
        int batch = _next++ % DistinctBatches;
        _optimizer.zero_grad();
        var logits = _model.forward(_inputs[batch]);
        var loss = F.cross_entropy(logits.view(-1, BenchShape.VocabSize), _targets[batch]);
        loss.backward();
        nn.utils.clip_grad_norm_(_model.parameters(), 1.0);
        _optimizer.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        foreach (var t in _inputs.Concat(_targets)) t.Dispose();
        _optimizer.Dispose();
        _model.Dispose();
    }
}
