namespace TrainingPipeline.Evaluation;

/// <summary>
/// An Aho–Corasick automaton: finds every occurrence of any of many patterns in one pass over a text, in time linear
/// in the text plus the matches, whatever the number of patterns (the contamination check looks for thousands of
/// evaluation prompts in megabytes of corpus).
/// </summary>
public sealed class AhoCorasick
{
    private readonly List<Dictionary<char, int>> _next = [new()];
    private readonly List<int> _fail = [0];
    /// <summary>The pattern that ends at a state, or -1.</summary>
    private readonly List<int> _pattern = [-1];
    /// <summary>The nearest state on the failure chain (excluding this one) at which a pattern ends, or -1.</summary>
    private readonly List<int> _outputLink = [-1];

    public AhoCorasick(IReadOnlyList<string> patterns)
    {
        Patterns = patterns;
        for (int id = 0; id < patterns.Count; id++)
        {
            if (patterns[id].Length == 0) throw new ArgumentException("patterns must not be empty", nameof(patterns));
            int state = 0;
            foreach (var c in patterns[id])
            {
                if (!_next[state].TryGetValue(c, out var child))
                {
                    child = _next.Count;
                    _next.Add([]);
                    _fail.Add(0);
                    _pattern.Add(-1);
                    _outputLink.Add(-1);
                    _next[state][c] = child;
                }
                state = child;
            }
            if (_pattern[state] < 0) _pattern[state] = id;
        }
        // Breadth-first: a state's failure link is the longest proper suffix of its string that is a trie state.
        var queue = new Queue<int>(_next[0].Values);
        while (queue.Count > 0)
        {
            int state = queue.Dequeue();
            foreach (var (c, child) in _next[state])
            {
                int fallback = _fail[state];
                while (fallback != 0 && !_next[fallback].ContainsKey(c)) fallback = _fail[fallback];
                _fail[child] = state != 0 && _next[fallback].TryGetValue(c, out var target) ? target : 0;
                if (_fail[child] == child) _fail[child] = 0;
                _outputLink[child] = _pattern[_fail[child]] >= 0 ? _fail[child] : _outputLink[_fail[child]];
                queue.Enqueue(child);
            }
        }
    }

    public IReadOnlyList<string> Patterns { get; }

    /// <summary>Calls <paramref name="onMatch"/> with (pattern index, end index exclusive) for every occurrence.</summary>
    public void Search(ReadOnlySpan<char> text, Action<int, int> onMatch)
    {
        int state = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int child;
            while (!_next[state].TryGetValue(c, out child) && state != 0) state = _fail[state];
            state = _next[state].TryGetValue(c, out child) ? child : 0;
            for (int s = _pattern[state] >= 0 ? state : _outputLink[state]; s >= 0; s = _outputLink[s])
                onMatch(_pattern[s], i + 1);
        }
    }
}
