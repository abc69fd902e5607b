using Microsoft.ML;

namespace TrainingPipeline.MLNet;

/// <summary>The entry points, in the style of ML.NET's own catalogs.</summary>
public static class MLContextExtensions
{
    /// <summary>The causal-LM catalog: <c>mlContext.CausalLm().Trainers.Pretrain(...)</c>, <c>.Grpo(...)</c>, <c>.LoadCheckpoint(...)</c>.</summary>
    public static CausalLmCatalog CausalLm(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new CausalLmCatalog(mlContext);
    }

    /// <summary>
    /// A trained checkpoint as a transform to chain, like <c>mlContext.Transforms.ApplyOnnxModel</c>: <c>Fit</c>
    /// checks the input schema and loads the checkpoint (it does not train; the trainers do), and the transformer
    /// adds Completion, LogProbability and, with a task family, Reward columns to a data view with a Prompt column.
    /// </summary>
    public static CausalLmEstimator CausalLm(this TransformsCatalog catalog, CausalLmOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CausalLmEstimator(options);
    }
}
