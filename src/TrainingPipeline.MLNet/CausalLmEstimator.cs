using Microsoft.ML;
using Microsoft.ML.Data;
using TrainingPipeline.Results;

namespace TrainingPipeline.MLNet;

/// <summary>
/// The ML.NET estimator for a trained causal language model. <see cref="Fit"/> does not train: training happens in
/// the pipeline's pre-training and RL stages, and fitting here only checks the input schema and loads the latest
/// checkpoint of <see cref="CausalLmOptions.CheckpointFolder"/>. It exists so that a checkpoint slots into an ML.NET
/// pipeline (<c>estimator.Append(...)</c>, <c>Fit</c>, <c>Transform</c>) like any other transform.
/// </summary>
public sealed class CausalLmEstimator(CausalLmOptions options) : IEstimator<CausalLmTransformer>
{
    public CausalLmOptions Options { get; } = options;

    /// <summary>Checks that <paramref name="input"/> has what the transformer needs, then loads the checkpoint.</summary>
    public CausalLmTransformer Fit(IDataView input)
    {
        CausalLmTransformer.CheckInput(input.Schema, Options);
        return CausalLmTransformer.Load(Options);
    }

    /// <summary>The input columns plus Completion, LogProbability and (with a task family) Reward.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        RequireText(inputSchema, CausalLmColumns.Prompt);
        if (Options.TaskFamily is not null) RequireText(inputSchema, CausalLmColumns.Answer);
        // SchemaShape.Column has no public constructor (and SchemaShape.Create is internal), so the shape is derived
        // with ML.NET's own public estimators: copying the text Prompt column gives a scalar text column, converting
        // it gives a scalar Single column. Nothing is fitted; only GetOutputSchema runs.
        var ml = new MLContext();
        IEstimator<ITransformer> shape = ml.Transforms.CopyColumns(CausalLmColumns.Completion, CausalLmColumns.Prompt)
            .Append(ml.Transforms.Conversion.ConvertType(CausalLmColumns.LogProbability, CausalLmColumns.Prompt, DataKind.Single));
        if (Options.TaskFamily is not null)
            shape = shape.Append(ml.Transforms.Conversion.ConvertType(CausalLmColumns.Reward, CausalLmColumns.Prompt, DataKind.Single));
        return shape.GetOutputSchema(inputSchema);
    }

    private static void RequireText(SchemaShape schema, string name)
    {
        var column = schema.FirstOrDefault(c => c.Name == name);
        if (column.Name is null)
            throw new BadInputException("input schema", name, $"there is no column '{name}' (columns: {string.Join(", ", schema.Select(c => c.Name))})",
                $"give the data a {name} text column");
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw new BadInputException("input schema", name, $"is not a scalar text column", $"give the data a {name} text column");
    }
}
