using System.Globalization;
using System.Text.RegularExpressions;
using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Config;

/// <summary>
/// docs/tasks.md lists the family/difficulty combinations whose eval split is too small for the default
/// <c>eval_problems</c> (500). The table must be the validator's: the same combinations refused, with the space sizes
/// its message names.
/// </summary>
public sealed partial class EvalSplitSizeTableTests
{
    private const int DefaultEvalProblems = 500;

    [GeneratedRegex(@"^\| (\d) \| (.+) \|$")]
    private static partial Regex Row();

    [GeneratedRegex(@"([a-z-]+) \(([\d,]+)\)")]
    private static partial Regex FamilyWithSize();

    [GeneratedRegex(@"has about ([\d,]+) distinct problems")]
    private static partial Regex SpaceSize();

    [Fact]
    public void TheDocumentedTooSmallCombinationsAreExactlyTheOnesTheValidatorRefuses()
    {
        Assert.Equal(DefaultEvalProblems, new RlSection(new Dictionary<string, double>()).EvalProblems);
        var documented = DocumentedTable();
        Assert.NotEmpty(documented);

        var check = SpecResolver.Catalogs().CheckEvalSplit!;
        var refused = new Dictionary<(int, string), long>();
        foreach (var family in TaskRegistry.All)
            for (int difficulty = 1; difficulty <= 3; difficulty++)
            {
                try
                {
                    check(family.Name, difficulty, DefaultEvalProblems, "pipeline.json", "$.rl.eval_problems");
                }
                catch (BadInputException e)
                {
                    refused[(difficulty, family.Name)] = long.Parse(SpaceSize().Match(e.Message).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                }
            }

        string Show(IEnumerable<KeyValuePair<(int, string), long>> table) =>
            string.Join("\n", table.OrderBy(t => t.Key).Select(t => $"{t.Key.Item1} {t.Key.Item2} ({t.Value.ToString("N0", CultureInfo.InvariantCulture)})"));
        Assert.True(Show(refused) == Show(documented),
            $"docs/tasks.md's table of too-small eval splits is out of date.\nValidator refuses:\n{Show(refused)}\nDocumented:\n{Show(documented)}");
    }

    /// <summary>The rows of the table under "Families with fewer than 500 eval problems" in docs/tasks.md.</summary>
    private static Dictionary<(int, string), long> DocumentedTable()
    {
        var lines = File.ReadAllLines(Path.Combine(SharedData.RepositoryRoot(), "docs", "tasks.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("Families with fewer than 500 eval problems", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/tasks.md has no table of families with fewer than 500 eval problems");
        var table = new Dictionary<(int, string), long>();
        foreach (var line in lines.Skip(start).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            var row = Row().Match(line);
            if (!row.Success) continue; // the header and its rule
            int difficulty = int.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture);
            foreach (Match entry in FamilyWithSize().Matches(row.Groups[2].Value))
                table[(difficulty, entry.Groups[1].Value)] = long.Parse(entry.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }
        return table;
    }
}
