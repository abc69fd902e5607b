using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Chains of "every A is a B" rules over made-up categories, one individual, and a yes/no question answered by
/// walking the chain (or finding it broken). Difficulty d uses chains of 1 + d rules plus distractor rules.
/// </summary>
public sealed class SyllogismDomain(int difficulty = 1) : GeneratedDomain(
    "nl-syllogism", "language", "Rule chains 'every A is a B' and a yes/no question answered by following the chain.",
    difficulty, maxDifficulty: 5)
{
    private static readonly string[] Kinds =
        ["wug", "blick", "dax", "fep", "zorp", "mip", "tove", "glim", "yorb", "snet", "krel", "vop", "lunt", "quib"];

    protected override string Generate(SplitMix64 random)
    {
        var chain = Vocabulary.Distinct(random, Kinds, 2 + Difficulty + 1);
        var length = 1 + Difficulty;
        var outsider = chain[^1];   // not linked to the chain: the "no" answers ask about it
        var rules = new List<string>();
        for (var i = 0; i < length; i++) rules.Add($"Every {chain[i]} is a {chain[i + 1]}.");
        for (var i = 0; i < Difficulty - 1; i++) rules.Add($"Every {outsider} is a {chain[random.Next(length + 1)]}.");
        random.Shuffle(rules);
        var name = random.Pick(Vocabulary.Names);
        var text = new StringBuilder();
        text.AppendJoin(' ', rules).Append('\n');
        text.Append(name).Append(" is a ").Append(chain[0]).Append(".\n");
        var yes = random.Chance(0.5);
        var target = yes ? chain[random.Between(1, length)] : outsider;
        text.Append("Is ").Append(name).Append(" a ").Append(target).Append("?\n");
        for (var i = 0; i < length; i++)
        {
            text.Append(name).Append(" is a ").Append(chain[i + 1]).Append(".\n");
            if (chain[i + 1] == target) break;
        }
        text.Append("Answer: ").Append(yes ? "yes" : "no").Append('\n');
        return text.ToString();
    }
}
