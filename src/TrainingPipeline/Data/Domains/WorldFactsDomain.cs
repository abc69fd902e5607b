using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// A tiny world of people, rooms and objects stated as facts, a few events (moves, hand-overs), then a question
/// answered through a short reasoning chain (who holds the object, where that person is). Difficulty d adds people
/// and d - 1 events.
/// </summary>
public sealed class WorldFactsDomain(int difficulty = 1) : GeneratedDomain(
    "nl-facts", "language", "Facts about people, rooms and objects, events, and a question answered by a reasoning chain.",
    difficulty, maxDifficulty: 6)
{
    protected override string Generate(SplitMix64 random)
    {
        var people = Vocabulary.DistinctNames(random, 2 + Difficulty / 2);
        var rooms = Vocabulary.Distinct(random, Vocabulary.Rooms, 3);
        var item = random.Pick(Vocabulary.Objects);
        var location = people.ToDictionary(p => p, _ => random.Pick(rooms));
        var holder = random.Pick(people);
        var text = new StringBuilder();
        foreach (var person in people) text.Append(person).Append(" is in the ").Append(location[person]).Append(". ");
        text.Append(holder).Append(" has the ").Append(item).Append(".\n");
        for (var i = 1; i < Difficulty; i++)
        {
            var actor = random.Pick(people);
            if (actor == holder && random.Chance(0.5))
            {
                var receiver = random.Pick(people.Where(p => p != actor).ToList());
                text.Append(actor).Append(" gives the ").Append(item).Append(" to ").Append(receiver).Append(".\n");
                holder = receiver;
            }
            else
            {
                var room = random.Pick(rooms.Where(r => r != location[actor]).ToList());
                text.Append(actor).Append(" goes to the ").Append(room).Append(".\n");
                location[actor] = room;
            }
        }
        if (random.Chance(0.6))
        {
            text.Append("Where is the ").Append(item).Append("?\n");
            text.Append(holder).Append(" has the ").Append(item).Append(". ")
                .Append(holder).Append(" is in the ").Append(location[holder]).Append(".\n");
            text.Append("Answer: the ").Append(location[holder]).Append('\n');
        }
        else
        {
            var person = random.Pick(people);
            text.Append("Where is ").Append(person).Append("?\nAnswer: the ").Append(location[person]).Append('\n');
        }
        return text.ToString();
    }
}
