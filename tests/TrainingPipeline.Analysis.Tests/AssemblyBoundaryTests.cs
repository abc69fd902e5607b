namespace TrainingPipeline.Analysis.Tests;

public class AnalysisProjectTests
{
    [Fact]
    public void AnalysisAssemblyDoesNotReferenceTorchSharp()
    {
        // The analysis stage must read results only: it must never pull TorchSharp (or libtorch) in.
        var refs = typeof(TrainingPipeline.Analysis.AssemblyMarker).Assembly.GetReferencedAssemblies();
        Assert.DoesNotContain(refs, r => r.Name!.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
    }
}
