using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.Tasks;

public class TaskRegistryTests
{
    [Fact]
    public void NamesAreUniqueAndResolvable()
    {
        var names = TaskRegistry.All.Concat(TaskRegistry.Variants).Select(f => f.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var name in names) Assert.Same(TaskRegistry.Get(name), TaskRegistry.Get(name));
        Assert.Contains("addition", names);
        Assert.Contains("code-trace", names);
    }

    [Fact]
    public void UnknownNameIsBadInputListingTheKnownNames()
    {
        var error = Assert.Throws<BadInputException>(() => TaskRegistry.Get("additon"));
        Assert.Contains("additon", error.Message);
        Assert.Contains("addition", error.Message);
        Assert.Contains("code-trace", error.Message);
    }

    [Fact]
    public void SelectCombinesNamesCategoriesAndExclusions()
    {
        Assert.Equal(TaskRegistry.All, TaskRegistry.Select(null, null, null));
        var math = TaskRegistry.Select(null, [TaskCategory.Math], null);
        Assert.NotEmpty(math);
        Assert.All(math, f => Assert.Equal(TaskCategory.Math, f.Category));
        Assert.Equal(TaskRegistry.All.Count(f => f.Category == TaskCategory.Math), math.Count);

        var mixed = TaskRegistry.Select(["code-trace"], [TaskCategory.Math], ["addition"]);
        Assert.Contains(mixed, f => f.Name == "code-trace");
        Assert.DoesNotContain(mixed, f => f.Name == "addition");
        Assert.Equal(mixed.Count, mixed.Select(f => f.Name).Distinct().Count());

        var heldOut = TaskRegistry.Select(null, null, ["code-trace"]);
        Assert.Equal(TaskRegistry.All.Count - 1, heldOut.Count);
        Assert.Throws<BadInputException>(() => TaskRegistry.Select(["nope"], null, null));
        Assert.Throws<BadInputException>(() => TaskRegistry.Select(null, null, ["nope"]));
    }

    [Fact]
    public void AtLeastSixteenFamiliesCoverEveryCategory()
    {
        Assert.True(TaskRegistry.All.Count >= 16);
        foreach (var category in Enum.GetValues<TaskCategory>())
            Assert.True(TaskRegistry.All.Count(f => f.Category == category) >= 3, $"{category} has fewer than 3 families");
    }
}
