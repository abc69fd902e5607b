using TrainingPipeline.Config;
using TrainingPipeline.Model;

namespace TrainingPipeline.MLNet;

/// <summary>
/// Where a trainer writes, as the CLI does: results under <c>Output/results</c> (the same Parquet dataset),
/// checkpoints under <c>Models/&lt;Experiment&gt;/&lt;run id&gt;</c>, the corpus cache under <c>Datasets</c>
/// (<c>Output/datasets</c> when null). Fitting again with the same options and data skips a completed run and resumes
/// an interrupted one, like <c>run</c>.
/// </summary>
public sealed record CausalLmTrainingFolders(string Experiment, string Output, string Models, string? Datasets = null)
{
    internal string DatasetsOrDefault => Datasets ?? Path.Combine(Output, "datasets");
}

/// <summary>
/// Options of <c>mlContext.CausalLm().Trainers.Pretrain(...)</c>: one pre-training run on the documents of a text
/// column. <paramref name="Training"/> holds the hyper-parameters with docs/pipelines.md's defaults (its phases are
/// ignored); <paramref name="Tokens"/> is the token budget. The documents' content is part of the run's identity.
/// </summary>
public sealed record PretrainTrainerOptions(
    CausalLmTrainingFolders Folders,
    ModelConfig Model,
    long Tokens,
    PretrainSection? Training = null,
    string TextColumn = "Text",
    long Seed = 0,
    Precision Precision = Precision.Fp32,
    string Device = "cpu");

/// <summary>
/// Options of <c>mlContext.CausalLm().Trainers.Grpo(...)</c>: one RL run (GRPO family) from <paramref name="Policy"/>,
/// a checkpoint trained in the same <see cref="CausalLmTrainingFolders.Models"/> folder and experiment (a pre-training
/// trainer's result, or <c>LoadCheckpoint</c> of a pipeline run), rewarded by <paramref name="TaskFamily"/>'s verifier
/// (a <c>TaskRegistry</c> name) on the prompts of the data view. <paramref name="Rl"/> holds the RL hyper-parameters with
/// docs/pipelines.md's defaults (its <c>tasks</c> are replaced by the prompt set; <c>algorithm</c> is kept).
/// </summary>
public sealed record GrpoTrainerOptions(
    CausalLmTrainingFolders Folders,
    CausalLmTransformer Policy,
    string TaskFamily,
    RlSection? Rl = null,
    long Seed = 0,
    Precision Precision = Precision.Fp32,
    string Device = "cpu");
