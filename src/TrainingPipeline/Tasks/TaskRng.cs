using TrainingPipeline.Data;

namespace TrainingPipeline.Tasks;

/// <summary>
/// The task families' draws from the project's one generator, <see cref="SplitMix64"/> (stable on every .NET version
/// and platform, unlike System.Random). Its ranges are exact (rejection sampling), where <see cref="SplitMix64"/>'s own
/// are shift-and-modulo; both are kept because each fixes the data generated so far (docs/tasks.md, "Contract", determinism).
/// </summary>
public sealed class TaskRng
{
    private readonly SplitMix64 _source;

    public TaskRng(ulong seed) => _source = SplitMix64.FromState(seed);

    /// <summary>The generator for one problem: mixes the family name, the seed and the difficulty.</summary>
    public static TaskRng For(string family, long seed, int difficulty)
    {
        var mixed = SplitMix64.Finalize(StableHash.Fnv1a64Utf8(family) ^ SplitMix64.Finalize(unchecked((ulong)seed))
            ^ SplitMix64.Finalize((ulong)(uint)difficulty + 0x51ED2701UL));
        return new TaskRng(mixed);
    }

    public ulong NextULong() => _source.NextUInt64();

    /// <summary>Uniform in [minInclusive, maxExclusive).</summary>
    public long NextLong(long minInclusive, long maxExclusive)
    {
        if (maxExclusive <= minInclusive) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        var range = (ulong)(maxExclusive - minInclusive);
        // Rejection sampling removes modulo bias.
        var limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong draw;
        do draw = NextULong(); while (draw >= limit);
        return minInclusive + (long)(draw % range);
    }

    /// <summary>Uniform in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => (int)NextLong(minInclusive, maxExclusive);

    /// <summary>Uniform in [minInclusive, maxInclusive].</summary>
    public int Between(int minInclusive, int maxInclusive) => Next(minInclusive, maxInclusive + 1);

    public bool NextBool() => (NextULong() & 1) == 1;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count)];

    /// <summary>A number with exactly <paramref name="digits"/> decimal digits (1 digit includes 0).</summary>
    public long NumberWithDigits(int digits)
    {
        if (digits == 1) return NextLong(0, 10);
        var low = Pow10(digits - 1);
        return NextLong(low, low * 10);
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(0, i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public static long Pow10(int exponent)
    {
        long value = 1;
        for (var i = 0; i < exponent; i++) value = checked(value * 10);
        return value;
    }
}
