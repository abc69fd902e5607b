using TrainingPipeline.Analysis.Points;

namespace TrainingPipeline.Analysis.Tests.Points;

public class RunBreadthTests
{
    [Theory]
    [InlineData("{\"rl\":{\"rl_breadth\":4},\"corpus_breadth\":2}", true, 4)]
    [InlineData("{\"rl\":{\"rl_breadth\":4},\"corpus_breadth\":2}", false, 2)]
    [InlineData("{\"tasks\":[\"arith\",\"sort\",\"parity\"]}", true, 3)]
    [InlineData("{\"rl\":{\"tasks\":{\"arith\":1,\"sort\":1}}}", true, 2)]
    public void ReadsTheNamedIntegerOrCountsTasks(string json, bool preferRl, int expected) =>
        Assert.Equal(expected, RunBreadth.Read(json, preferRl));

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    public void IsNullWhenNothingSaysHowBroad(string json) => Assert.Null(RunBreadth.Read(json, preferRl: true));

    [Theory]
    [InlineData("{\"rl\":{\"rl_breadth\":4},\"corpus_breadth\":2}", 2)]
    [InlineData("{\"rl\":{\"rl_breadth\":4}}", null)]
    [InlineData("not json", null)]
    public void ReadsOnlyTheNamedPropertyWithoutFallingBackToOtherBreadths(string json, int? expected) =>
        Assert.Equal(expected, RunBreadth.ReadNamed(json, "corpus_breadth"));
}
