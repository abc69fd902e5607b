using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// A small CSV table (name, team, score) and a question: a team's total (summed row by row), the top scorer, or how
/// many rows belong to a team. Difficulty d uses 2 + d rows.
/// </summary>
public sealed class TableQueryDomain(int difficulty = 1) : GeneratedDomain(
    "table-query", "structured", "CSV tables with sum, max and count questions answered row by row.",
    difficulty, maxDifficulty: 6)
{
    private static readonly string[] Teams = ["red", "blue", "green"];

    protected override string Generate(SplitMix64 random)
    {
        var names = Vocabulary.DistinctNames(random, 2 + Difficulty);
        var teams = names.Select(_ => random.Pick(Teams)).ToArray();
        var scores = names.Select(_ => random.Between(0, Difficulty <= 2 ? 9 : 99)).ToArray();
        var text = new StringBuilder("name,team,score\n");
        for (var i = 0; i < names.Length; i++) text.Append(names[i]).Append(',').Append(teams[i]).Append(',').Append(scores[i]).Append('\n');
        var team = random.Pick(teams);
        switch (random.Next(3))
        {
            case 0:
                text.Append("total score of team ").Append(team).Append("?\n");
                var total = 0;
                for (var i = 0; i < names.Length; i++)
                {
                    if (teams[i] != team) continue;
                    text.Append(names[i]).Append(' ').Append(scores[i]).Append(", total ").Append(total += scores[i]).Append('\n');
                }
                text.Append("Answer: ").Append(total);
                break;
            case 1:
                var best = 0;
                for (var i = 1; i < names.Length; i++) if (scores[i] > scores[best]) best = i;
                text.Append("who has the highest score (first if tied)?\n").Append(names[best]).Append(" has ").Append(scores[best]).Append('\n');
                text.Append("Answer: ").Append(names[best]);
                break;
            default:
                text.Append("how many rows are in team ").Append(team).Append("?\n");
                var members = names.Where((_, i) => teams[i] == team).ToList();
                text.AppendJoin(' ', members).Append('\n').Append("Answer: ").Append(members.Count);
                break;
        }
        return text.Append('\n').ToString();
    }
}
