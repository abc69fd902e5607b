using System.Globalization;
using System.Text.RegularExpressions;
using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Config;

/// <summary>
/// docs/tasks.md's problem-space table gives each family/difficulty's eval-split size. The levels it shows below the
/// default <c>eval_problems</c> (500) must be exactly the ones the validator refuses, with a message naming the size.
/// </summary>
public sealed partial class EvalSplitSizeTableTests
{
    private const int DefaultEvalProblems = 500;

    [GeneratedRegex(@"^\| `([a-z-]+)` \|(.+)\|$")]
    private static partial Regex Row();

    [GeneratedRegex(@"^\s*([\d,]+) / ([\d,]+)\s*$")]
    private static partial Regex CountAndEvalCount();

    [GeneratedRegex(@"has about [\d,]+ distinct problems")]
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
                    Assert.Matches(SpaceSize(), e.Message);
                    refused[(difficulty, family.Name)] = 0;
                }
            }

        string Show(IEnumerable<KeyValuePair<(int, string), long>> table) =>
            string.Join("\n", table.OrderBy(t => t.Key).Select(t => $"{t.Key.Item1} {t.Key.Item2}"));
        Assert.True(Show(refused) == Show(documented),
            $"docs/tasks.md's table of too-small eval splits is out of date.\nValidator refuses:\n{Show(refused)}\nDocumented:\n{Show(documented)}");
    }

    /// <summary>
    /// The levels 1–3 of the problem-space table in docs/tasks.md ("distinct / eval" per cell) whose eval count is below
    /// 500, i.e. the ones `plan` must refuse at the default <c>eval_problems</c>. The value is unused (0).
    /// </summary>
    private static Dictionary<(int, string), long> DocumentedTable()
    {
        var lines = File.ReadAllLines(Path.Combine(SharedData.RepositoryRoot(), "docs", "tasks.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("### Problem-space sizes", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/tasks.md has no \"### Problem-space sizes\" table");
        var table = new Dictionary<(int, string), long>();
        foreach (var line in lines.Skip(start).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            var row = Row().Match(line);
            if (!row.Success) continue; // the header and its rule
            var cells = row.Groups[2].Value.Split('|');
            for (int difficulty = 1; difficulty <= 3 && difficulty <= cells.Length; difficulty++)
            {
                var cell = CountAndEvalCount().Match(cells[difficulty - 1]);
                if (cell.Success && long.Parse(cell.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) < DefaultEvalProblems)
                    table[(difficulty, row.Groups[1].Value)] = 0;
            }
        }
        return table;
    }
}
