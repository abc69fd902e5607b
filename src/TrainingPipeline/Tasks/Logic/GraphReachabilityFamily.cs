using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Logic;

/// <summary>
/// Directed graph on difficulty + 2 lettered nodes: is the target reachable from the source? Half the problems
/// are reachable. The solution lists the nodes reached, in breadth-first order.
/// </summary>
public sealed class GraphReachabilityFamily : GeneratedTaskFamily
{
    public override string Name => "graph-reachability";
    public override TaskCategory Category => TaskCategory.Logic;
    public override string Description => "Decide whether one node of a small directed graph reaches another.";
    public override string PromptFormat => "'Edges: A>B B>C. A reaches C?'";
    public override string AnswerFormat => "'Answer: yes' or 'Answer: no' (case-insensitive).";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => TextAnswerFormat.CaseInsensitive;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var nodes = difficulty + 2;
        var wantReachable = rng.NextBool();
        for (var attempt = 0; ; attempt++)
        {
            var edges = new List<(int From, int To)>();
            var edgeCount = rng.Between(difficulty, difficulty + 2);
            while (edges.Count < edgeCount)
            {
                var edge = (rng.Between(0, nodes - 1), rng.Between(0, nodes - 1));
                if (edge.Item1 != edge.Item2 && !edges.Contains(edge)) edges.Add(edge);
            }
            var source = rng.Between(0, nodes - 1);
            var target = rng.Between(0, nodes - 1);
            if (source == target) continue;
            var reached = Reach(source, edges);
            // Keep the yes/no balance exact in expectation; give up on the preference after many attempts.
            if (reached.Contains(target) != wantReachable && attempt < 100) continue;
            var prompt = $"Edges: {string.Join(' ', edges.Select(e => $"{Letter(e.From)}>{Letter(e.To)}"))}. {Letter(source)} reaches {Letter(target)}?";
            var steps = difficulty <= 1 ? [] : new[] { "reached: " + string.Join(' ', reached.Select(Letter)) };
            return new GeneratedProblem(prompt, steps, reached.Contains(target) ? "yes" : "no");
        }
    }

    private static List<int> Reach(int source, List<(int From, int To)> edges)
    {
        var reached = new List<int> { source };
        for (var i = 0; i < reached.Count; i++)
            foreach (var (from, to) in edges)
                if (from == reached[i] && !reached.Contains(to)) reached.Add(to);
        return reached;
    }

    private static string Letter(int node) => ((char)('A' + node)).ToString();
}
