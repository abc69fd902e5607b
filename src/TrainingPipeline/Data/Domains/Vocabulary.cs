namespace TrainingPipeline.Data.Domains;

/// <summary>The small closed vocabulary shared by the templated language and structured-data domains.</summary>
internal static class Vocabulary
{
    public static readonly string[] Names =
        ["Ana", "Ben", "Cara", "Dan", "Eva", "Finn", "Gia", "Hugo", "Iris", "Jon", "Kai", "Lena", "Mia", "Noah", "Omar", "Pia", "Rosa", "Sam", "Tara", "Ugo"];

    public static readonly string[] Cities =
        ["Lima", "Oslo", "Rome", "Kyiv", "Cairo", "Delhi", "Paris", "Quito", "Seoul", "Tokyo", "Accra", "Dakar"];

    public static readonly string[] Jobs =
        ["baker", "nurse", "pilot", "farmer", "teacher", "painter", "doctor", "singer", "tailor", "driver"];

    public static readonly string[] Animals = ["cat", "dog", "fox", "owl", "bird", "frog", "goat", "horse", "mouse", "lion"];

    public static readonly string[] Colors = ["red", "blue", "green", "black", "white", "brown", "gray", "yellow"];

    public static readonly string[] Objects = ["ball", "book", "cup", "hat", "key", "box", "lamp", "coin", "apple", "pen"];

    public static readonly string[] Rooms = ["kitchen", "garden", "hall", "office", "bedroom", "garage", "library", "attic"];

    public static readonly string[] Adjectives = ["small", "big", "old", "young", "quick", "slow", "happy", "quiet"];

    /// <summary>Draws <paramref name="count"/> different names.</summary>
    public static string[] DistinctNames(SplitMix64 random, int count) => Distinct(random, Names, count);

    public static string[] Distinct(SplitMix64 random, IReadOnlyList<string> pool, int count)
    {
        if (count > pool.Count) throw new ArgumentOutOfRangeException(nameof(count), $"at most {pool.Count} distinct items");
        var chosen = new List<string>(count);
        while (chosen.Count < count)
        {
            var candidate = random.Pick(pool);
            if (!chosen.Contains(candidate)) chosen.Add(candidate);
        }
        return [.. chosen];
    }
}
