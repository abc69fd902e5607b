using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Short stories from a small grammar over a closed vocabulary (an animal, objects, rooms, colours), keeping one
/// protagonist so sentences cohere, then a question about the last place the protagonist went. Difficulty d tells
/// 2 + d sentences.
/// </summary>
public sealed class StoryDomain(int difficulty = 1) : GeneratedDomain(
    "nl-story", "language", "Grammar-generated short animal stories with a closing where-question.",
    difficulty, maxDifficulty: 6)
{
    private static readonly string[] TransitiveVerbs = ["sees", "finds", "takes", "likes", "drops", "wants"];
    private static readonly string[] Openers = ["then", "later", "after that", "next"];

    protected override string Generate(SplitMix64 random)
    {
        var animal = random.Pick(Vocabulary.Animals);
        var adjective = random.Pick(Vocabulary.Adjectives);
        var room = random.Pick(Vocabulary.Rooms);
        var text = new StringBuilder();
        text.Append("the ").Append(adjective).Append(' ').Append(animal).Append(" lives in the ").Append(room).Append(".\n");
        for (var i = 0; i < 1 + Difficulty; i++)
        {
            var opener = i == 0 ? "" : random.Pick(Openers) + " ";
            switch (random.Next(3))
            {
                case 0:
                    text.Append(opener).Append("the ").Append(animal).Append(' ').Append(random.Pick(TransitiveVerbs))
                        .Append(" a ").Append(random.Pick(Vocabulary.Colors)).Append(' ').Append(random.Pick(Vocabulary.Objects)).Append(".\n");
                    break;
                case 1:
                    room = random.Pick(Vocabulary.Rooms.Where(r => r != room).ToList());
                    text.Append(opener).Append("the ").Append(animal).Append(" runs to the ").Append(room).Append(".\n");
                    break;
                default:
                    text.Append(opener).Append("the ").Append(animal).Append(" meets a ").Append(random.Pick(Vocabulary.Adjectives))
                        .Append(' ').Append(random.Pick(Vocabulary.Animals.Where(a => a != animal).ToList())).Append(".\n");
                    break;
            }
        }
        text.Append("where is the ").Append(animal).Append(" now?\nAnswer: the ").Append(room).Append('\n');
        return text.ToString();
    }
}
