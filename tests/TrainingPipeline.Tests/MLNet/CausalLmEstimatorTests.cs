using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using TrainingPipeline.MLNet;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tests.MLNet;

[Collection(TinyCheckpoint.Collection)]
public sealed class CausalLmEstimatorTests(TinyCheckpoint checkpoint)
{
    private readonly MLContext _ml = new(seed: 1);

    private IDataView Prompts() => TaskDataViews.FromFamily(_ml, TinyCheckpoint.Family, 2, TinyCheckpoint.Difficulty);

    // ML.NET keeps SchemaShape.Create internal; users meet SchemaShape through pipelines, tests build one directly.
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!
            .Invoke(null, [schema])!;

    [Fact]
    public void OutputShapeAgreesWithTheFittedTransformersSchema()
    {
        var prompts = Prompts();
        var estimator = new CausalLmEstimator(new CausalLmOptions(checkpoint.Folder, checkpoint.Config, TaskFamily: TinyCheckpoint.Family));

        var shape = estimator.GetOutputSchema(ShapeOf(prompts.Schema));
        using var transformer = estimator.Fit(prompts);
        var schema = transformer.GetOutputSchema(prompts.Schema);

        Assert.Equal(schema.Select(c => c.Name).Order(), shape.Select(c => c.Name).Order());
        foreach (var column in shape)
            Assert.Equal(schema[column.Name].Type, column.ItemType);
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, shape.Single(c => c.Name == "Reward").Kind);
    }

    [Fact]
    public void AMissingCheckpointFolderIsBadInputNamingTheFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tp-mlnet-missing-" + Guid.NewGuid().ToString("N")[..8]);
        var error = Assert.Throws<BadInputException>(() =>
            _ml.Transforms.CausalLm(new CausalLmOptions(folder, checkpoint.Config)).Fit(Prompts()));

        Assert.Equal(folder, error.InputFile);
        Assert.Contains(folder, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void AFolderWithoutACheckpointIsBadInput()
    {
        var folder = Directory.CreateTempSubdirectory("tp-mlnet-empty-").FullName;
        try
        {
            var error = Assert.Throws<BadInputException>(() =>
                _ml.Transforms.CausalLm(new CausalLmOptions(folder, checkpoint.Config)).Fit(Prompts()));
            Assert.Equal(folder, error.InputFile);
            Assert.Contains("no LATEST", error.Message);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public void AModelConfigThatDoesNotMatchTheCheckpointIsBadInput()
    {
        var wider = checkpoint.Config with { DModel = 64 };
        var error = Assert.Throws<BadInputException>(() =>
            _ml.Transforms.CausalLm(new CausalLmOptions(checkpoint.Folder, wider)).Fit(Prompts()));
        Assert.Contains("shape", error.Message);
    }

    [Fact]
    public void FitChecksTheInputColumnsBeforeLoading()
    {
        var texts = TaskDataViews.EvalTexts(_ml, ["a document"]);
        var options = new CausalLmOptions(checkpoint.Folder, checkpoint.Config);
        Assert.Equal("Prompt", Assert.Throws<BadInputException>(() => _ml.Transforms.CausalLm(options).Fit(texts)).Field);
        Assert.Equal("Prompt", Assert.Throws<BadInputException>(() => new CausalLmEstimator(options).GetOutputSchema(ShapeOf(texts.Schema))).Field);

        var promptsOnly = _ml.Transforms.SelectColumns("Prompt").Fit(Prompts()).Transform(Prompts());
        var withFamily = options with { TaskFamily = TinyCheckpoint.Family };
        var error = Assert.Throws<BadInputException>(() => _ml.Transforms.CausalLm(withFamily).Fit(promptsOnly));
        Assert.Equal("Answer", error.Field);
    }

    [Fact]
    public void BadOptionsAreBadInput()
    {
        var options = new CausalLmOptions(checkpoint.Folder, checkpoint.Config);
        Assert.Equal("MaxNewTokens", Assert.Throws<BadInputException>(() => CausalLmTransformer.Load(options with { MaxNewTokens = 0 })).Field);
        Assert.Equal("Temperature", Assert.Throws<BadInputException>(() => CausalLmTransformer.Load(options with { Temperature = -1 })).Field);
        Assert.Equal("TaskFile", Assert.Throws<BadInputException>(() => CausalLmTransformer.Load(options with { TaskFamily = "gsm8k" })).Field);
        Assert.Throws<BadInputException>(() => CausalLmTransformer.Load(options with { TaskFamily = "no-such-family" }));
    }
}
