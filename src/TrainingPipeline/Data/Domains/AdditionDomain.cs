using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Column addition with carries, in the gym's layout: a question line, one line per column, then
/// <c>Answer: N</c>. Difficulty d adds numbers of d+1 digits (level 1: two-digit numbers). A second surface form of
/// the <c>addition</c> task family's problems, kept apart on purpose (docs/tasks.md, "addition").
/// </summary>
public sealed class AdditionDomain(int difficulty = 1) : GeneratedDomain(
    "arith-add", "math", "Multi-digit addition worked column by column with carries, ending 'Answer: N'.",
    difficulty, maxDifficulty: 6)
{
    public override IReadOnlyList<string> RendersFamilies => ["addition"];

    protected override string Generate(SplitMix64 random)
    {
        var digits = Difficulty + 1;
        var a = RandomNumber(random, digits);
        var b = RandomNumber(random, random.Between(1, digits));
        var text = new StringBuilder();
        text.Append("What is ").Append(a).Append(" + ").Append(b).Append("?\n");
        long carry = 0;
        for (long place = 1; place <= a || place <= b; place *= 10)
        {
            var sum = a / place % 10 + carry;
            text.Append(a / place % 10);
            if (place <= b)
            {
                sum += b / place % 10;
                text.Append(" + ").Append(b / place % 10);
            }
            if (carry > 0) text.Append(" + ").Append(carry);
            text.Append(" = ").Append(sum).Append(", write ").Append(sum % 10);
            carry = sum / 10;
            if (carry > 0) text.Append(" carry ").Append(carry);
            text.Append('\n');
        }
        if (carry > 0) text.Append("write ").Append(carry).Append('\n');
        text.Append("Answer: ").Append(a + b).Append('\n');
        return text.ToString();
    }

    internal static long RandomNumber(SplitMix64 random, int digits)
    {
        long low = 1;
        for (var i = 1; i < digits; i++) low *= 10;
        var high = low * 10 - 1;
        if (digits == 1) low = 0;
        return low + (long)(random.NextUInt64() % (ulong)(high - low + 1));
    }
}
