using TrainingPipeline.Data;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tests.Data;

public class DomainRegistryTests
{
    [Fact]
    public void IdsAreUniqueAndResolveToThemselves()
    {
        var ids = DomainRegistry.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var id in ids) Assert.Equal(id, DomainRegistry.Get(id).Id);
    }

    [Fact]
    public void DifficultySuffixSelectsALevel()
    {
        var domain = DomainRegistry.Get("arith-add@3");
        Assert.Equal("arith-add@3", domain.Id);
        Assert.Equal("arith-add", DomainRegistry.BaseIdOf(domain.Id));
        Assert.NotEqual(DomainRegistry.Get("arith-add").Documents(1).First(), domain.Documents(1).First());
    }

    [Fact]
    public void UnknownIdIsBadInputListingKnownIds()
    {
        var error = Assert.Throws<BadInputException>(() => DomainRegistry.Get("no-such-domain"));
        Assert.Contains("no-such-domain", error.Message);
        Assert.Contains("arith-add", error.Message);
        Assert.Contains("sort-trace", error.Message);
    }

    [Fact]
    public void OutOfRangeDifficultyIsBadInput()
    {
        var error = Assert.Throws<BadInputException>(() => DomainRegistry.Get("arith-add@99"));
        Assert.Contains("arith-add@1", error.Fix);
    }
}
