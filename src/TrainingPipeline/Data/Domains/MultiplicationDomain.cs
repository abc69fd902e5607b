using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Long multiplication as a sum of partial products, ending <c>Answer: N</c>. Level 1 is two digits times one digit
/// (split by the tens of the first factor); each level adds a digit to one factor, up to 4 x 4 digits at level 6.
/// </summary>
public sealed class MultiplicationDomain(int difficulty = 1) : GeneratedDomain(
    "arith-mul", "math", "Multiplication worked as partial products by place value, ending 'Answer: N'.",
    difficulty, maxDifficulty: 6)
{
    /// <summary>
    /// The question line is multiplication's prompt; each partial product ("47 * 30 = 1410") and the sum of two
    /// partials ("1410 + 235 = 1645") states a multiplication or an addition problem with its answer.
    /// </summary>
    public override IReadOnlyList<string> RendersFamilies => ["multiplication", "addition"];

    /// <summary>v2: a sum of three or more partials ("2350 + 470 + 94 = 2914") is a stated problem too, so documents whose sum is an eval problem are skipped.</summary>
    protected override int GeneratorVersion => 2;

    protected override string Generate(SplitMix64 random)
    {
        var a = AdditionDomain.RandomNumber(random, 2 + (Difficulty - 1) / 2);
        var b = AdditionDomain.RandomNumber(random, 1 + Difficulty / 2);
        if (b < 2) b = 2 + random.Next(8);
        var text = new StringBuilder();
        text.Append("What is ").Append(a).Append(" * ").Append(b).Append("?\n");
        // Split the shorter factor by place value so each partial product is one easy line.
        var (whole, split) = b >= 10 ? (a, b) : (b, a);
        var partials = new List<long>();
        for (long place = 1; place <= split; place *= 10)
        {
            var part = split / place % 10 * place;
            if (part == 0) continue;
            text.Append(b >= 10 ? $"{whole} * {part}" : $"{part} * {whole}").Append(" = ").Append(part * whole).Append('\n');
            partials.Add(part * whole);
        }
        if (partials.Count > 1) text.AppendJoin(" + ", partials).Append(" = ").Append(a * b).Append('\n');
        text.Append("Answer: ").Append(a * b).Append('\n');
        return text.ToString();
    }
}
