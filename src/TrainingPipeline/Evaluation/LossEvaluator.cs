using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Evaluation;

/// <summary>Mean next-token loss (nats/token) with its standard error across batches.</summary>
public sealed record LossEstimate(double Loss, double Stderr, long Tokens);

/// <summary>
/// Evaluates next-token loss on the same fixed batches every time (a loader with a fixed seed, rewound), so losses
/// at different steps are comparable.
/// </summary>
public static class LossEvaluator
{
    public static LossEstimate Evaluate(Gpt model, TokenCorpus corpus, int batchSize, int contextLength, int batches, Device device, long seed = 1234)
    {
        int context = (int)Math.Min(contextLength, corpus.TokenCount - 1);
        var loader = new BatchLoader(corpus, batchSize, context, seed);
        var inputs = new long[batchSize * context];
        var targets = new long[batchSize * context];
        var losses = new List<double>(batches);
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                loader.Next(inputs, targets);
                var x = tensor(inputs, device: device).view(batchSize, context);
                var y = tensor(targets, device: device).view(-1);
                var logits = model.forward(x);
                losses.Add(F.cross_entropy(logits.view(-1, logits.shape[2]), y).item<float>());
                FaultInjection.At(FaultInjection.Sites.EvalLoss);
            }
        }
        if (wasTraining) model.train();
        double mean = losses.Average();
        double stderr = losses.Count < 2 ? 0 : Math.Sqrt(losses.Sum(l => (l - mean) * (l - mean)) / (losses.Count - 1) / losses.Count);
        return new LossEstimate(mean, stderr, (long)batches * batchSize * context);
    }
}
