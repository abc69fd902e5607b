using Microsoft.ML;

namespace TrainingPipeline.MLNet;

/// <summary>The <c>mlContext.Transforms.CausalLm(...)</c> entry point, in the style of ML.NET's own catalogs.</summary>
public static class MLContextExtensions
{
    /// <summary>
    /// An estimator whose <c>Fit</c> loads a trained checkpoint (no training) and whose transformer adds
    /// Completion, LogProbability and, with a task family, Reward columns to a data view with a Prompt column.
    /// </summary>
    public static CausalLmEstimator CausalLm(this TransformsCatalog catalog, CausalLmOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CausalLmEstimator(options);
    }
}
