using System.Globalization;
using System.Text;
using TrainingPipeline.Tasks;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Tasks;

/// <summary>Problem-space sizes per family and level (src/TrainingPipeline/Tasks/ProblemSpace.cs), as docs/tasks.md lists them.</summary>
public sealed class ProblemSpaceTests
{
    /// <summary>The table in docs/tasks.md ("Problem-space sizes") is exactly what the code measures.</summary>
    [Fact]
    public void TheDocumentedSizesAreTheMeasuredOnes()
    {
        var docs = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot(), "docs", "tasks.md")).Replace("\r\n", "\n");
        var table = Table();
        Assert.True(docs.Contains(table, StringComparison.Ordinal), "docs/tasks.md should hold this table:\n" + table);
    }

    [Fact]
    public void SequenceAtLevelThreeIsNoLongerATenProblemSpace()
    {
        var size = ProblemSpace.Measure(TaskRegistry.Get("sequence"), 3);
        Assert.True(size.Exhausted);
        Assert.Equal(180, size.Problems);  // start 1..60 × ratio 2..4; it was 5 × 2 = 10
    }

    [Fact]
    public void EquivalentProblemsAreCountedOnce()
    {
        // 10 × 10 one-digit additions, of which 45 pairs are commuted twins.
        Assert.Equal(55, ProblemSpace.Measure(TaskRegistry.Get("addition"), 1).Problems);
    }

    /// <summary>One row per family: "problems / eval problems" per level, "≥ 5,000" where counting stopped.</summary>
    public static string Table()
    {
        int levels = TaskRegistry.All.Max(f => f.MaxDifficulty);
        var text = new StringBuilder();
        text.Append("| family |").AppendJoin("", Enumerable.Range(1, levels).Select(d => $" {d} |")).Append('\n');
        text.Append("|---|").AppendJoin("", Enumerable.Repeat("---|", levels)).Append('\n');
        foreach (var family in TaskRegistry.All)
        {
            text.Append($"| `{family.Name}` |");
            for (int d = 1; d <= levels; d++)
            {
                if (d > family.MaxDifficulty) { text.Append(" |"); continue; }
                var size = ProblemSpace.Measure(family, d);
                text.Append(size.Exhausted
                    ? string.Create(CultureInfo.InvariantCulture, $" {size.Problems:N0} / {size.EvalProblems:N0} |")
                    : string.Create(CultureInfo.InvariantCulture, $" ≥ {ProblemSpace.Cap:N0} |"));
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
