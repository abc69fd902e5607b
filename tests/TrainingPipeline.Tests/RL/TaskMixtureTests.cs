using TrainingPipeline.Config;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.RL;

public class TaskMixtureTests
{
    [Fact]
    public void DifficultyFollowsTheScheduleAndStartsAtTheBaseLevel()
    {
        var rl = new RlSection(new Dictionary<string, double> { ["addition"] = 1 }, Difficulty: 1, Steps: 100,
            DifficultySchedule: [new DifficultyPoint(10, 2), new DifficultyPoint(50, 4)]);

        Assert.Equal([1, 1, 2, 2, 4, 4], new[] { 0, 9, 10, 49, 50, 100 }.Select(step => TaskMixture.DifficultyAt(rl, step)));
        Assert.Equal(3, TaskMixture.DifficultyAt(rl with { Difficulty = 3, DifficultySchedule = null }, 70));
    }

    [Theory]
    [InlineData("category:math", TaskCategory.Math)]
    [InlineData("category:code", TaskCategory.Code)]
    [InlineData("category:logic", TaskCategory.Logic)]
    public void CategoryKeysNameACategory(string key, TaskCategory expected) => Assert.Equal(expected, TaskMixture.ParseCategory(key));

    [Theory]
    [InlineData("math")]
    [InlineData("category:Math")]
    [InlineData("category:maths")]
    [InlineData("addition")]
    public void OtherKeysAreNotCategories(string key) => Assert.Null(TaskMixture.ParseCategory(key));

    [Fact]
    public void AFamilyNamedAlsoThroughItsCategoryGetsBothWeights()
    {
        var math = TaskRegistry.All.Count(f => f.Category == TaskCategory.Math);
        var tasks = TaskMixture.Expand(new Dictionary<string, double> { ["addition"] = 2, ["category:math"] = math }, heldOut: null);
        Assert.Equal(3, tasks["addition"], 12);
        Assert.Equal(math, tasks.Count);
    }
}
