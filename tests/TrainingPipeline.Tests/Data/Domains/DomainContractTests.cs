using TrainingPipeline.Data;

namespace TrainingPipeline.Tests.Data.Domains;

/// <summary>Properties every registered domain must have, at its lowest and highest difficulty.</summary>
public class DomainContractTests
{
    public static TheoryData<string> DomainIds() => [.. DomainRegistry.All.Select(d => d.Id)];

    [Theory]
    [MemberData(nameof(DomainIds))]
    public void IsDeterministicBySeedAndVariesAcrossSeeds(string id)
    {
        var domain = DomainRegistry.Get(id);
        Assert.Equal(domain.Documents(7).Take(20), domain.Documents(7).Take(20));
        Assert.NotEqual(domain.Documents(7).Take(20), domain.Documents(8).Take(20));
    }

    [Theory]
    [MemberData(nameof(DomainIds))]
    public void DocumentsAreShortNonEmptyAndVaried(string id)
    {
        var documents = DomainRegistry.Get(id).Documents(1).Take(200).ToList();
        Assert.All(documents, d => Assert.False(string.IsNullOrWhiteSpace(d)));
        Assert.True(documents.Average(d => d.Length) < 400, $"{id}: level-1 documents should be short");
        Assert.True(documents.Distinct().Count() > 100, $"{id}: fewer than 100 distinct documents in 200");
        Assert.NotEmpty(DomainRegistry.Get(id).Description);
        Assert.NotEmpty(DomainRegistry.Get(id).Category);
    }
}
