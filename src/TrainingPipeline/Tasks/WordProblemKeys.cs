using System.Text.RegularExpressions;

namespace TrainingPipeline.Tasks;

/// <summary>
/// The underlying problem of a word-problem prompt: its arithmetic, without the person, the objects or the verb
/// ("buys" or "finds", "gives away" or "loses"). "Ann has 7 apples. She buys 5 more. How many apples now?" and
/// "Bo has 5 cards. He finds 7 more. How many cards now?" are both <c>Word problem: 5 + 7</c>: the same numbers and
/// operations give the same answer, so they must share a split. A run of additive events is a sum whose terms may be
/// reordered (as addition's <c>47 + 38</c> is <c>38 + 47</c>) and a bag's count is a product (3 bags of 5 = 5 bags of
/// 3); scaling events (doubling, n times as many, sharing among n) keep their order. A key is in its own namespace: a
/// word problem is not addition's "What is 5 + 7?", whose statement "7 + 5 = 12" is in every worked sum.
/// </summary>
internal static partial class WordProblemKeys
{
    public const string KeyPrefix = "Word problem: ";

    [GeneratedRegex(@"^[A-Z][a-z]* has (\d+) ([a-z]+)\. (.*)How many \2 now\?$")]
    private static partial Regex Story();

    [GeneratedRegex(@"^[A-Za-z]+ (?:buys|finds) (\d+) more$")]
    private static partial Regex Gains();

    [GeneratedRegex(@"^[A-Za-z]+ (?:gives away|loses) (\d+)$")]
    private static partial Regex Loses();

    [GeneratedRegex(@"^[A-Za-z]+ gets (\d+) bags of (\d+)$")]
    private static partial Regex Bags();

    [GeneratedRegex(@"^[A-Za-z]+ stock doubles$")]
    private static partial Regex Doubles();

    [GeneratedRegex(@"^[A-Za-z]+ ends up with (\d+) times as many$")]
    private static partial Regex Times();

    [GeneratedRegex(@"^[A-Za-z]+ splits them equally among (\d+) friends and keeps one share$")]
    private static partial Regex Shares();

    /// <summary>A cheap test for a line that may be a word problem, before <see cref="Key"/>.</summary>
    public static bool MayBeOne(ReadOnlySpan<char> line) =>
        line.EndsWith(" now?", StringComparison.Ordinal) && line.Contains(" has ", StringComparison.Ordinal);

    /// <summary>The key of a one-line word problem, or null when the text is not one (every event must be understood).</summary>
    public static string? Key(string text)
    {
        var story = Story().Match(text);
        if (!story.Success) return null;
        // The terms of the current additive run (the first is the count it starts from), or null inside a scaling run.
        List<string>? sum = [story.Groups[1].Value];
        string expression = "";
        foreach (var sentence in story.Groups[3].Value.Split('.', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Gains().Match(sentence) is { Success: true } gain) Add(ref sum, expression, "+", gain.Groups[1].Value);
            else if (Loses().Match(sentence) is { Success: true } loss) Add(ref sum, expression, "-", loss.Groups[1].Value);
            else if (Bags().Match(sentence) is { Success: true } bags) Add(ref sum, expression, "+", bags.Groups[1].Value, "*", bags.Groups[2].Value);
            else if (Doubles().IsMatch(sentence)) Scale(ref sum, ref expression, "* 2");
            else if (Times().Match(sentence) is { Success: true } times) Scale(ref sum, ref expression, "* " + times.Groups[1].Value);
            else if (Shares().Match(sentence) is { Success: true } share) Scale(ref sum, ref expression, "/ " + share.Groups[1].Value);
            else return null;
        }
        return KeyPrefix + (sum is null ? expression : ProblemKeys.CanonicalSum(sum));
    }

    /// <summary>Adds a term (a number, or a bag's "count * size", whose factors the canonical sum sorts).</summary>
    private static void Add(ref List<string>? sum, string expression, string op, params string[] term)
    {
        // After a scaling run, the scaled count is one term of the new sum.
        sum ??= [$"({expression})"];
        sum.Add(op);
        sum.AddRange(term);
    }

    private static void Scale(ref List<string>? sum, ref string expression, string step)
    {
        if (sum is not null) expression = sum.Count == 1 ? sum[0] : $"({ProblemKeys.CanonicalSum(sum)})";
        sum = null;
        expression += " " + step;
    }
}
