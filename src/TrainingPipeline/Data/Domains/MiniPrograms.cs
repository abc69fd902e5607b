using System.Globalization;
using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// The self-contained default program generator: a tiny Python-like line language (integer variables,
/// <c>v = expr</c>, <c>while v &lt; N:</c>, <c>if v &gt; N:</c>, <c>print v</c>, two-space indentation) whose programs
/// always terminate (loops count a fresh variable up to a bound). It stands in until the task gym's own program
/// language is plugged into <see cref="ProgramTextDomain"/> / <see cref="ProgramTraceDomain"/>.
/// </summary>
public static class MiniPrograms
{
    private static readonly string[] VariableNames = ["a", "b", "c", "n", "x", "y", "z", "s"];
    private static readonly string[] CounterNames = ["i", "j", "k"];

    public static ProgramSample Generate(long seed, int difficulty)
    {
        var random = new SplitMix64(seed);
        var builder = new Builder(random, Math.Max(1, difficulty));
        var program = builder.Program();
        var run = new Runner();
        run.Execute(program);
        var source = new StringBuilder();
        foreach (var line in program.SelectMany(s => s.Lines(0))) source.Append(line).Append('\n');
        var output = new StringBuilder();
        foreach (var value in run.Printed) output.Append(value).Append('\n');
        return new ProgramSample(source.ToString(), output.ToString(), run.Trace);
    }

    private abstract record Statement
    {
        public int Line { get; set; }
        public abstract IEnumerable<string> Lines(int indent);
    }

    private sealed record Assign(string Target, string Left, char Op, string Right) : Statement
    {
        public string Expression => Op == ' ' ? Left : $"{Left} {Op} {Right}";
        public override IEnumerable<string> Lines(int indent) => [$"{new string(' ', indent)}{Target} = {Expression}"];
    }

    private sealed record Print(string Variable) : Statement
    {
        public override IEnumerable<string> Lines(int indent) => [$"{new string(' ', indent)}print {Variable}"];
    }

    private sealed record Block(string Keyword, string Variable, char Comparison, int Bound, List<Statement> Body) : Statement
    {
        public string Condition => $"{Variable} {Comparison} {Bound}";
        public override IEnumerable<string> Lines(int indent) => Keyword == "seq"
            ? Body.SelectMany(s => s.Lines(indent))
            : Body.SelectMany(s => s.Lines(indent + 2)).Prepend($"{new string(' ', indent)}{Keyword} {Condition}:");
    }

    private sealed class Builder(SplitMix64 random, int difficulty)
    {
        private readonly List<string> _defined = [];
        private int _line;
        private int _counters;

        public List<Statement> Program()
        {
            var statements = new List<Statement>();
            var variables = 1 + random.Next(Math.Min(3, difficulty + 1));
            foreach (var name in Vocabulary.Distinct(random, VariableNames, variables))
            {
                statements.Add(Number(new Assign(name, Constant(), ' ', "")));
                _defined.Add(name);
            }
            for (var i = 0; i < difficulty; i++) statements.Add(Statement(nesting: difficulty >= 3 ? 1 : 0));
            statements.Add(Number(new Print(random.Pick(_defined))));
            return statements;
        }

        private Statement Statement(int nesting)
        {
            var roll = random.Next(10);
            if (roll < 4) return Number(Update(insideLoop: false));
            if (roll < 7) return Loop(nesting);
            if (roll < 9) return Condition(nesting);
            return Number(new Print(random.Pick(_defined)));
        }

        private Statement Loop(int nesting)
        {
            // A fresh counter from 0 to a small bound, incremented last: termination by construction.
            var counter = CounterNames[_counters++ % CounterNames.Length];
            var init = Number(new Assign(counter, "0", ' ', ""));
            var loop = Number(new Block("while", counter, '<', random.Between(2, 2 + difficulty), []));
            loop.Body.Add(nesting > 0 && random.Chance(0.3) ? Condition(nesting - 1) : Number(Update(insideLoop: true)));
            loop.Body.Add(Number(new Assign(counter, counter, '+', "1")));
            return new Block("seq", "", ' ', 0, [init, loop]);
        }

        private Statement Condition(int nesting)
        {
            var variable = random.Pick(_defined);
            var block = Number(new Block("if", variable, random.Chance(0.5) ? '>' : '<', random.Between(0, 12), []));
            block.Body.Add(nesting > 0 && random.Chance(0.3) ? Loop(nesting - 1) : Number(Update(insideLoop: false)));
            return block;
        }

        private Assign Update(bool insideLoop)
        {
            var target = random.Pick(_defined);
            return random.Next(4) switch
            {
                0 => new Assign(target, random.Pick(_defined), '+', random.Pick(_defined)),
                1 when !insideLoop => new Assign(target, target, '*', random.Between(2, 3).ToString(CultureInfo.InvariantCulture)),
                2 => new Assign(target, target, '-', random.Between(1, 5).ToString(CultureInfo.InvariantCulture)),
                _ => new Assign(target, target, '+', random.Between(1, 5).ToString(CultureInfo.InvariantCulture)),
            };
        }

        private string Constant() => random.Between(0, 9).ToString(CultureInfo.InvariantCulture);

        private T Number<T>(T statement) where T : Statement
        {
            statement.Line = ++_line;
            return statement;
        }
    }

    private sealed class Runner
    {
        private readonly Dictionary<string, long> _values = [];
        public List<string> Trace { get; } = [];
        public List<long> Printed { get; } = [];

        public void Execute(IEnumerable<Statement> statements)
        {
            foreach (var statement in statements) Execute(statement);
        }

        private void Execute(Statement statement)
        {
            switch (statement)
            {
                case Assign assign:
                    var value = Value(assign.Left);
                    if (assign.Op != ' ')
                    {
                        var right = Value(assign.Right);
                        value = assign.Op switch { '+' => value + right, '-' => value - right, _ => value * right };
                    }
                    _values[assign.Target] = value;
                    Trace.Add($"{assign.Line}: {assign.Target} = {value}");
                    break;
                case Print print:
                    Printed.Add(_values[print.Variable]);
                    Trace.Add($"{print.Line}: print {_values[print.Variable]}");
                    break;
                case Block { Keyword: "seq" } sequence:
                    Execute(sequence.Body);
                    break;
                case Block { Keyword: "if" } branch:
                    var taken = Holds(branch);
                    Trace.Add($"{branch.Line}: {branch.Condition} is {(taken ? "true" : "false")}");
                    if (taken) Execute(branch.Body);
                    break;
                case Block loop:
                    while (true)
                    {
                        var again = Holds(loop);
                        Trace.Add($"{loop.Line}: {loop.Condition} is {(again ? "true" : "false")}");
                        if (!again) break;
                        Execute(loop.Body);
                    }
                    break;
            }
        }

        private bool Holds(Block block) =>
            block.Comparison == '<' ? _values[block.Variable] < block.Bound : _values[block.Variable] > block.Bound;

        private long Value(string operand) =>
            long.TryParse(operand, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var constant) ? constant : _values[operand];
    }
}
