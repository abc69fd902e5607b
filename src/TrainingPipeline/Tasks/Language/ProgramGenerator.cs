using System.Text;

namespace TrainingPipeline.Tasks.Language;

/// <summary>
/// Random well-behaved programs for trace tasks and corpora. Difficulty unlocks constructs and grows size:
/// 1 one assignment and a print; 2 a few assignments; 3 an if; 4 a while loop; 5 a for loop; 6 a function;
/// 7 nested loops; 8 a recursive function summed in a loop. Loops are the level's signature construct only, so the
/// work a program does grows with difficulty. Every returned program runs without error within
/// <see cref="ExecutionLimits.Verification"/> and prints short numbers.
/// </summary>
public static class ProgramGenerator
{
    public const int MaxDifficulty = 8;
    private static readonly string[] Variables = ["a", "b", "c", "d"];

    public static string Generate(TaskRng rng, int difficulty)
    {
        if (difficulty < 1 || difficulty > MaxDifficulty) throw new ArgumentOutOfRangeException(nameof(difficulty));
        // Rejection sampling keeps values and run lengths small; the attempt sequence is deterministic.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var source = new Builder(rng, difficulty).Build();
            var result = Interpreter.Run(source, ExecutionLimits.Verification);
            if (result.Succeeded && result.OutputLines.Count > 0
                && result.OutputLines.All(line => line.Length <= 2 + difficulty)
                && result.StepsUsed <= 60 * difficulty * difficulty)
                return source;
        }
        throw new InvalidOperationException($"No acceptable program at difficulty {difficulty} after 200 attempts.");
    }

    private sealed class Builder(TaskRng rng, int difficulty)
    {
        private readonly StringBuilder _text = new();
        private readonly List<string> _defined = [];

        public string Build()
        {
            if (difficulty == 8) return Recursive();
            if (difficulty == 6) DefineFunction();
            var statements = difficulty switch { 1 => 1, 2 => rng.Between(2, 3), _ => rng.Between(2, 2 + difficulty / 2) };
            Assign(0);
            // Each level's signature construct always appears once, so difficulty reliably adds work.
            if (difficulty == 3) If(0);
            else if (difficulty == 4) While(0);
            else if (difficulty >= 5) For(0);
            for (var i = 1; i < statements; i++) Statement(0);
            if (difficulty >= 6 && _text.ToString().Contains("func"))
                Line(0, $"print f({Pick()})");
            var printed = difficulty >= 5 ? 2 : 1;
            var last = _defined[^1];
            Line(0, $"print {(difficulty == 1 ? $"{last} {rng.Pick(["+", "-", "*"])} {rng.Between(1, 9)}" : last)}");
            if (printed == 2 && _defined.Count > 1) Line(0, $"print {_defined[0]}");
            return _text.ToString().TrimEnd('\n');
        }

        private void Statement(int depth)
        {
            var choices = new List<Action> { () => Assign(depth) };
            if (difficulty >= 3 && depth < 2) choices.Add(() => If(depth));
            rng.Pick(choices)();
        }

        private void Assign(int depth)
        {
            var unused = Variables.Where(v => !_defined.Contains(v)).ToList();
            var target = _defined.Count == 0 || (unused.Count > 0 && rng.NextBool()) ? unused[0] : rng.Pick(_defined);
            var value = _defined.Count == 0 ? rng.Between(1, 9).ToString() : Expression();
            Line(depth, $"{target} = {value}");
            if (!_defined.Contains(target)) _defined.Add(target);
        }

        private void If(int depth)
        {
            Line(depth, $"if {Pick()} {rng.Pick(["<", ">", "==", "!="])} {rng.Between(1, 9)} then");
            Body(depth + 1);
            if (rng.NextBool())
            {
                Line(depth, "else");
                Body(depth + 1);
            }
            Line(depth, "end");
        }

        private void While(int depth)
        {
            var bound = rng.Between(2, 3);
            Line(depth, "i = 0");
            Line(depth, $"while i < {bound} do");
            Body(depth + 1);
            Line(depth + 1, "i = i + 1");
            Line(depth, "end");
        }

        private void For(int depth)
        {
            var counter = depth == 0 ? "i" : "j";
            var upper = depth == 0 ? rng.Between(difficulty - 1, difficulty + 1).ToString() : "i";
            Line(depth, $"for {counter} = 1 to {upper} do");
            var target = _defined[0];
            if (difficulty >= 7 && depth == 0) For(depth + 1);
            else
            {
                Line(depth + 1, $"{target} = {target} + {(rng.NextBool() ? counter : rng.Between(1, 5).ToString())}");
                if (depth == 0) Body(depth + 1);
            }
            Line(depth, "end");
        }

        private void Body(int depth)
        {
            // Bodies only reassign existing variables, so every path leaves the same variables defined.
            var target = rng.Pick(_defined);
            Line(depth, $"{target} = {Expression()}");
        }

        private void DefineFunction()
        {
            Line(0, "func f(x)");
            Line(1, $"return x {rng.Pick(["+", "*", "-"])} {rng.Between(1, 5)}");
            Line(0, "end");
        }

        private string Recursive()
        {
            var n = rng.Between(5, 7);
            var (baseValue, combine) = rng.Pick<(string, string)>(
            [
                ("1", "n * f(n - 1)"), ("0", "n + f(n - 1)"), ("n", "f(n - 1) + f(n - 2)"), ("1", "2 * f(n - 1)"),
            ]);
            var threshold = combine.Contains("n - 2") ? 2 : 1;
            Line(0, "func f(n)");
            Line(1, $"if n < {threshold} then");
            Line(2, $"return {baseValue}");
            Line(1, "end");
            Line(1, $"return {combine}");
            Line(0, "end");
            Line(0, "s = 0");
            Line(0, $"for i = 1 to {n} do");
            Line(1, "s = s + f(i)");
            Line(0, "end");
            Line(0, "print s");
            return _text.ToString().TrimEnd('\n');
        }

        private string Expression()
        {
            var left = Pick();
            var op = rng.Pick(difficulty >= 3 ? ["+", "-", "*", "/", "%"] : new[] { "+", "-", "*" });
            var right = op is "/" or "%" ? rng.Between(2, 5).ToString()
                : rng.NextBool() ? rng.Between(1, 9).ToString() : Pick();
            if (difficulty == 6 && rng.Between(0, 2) == 0) return $"f({left})";
            return $"{left} {op} {right}";
        }

        private string Pick() => rng.Pick(_defined);

        private void Line(int depth, string text) => _text.Append(new string(' ', 2 * depth)).Append(text).Append('\n');
    }
}
