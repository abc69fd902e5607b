using System.Text.RegularExpressions;
using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public class AlgorithmicDomainTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ListOperationAnswersAreCorrect(int difficulty)
    {
        foreach (var document in new ListOperationsDomain(difficulty).Documents(4).Take(400))
        {
            var lines = document.TrimEnd('\n').Split('\n');
            var answer = lines[^1]["Answer: ".Length..];
            var head = lines[0];
            if (head.StartsWith("sum of ")) Assert.Equal(DocumentText.Numbers(head[7..]).Sum().ToString(), answer);
            else if (head.StartsWith("max of ")) Assert.Equal(DocumentText.Numbers(head[7..]).Max().ToString(), answer);
            else if (head.StartsWith("reverse ")) Assert.Equal(string.Join(' ', DocumentText.Numbers(head[8..]).Reverse()), answer);
            else
            {
                var count = Regex.Match(head, @"^count (\d+) in (.+)$");
                Assert.True(count.Success, document);
                var target = int.Parse(count.Groups[1].Value);
                Assert.Equal(DocumentText.Numbers(count.Groups[2].Value).Count(n => n == target).ToString(), answer);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void BooleanStepsAllEvaluateToTheAnswer(int difficulty)
    {
        foreach (var document in new BooleanLogicDomain(difficulty).Documents(5).Take(300))
        {
            var lines = document.TrimEnd('\n').Split('\n');
            var answer = lines[^1] == "Answer: T";
            Assert.Equal(answer, ExpressionCheck.Boolean(lines[0]["Evaluate: ".Length..]));
            foreach (var step in lines[1..^1]) Assert.Equal(answer, ExpressionCheck.Boolean(step[2..]));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void GraphAnswerIsAShortestPathAlongEdges(int difficulty)
    {
        foreach (var document in new GraphPathDomain(difficulty).Documents(6).Take(300))
        {
            var edges = Regex.Match(document, @"^edges: (.+)\n").Groups[1].Value.Split(' ')
                .Select(e => e.Split('-')).SelectMany(e => new[] { (e[0], e[1]), (e[1], e[0]) }).ToHashSet();
            var query = Regex.Match(document, @"\npath from (\w) to (\w)\n");
            var path = Regex.Match(document, @"Answer: (.+)\n$").Groups[1].Value.Split(' ');
            Assert.Equal(query.Groups[1].Value, path[0]);
            Assert.Equal(query.Groups[2].Value, path[^1]);
            for (var i = 0; i + 1 < path.Length; i++) Assert.Contains((path[i], path[i + 1]), edges);
            Assert.Equal(Distance(edges, path[0], path[^1]), path.Length - 1);
        }
    }

    private static int Distance(HashSet<(string, string)> edges, string from, string to)
    {
        var distance = new Dictionary<string, int> { [from] = 0 };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (a, b) in edges)
                if (a == node && distance.TryAdd(b, distance[node] + 1)) queue.Enqueue(b);
        }
        return distance[to];
    }
}
