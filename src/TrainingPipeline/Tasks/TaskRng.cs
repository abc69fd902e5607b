using System.Text;

namespace TrainingPipeline.Tasks;

/// <summary>
/// A small SplitMix64 generator. Hand-written so that problems generated from a seed are identical on every .NET
/// version and platform (System.Random's algorithm is not a compatibility promise).
/// </summary>
public sealed class TaskRng
{
    private ulong _state;

    public TaskRng(ulong seed) => _state = seed;

    /// <summary>The generator for one problem: mixes the family name, the seed and the difficulty.</summary>
    public static TaskRng For(string family, long seed, int difficulty)
    {
        var mixed = Mix(StableHash(family) ^ Mix(unchecked((ulong)seed)) ^ Mix((ulong)(uint)difficulty + 0x51ED2701UL));
        return new TaskRng(mixed);
    }

    /// <summary>FNV-1a over UTF-8; never string.GetHashCode, which is randomized per process.</summary>
    public static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash = unchecked(hash * 1099511628211UL);
        }
        return hash;
    }

    public ulong NextULong()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        return Mix(_state);
    }

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

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
