using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Evaluation;

/// <summary>
/// Mean next-token loss (nats/token) with its standard error across batches, and the same loss per byte of the
/// evaluated text (<see cref="BitsPerByte"/> = total nats / (ln 2 · bytes of the target tokens)), which compares
/// across tokenizers. Its standard error is the loss's scaled by the same tokens-to-bytes factor.
/// </summary>
public sealed record LossEstimate(double Loss, double Stderr, long Tokens, double BitsPerByte, double BitsPerByteStderr, long Bytes);

/// <summary>
/// Evaluates next-token loss on the same fixed batches every time (a loader with a fixed seed, rewound), so losses
/// at different steps are comparable.
/// </summary>
public static class LossEvaluator
{
    /// <param name="tokenBytes">Bytes of text per token id (<see cref="TokenBytes.Lengths"/>).</param>
    public static LossEstimate Evaluate(Gpt model, TokenCorpus corpus, IReadOnlyList<int> tokenBytes, int batchSize, int contextLength, int batches,
        Device device, long seed = 1234)
    {
        int context = (int)Math.Min(contextLength, corpus.TokenCount - 1);
        var loader = new BatchLoader(corpus, batchSize, context, seed);
        var inputs = new long[batchSize * context];
        var targets = new long[batchSize * context];
        var losses = new List<double>(batches);
        long bytes = 0;
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                loader.Next(inputs, targets);
                foreach (long target in targets) bytes += tokenBytes[(int)target];
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
        long tokens = (long)batches * batchSize * context;
        // Every batch has the same token count, so the mean of batch means is the mean over tokens: total nats = mean · tokens.
        double perByte = tokens / (Math.Log(2) * bytes);
        return new LossEstimate(mean, stderr, tokens, mean * perByte, stderr * perByte, bytes);
    }
}
