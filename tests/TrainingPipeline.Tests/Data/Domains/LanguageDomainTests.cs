using System.Text.RegularExpressions;
using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public class LanguageDomainTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void WorldFactsAnswersFollowTheStatedEvents(int difficulty)
    {
        foreach (var document in new WorldFactsDomain(difficulty).Documents(7).Take(300))
        {
            // Replay the story independently: locations, moves and hand-overs in order.
            var location = new Dictionary<string, string>();
            string? holder = null;
            foreach (Match fact in Regex.Matches(document, @"(\w+) (is in|goes to|has|gives) the (\w+)(?: to (\w+))?\."))
            {
                var (subject, verb, obj) = (fact.Groups[1].Value, fact.Groups[2].Value, fact.Groups[3].Value);
                if (document.IndexOf(fact.Value, StringComparison.Ordinal) > document.IndexOf('?')) break;
                if (verb is "is in" or "goes to") location[subject] = obj;
                else if (verb == "has") holder = subject;
                else holder = fact.Groups[4].Value;
            }
            var answer = Regex.Match(document, @"Answer: the (\w+)\n$").Groups[1].Value;
            var aboutPerson = Regex.Match(document, @"Where is (\w+)\?\n");
            var expected = aboutPerson.Success && aboutPerson.Groups[1].Value != "the" ? location[aboutPerson.Groups[1].Value] : location[holder!];
            Assert.Equal(expected, answer);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void SyllogismAnswerIsYesExactlyWhenTheRulesEntailIt(int difficulty)
    {
        foreach (var document in new SyllogismDomain(difficulty).Documents(8).Take(300))
        {
            var isA = Regex.Matches(document, @"Every (\w+) is a (\w+)\.").ToLookup(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var start = Regex.Match(document, @"\n\w+ is a (\w+)\.\n").Groups[1].Value;
            var target = Regex.Match(document, @"Is \w+ a (\w+)\?").Groups[1].Value;
            var reachable = new HashSet<string> { start };
            var frontier = new Stack<string>([start]);
            while (frontier.Count > 0)
                foreach (var next in isA[frontier.Pop()])
                    if (reachable.Add(next)) frontier.Push(next);
            Assert.EndsWith(reachable.Contains(target) ? "Answer: yes\n" : "Answer: no\n", document);
        }
    }

    [Fact]
    public void StoryAnswerIsTheLastRoomMentioned()
    {
        foreach (var document in new StoryDomain(4).Documents(9).Take(300))
        {
            var rooms = Regex.Matches(document, @"(?:lives in|runs to) the (\w+)\.").Select(m => m.Groups[1].Value).ToList();
            Assert.EndsWith($"Answer: the {rooms[^1]}\n", document);
        }
    }
}
