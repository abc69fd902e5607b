namespace TrainingPipeline.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator whose output is fixed by its definition, so corpora
/// are identical across .NET versions and machines (System.Random's non-legacy algorithm is not guaranteed stable).
/// </summary>
public sealed class SplitMix64
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public SplitMix64(long seed) => _state = unchecked((ulong)seed);

    /// <summary>A generator whose state starts at <paramref name="state"/> (the same bits as the <c>long</c> seed).</summary>
    public static SplitMix64 FromState(ulong state) => new(unchecked((long)state));

    public ulong NextUInt64()
    {
        _state = unchecked(_state + GoldenGamma);
        return Finalize(_state);
    }

    /// <summary>Uniform in [0, maxExclusive); the modulo bias is below 2^-32 for the small ranges used here.</summary>
    public int Next(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "must be positive");
        return (int)((NextUInt64() >> 1) % (ulong)maxExclusive);
    }

    /// <summary>Uniform in [minInclusive, maxInclusive].</summary>
    public int Between(int minInclusive, int maxInclusive) => minInclusive + Next(maxInclusive - minInclusive + 1);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public long NextSeed() => unchecked((long)NextUInt64());

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A stateless hash of one value: the i-th output of a generator seeded with <paramref name="value"/>.</summary>
    public static ulong Mix(ulong value) => Finalize(unchecked(value + GoldenGamma));

    /// <summary>Combines two values into a well-mixed seed (order matters).</summary>
    public static long Combine(long a, long b) => unchecked((long)Mix(Mix((ulong)a) ^ (ulong)b));

    /// <summary>SplitMix64's output function alone (no increment): a bijective scrambling of 64 bits.</summary>
    public static ulong Finalize(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
