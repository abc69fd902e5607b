namespace TrainingPipeline.Tests.Pipeline;

/// <summary>
/// Tests that compare two trainings number for number. Model initialisation draws from libtorch's one global
/// generator (<c>manual_seed</c>), which tests of other classes, run in parallel by xunit, draw from too; a draw in
/// between changes the initial weights. Tests in this collection run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchRng
{
    public const string Name = "global torch generator";
}
