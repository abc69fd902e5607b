using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// One operation on a short list of numbers (sum with running totals, max with the running maximum, reverse,
/// count of a value), ending <c>Answer: ...</c>. Difficulty d uses lists of 2 + d items.
/// </summary>
public sealed class ListOperationsDomain(int difficulty = 1) : GeneratedDomain(
    "list-ops", "algorithmic", "Sum, max, reverse or count over a short list, traced step by step, ending 'Answer: ...'.",
    difficulty, maxDifficulty: 6)
{
    /// <summary>The question line is list-ops' prompt; a running sum's steps ("15 + 7 = 22") state addition problems.</summary>
    public override IReadOnlyList<string> RendersFamilies => ["list-ops", "addition"];

    protected override string Generate(SplitMix64 random)
    {
        var items = new int[2 + Difficulty];
        for (var i = 0; i < items.Length; i++) items[i] = random.Between(0, Difficulty <= 2 ? 9 : 99);
        var text = new StringBuilder();
        switch (random.Next(4))
        {
            case 0:
                text.Append("sum of ").AppendJoin(' ', items).Append('\n');
                var total = items[0];
                foreach (var item in items.Skip(1))
                {
                    text.Append(total).Append(" + ").Append(item).Append(" = ").Append(total + item).Append('\n');
                    total += item;
                }
                text.Append("Answer: ").Append(total);
                break;
            case 1:
                text.Append("max of ").AppendJoin(' ', items).Append('\n');
                var best = items[0];
                text.Append("start with ").Append(best).Append('\n');
                foreach (var item in items.Skip(1))
                {
                    if (item > best) text.Append(item).Append(" > ").Append(best).Append(", take ").Append(item).Append('\n');
                    else text.Append(item).Append(" <= ").Append(best).Append(", keep ").Append(best).Append('\n');
                    best = Math.Max(best, item);
                }
                text.Append("Answer: ").Append(best);
                break;
            case 2:
                text.Append("reverse ").AppendJoin(' ', items).Append("\nAnswer: ").AppendJoin(' ', items.Reverse());
                break;
            default:
                var target = random.Chance(0.7) ? random.Pick(items) : random.Between(0, 9);
                text.Append("count ").Append(target).Append(" in ").AppendJoin(' ', items).Append('\n');
                var count = 0;
                foreach (var item in items)
                    if (item == target) text.Append("found ").Append(item).Append(", count ").Append(++count).Append('\n');
                text.Append("Answer: ").Append(count);
                break;
        }
        return text.Append('\n').ToString();
    }
}
