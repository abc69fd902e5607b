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
    private readonly Gpt model;
    private readonly OptimizerHelper optimizer;
    private readonly Tensor[] inputs;
    private readonly Tensor[] targets;
    private int next;

    public BenchShape Shape { get; }
    public ModelConfig Config => model.Config;

    public TrainingRig(BenchShape shape, AttentionKernel attention, int seed, Precision precision = Precision.Fp32)
    {
        Shape = shape;
        manual_seed(seed);
        model = new Gpt(shape.Model(attention), precision);
        model.train();
        var (decay, noDecay) = model.WeightDecayGroups();
        optimizer = optim.AdamW(new[]
        {
            new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = 0.1 }),
            new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }),
        }, lr: 3e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.1);

        // Random tokens, drawn up front so the timed loop measures the model, not the token source.
        var generator = new Generator((ulong)seed + 1000);
        inputs = new Tensor[DistinctBatches];
        targets = new Tensor[DistinctBatches];
        for (int i = 0; i < DistinctBatches; i++)
        {
            inputs[i] = randint(BenchShape.VocabSize, new long[] { shape.Batch, shape.Context }, generator: generator);
            targets[i] = randint(BenchShape.VocabSize, new long[] { shape.Batch * shape.Context }, generator: generator);
        }
    }

    /// <summary>One optimizer step; returns the loss.</summary>
    public float Step()
    {
        using var scope = NewDisposeScope();
        int batch = next++ % DistinctBatches;
        optimizer.zero_grad();
        var logits = model.forward(inputs[batch]);
        var loss = F.cross_entropy(logits.view(-1, BenchShape.VocabSize), targets[batch]);
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
        optimizer.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        foreach (var t in inputs.Concat(targets)) t.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}
