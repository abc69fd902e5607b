using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public class SortTraceDomainTests
{
    [Fact]
    public void AnswerIsTheSortedInputAndPassesArePermutations()
    {
        foreach (var document in new SortTraceDomain(3).Documents(5).Take(200))
        {
            var lines = document.TrimEnd('\n').Split('\n');
            var input = DocumentText.Numbers(lines[0]["Sort: ".Length..]);
            var answer = DocumentText.Numbers(lines[^1]["Answer: ".Length..]);
            Assert.Equal(input.Order(), answer);
            foreach (var pass in lines[1..^1])
                Assert.Equal(input.Order(), DocumentText.Numbers(pass[(pass.IndexOf(':') + 2)..]).Order());
        }
    }
}
