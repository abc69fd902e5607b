using TrainingPipeline.Config;
using TrainingPipeline.Data;

namespace TrainingPipeline.Tests.Config;

/// <summary>The one way tests turn a pipeline text into a run plan (each point's tokenizer vocabulary, source "test.json").</summary>
internal static class TestPlans
{
    /// <summary>Against the toy catalogs of <see cref="SpecLoaderTests.Catalogs"/> (domains <c>arith</c>, <c>prose</c>, …): no data is read.</summary>
    public static RunPlan Plan(string json) =>
        RunPlan.Create(SpecLoader.Load(json, "test.json", SpecLoaderTests.Catalogs));

    /// <summary>Against the real registries with their deep checks (<see cref="SpecResolver.Catalogs"/>): what <c>plan</c> and <c>run</c> do.</summary>
    public static RunPlan RealPlan(string json) =>
        RunPlan.Create(SpecLoader.Load(json, "test.json", SpecResolver.Catalogs()));
}
