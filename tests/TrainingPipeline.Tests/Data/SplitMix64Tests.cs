using TrainingPipeline.Data;

namespace TrainingPipeline.Tests.Data;

public class SplitMix64Tests
{
    [Fact]
    public void MatchesTheReferenceSequenceForSeedZero()
    {
        // First outputs of the reference C implementation (Vigna, splitmix64.c) seeded with 0.
        var random = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void BetweenStaysInRangeAndCoversIt()
    {
        var random = new SplitMix64(42);
        var seen = new HashSet<int>();
        for (var i = 0; i < 1000; i++)
        {
            var value = random.Between(3, 7);
            Assert.InRange(value, 3, 7);
            seen.Add(value);
        }
        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public void CombineDependsOnOrder() =>
        Assert.NotEqual(SplitMix64.Combine(1, 2), SplitMix64.Combine(2, 1));
}
