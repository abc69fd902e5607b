using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Breadth-first search for a shortest path in a small connected undirected graph: the edge list, one line per
/// visited node with the neighbours it discovers, then <c>Answer: path</c>. Difficulty d uses 3 + d nodes.
/// </summary>
public sealed class GraphPathDomain(int difficulty = 1) : GeneratedDomain(
    "graph-path", "algorithmic", "Shortest path by breadth-first search in a small graph, traced per visited node.",
    difficulty, maxDifficulty: 6)
{
    private static readonly string[] Alphabet = [.. Enumerable.Range('A', 26).Select(c => ((char)c).ToString())];

    protected override string Generate(SplitMix64 random)
    {
        var count = 3 + Difficulty;
        // Node letters are drawn from the whole alphabet so small graphs still give many distinct documents.
        var names = Vocabulary.Distinct(random, Alphabet, count).ToList();
        var neighbours = names.ToDictionary(n => n, _ => new SortedSet<string>(StringComparer.Ordinal));
        var edges = new List<(string, string)>();
        void Connect(string a, string b)
        {
            if (a == b || !neighbours[a].Add(b)) return;
            neighbours[b].Add(a);
            edges.Add(string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a));
        }
        // A random spanning tree keeps the graph connected; a few extra edges create alternative paths.
        for (var i = 1; i < count; i++) Connect(names[i], names[random.Next(i)]);
        for (var i = 0; i < Difficulty; i++) Connect(random.Pick(names), random.Pick(names));
        edges.Sort();

        var start = names[0];
        var goal = names[^1];
        var text = new StringBuilder();
        text.Append("edges: ").AppendJoin(' ', edges.Select(e => $"{e.Item1}-{e.Item2}")).Append('\n');
        text.Append("path from ").Append(start).Append(" to ").Append(goal).Append('\n');
        var parent = new Dictionary<string, string> { [start] = start };
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var found = neighbours[node].Where(n => !parent.ContainsKey(n)).ToList();
            foreach (var next in found)
            {
                parent[next] = node;
                queue.Enqueue(next);
            }
            text.Append("visit ").Append(node).Append(':');
            foreach (var next in found) text.Append(' ').Append(next);
            text.Append('\n');
            if (parent.ContainsKey(goal)) break;
        }
        var path = new List<string> { goal };
        while (path[^1] != start) path.Add(parent[path[^1]]);
        path.Reverse();
        text.Append("Answer: ").AppendJoin(' ', path).Append('\n');
        return text.ToString();
    }
}
