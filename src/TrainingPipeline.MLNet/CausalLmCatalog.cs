using Microsoft.ML;

namespace TrainingPipeline.MLNet;

/// <summary>
/// <c>mlContext.CausalLm()</c>: trainers that run the pipeline's stages on data views, and loading a checkpoint.
/// The trainers' <c>Fit</c> trains (ML.NET's estimator contract); <see cref="LoadCheckpoint"/> only loads.
/// </summary>
public sealed class CausalLmCatalog
{
    internal CausalLmCatalog(MLContext context)
    {
        Context = context;
        Trainers = new CausalLmTrainers(this);
    }

    internal MLContext Context { get; }

    public CausalLmTrainers Trainers { get; }

    /// <summary>The latest checkpoint of a run folder as a transformer (no training).</summary>
    public CausalLmTransformer LoadCheckpoint(CausalLmOptions options) => CausalLmTransformer.Load(options);
}

/// <summary>The trainers of <see cref="CausalLmCatalog"/>, as <c>mlContext.BinaryClassification.Trainers</c>.</summary>
public sealed class CausalLmTrainers
{
    internal CausalLmTrainers(CausalLmCatalog catalog) => Catalog = catalog;

    internal CausalLmCatalog Catalog { get; }

    /// <summary>Pre-training on a text column: the pipeline's pre-training stage, one phase.</summary>
    public PretrainTrainer Pretrain(PretrainTrainerOptions options) => new(options);

    /// <summary>RL (GRPO family) on a prompt set with a task family's verifier: the pipeline's RL stage.</summary>
    public GrpoTrainer Grpo(GrpoTrainerOptions options) => new(options);
}
