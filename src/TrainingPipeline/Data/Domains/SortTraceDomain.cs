using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Bubble sort traced pass by pass: the list after each pass that swapped something, then the sorted list.
/// Difficulty d sorts 3 + d single- or two-digit numbers.
/// </summary>
public sealed class SortTraceDomain(int difficulty = 1) : GeneratedDomain(
    "sort-trace", "algorithmic", "Bubble sort of a short list, one line per pass, ending 'Answer: sorted list'.",
    difficulty, maxDifficulty: 6)
{
    public override IReadOnlyList<string> RendersFamilies => ["sorting"];

    protected override string Generate(SplitMix64 random)
    {
        var items = new int[3 + Difficulty];
        var maxValue = Difficulty <= 2 ? 9 : 99;
        for (var i = 0; i < items.Length; i++) items[i] = random.Between(0, maxValue);
        var text = new StringBuilder();
        text.Append("Sort: ").AppendJoin(' ', items).Append('\n');
        for (var pass = 1; pass < items.Length; pass++)
        {
            var swapped = false;
            for (var i = 0; i + pass < items.Length; i++)
            {
                if (items[i] <= items[i + 1]) continue;
                (items[i], items[i + 1]) = (items[i + 1], items[i]);
                swapped = true;
            }
            if (!swapped) break;
            text.Append("pass ").Append(pass).Append(": ").AppendJoin(' ', items).Append('\n');
        }
        text.Append("Answer: ").AppendJoin(' ', items).Append('\n');
        return text.ToString();
    }
}
