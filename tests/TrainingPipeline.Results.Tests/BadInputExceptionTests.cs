namespace TrainingPipeline.Results.Tests;

public class BadInputExceptionTests
{
    [Fact]
    public void MessageNamesSourceFieldAndFix()
    {
        var e = new BadInputException("pipelines/x.json", "$.model.n_layer", "must be positive, got -1", "use a value ≥ 1");
        Assert.Equal("pipelines/x.json: $.model.n_layer: must be positive, got -1. Fix: use a value ≥ 1", e.Message);
    }
}
