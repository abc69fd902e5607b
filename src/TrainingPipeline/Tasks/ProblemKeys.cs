using System.Globalization;

namespace TrainingPipeline.Tasks;

/// <summary>
/// The canonical form of a problem: equivalent problems ("47 + 38" and "38 + 47") share one key, so the split, the
/// "distinct problems" of an evaluation and the contamination check treat them as one problem. Keys are computed from
/// the prompt text alone (one line; trailing newlines ignored), so a domain's document line gets the same key as the
/// family's prompt it restates. Equivalences, by prompt shape (docs/tasks.md, "Canonical problems"):
/// <list type="bullet">
/// <item>arithmetic without parentheses (<c>What is …?</c>, <c>Compute: …</c>, <c>Evaluate: …</c>: addition,
/// subtraction, multiplication, fractions, chained-arithmetic, the arith-expr domain): the factors of each product
/// and the signed terms of the sum are sorted, and the three prefixes share one form; <c>(a + b) mod m</c> and
/// <c>(a * b) mod m</c> sort their operands;</item>
/// <item>boolean-logic (and the logic-bool domain's <c>Evaluate: …</c> and <c>= …</c> lines, read with not &gt; and &gt;
/// or): the operands of <c>and</c>/<c>or</c> are sorted, recursively;</item>
/// <item>graph-reachability: the edge list is sorted; ordering-puzzle: each clue is written with <c>&lt;</c> and the
/// clues are sorted;</item>
/// <item>sorting and the order-free list-ops (max, min, sum, count-even, second-largest): the list is sorted (the
/// answer depends on the multiset only); the list-ops domain's <c>reverse X</c> is the family's <c>reverse of X</c>;
/// string-ops <c>sort</c> and <c>count-a</c>: the letters are sorted;</item>
/// <item>word-problem: the arithmetic without names, objects or verbs (<see cref="WordProblemKeys"/>);</item>
/// <item>code-trace and code-repair: the program up to names, layout and commutative operand order
/// (<see cref="ProgramKeys"/>); a repair's examples are not part of its key;</item>
/// <item>code-synthesis: its target program (the answer) in that canonical form. Its prompt shows only examples, so
/// this key needs the answer: <see cref="Key(TaskProblem)"/> or <see cref="Key(string, string)"/>.</item>
/// </list>
/// Every other prompt is its own key.
/// </summary>
public static partial class ProblemKeys
{
    private static readonly string[] OrderFreeListOps = ["max", "min", "sum", "count-even", "second-largest"];
    private static readonly string[] OrderFreeStringOps = ["sort", "count-a"];

    /// <summary>How every prompt with equivalent forms starts: other lines are their own key.</summary>
    private static readonly string[] PrefixesWithEquivalents =
    [
        "What is ", "Compute: ", "Evaluate: ", "Eval: ", "= ", "Edges: ", "Clues: ", "Sort: ", "reverse ",
        .. OrderFreeListOps.Select(op => op + " of "), .. OrderFreeStringOps.Select(op => op + ": "),
    ];

    /// <summary>Whether a line may have a key other than itself: a cheap test before <see cref="Key"/>.</summary>
    public static bool MayHaveEquivalents(ReadOnlySpan<char> line)
    {
        foreach (var prefix in PrefixesWithEquivalents)
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return WordProblemKeys.MayBeOne(line);
    }

    /// <summary>How a code-synthesis prompt starts: its examples do not name the problem, its target program does.</summary>
    public const string SynthesisPrefix = "Program for:\n";

    /// <summary>Whether a prompt is a code-synthesis prompt, whose key is its target program (<see cref="Key(string, string)"/>).</summary>
    public static bool IsSynthesisPrompt(string prompt) => prompt.StartsWith(SynthesisPrefix, StringComparison.Ordinal);

    /// <summary>The canonical key of a generated problem: what every split, distinct draw and contamination count uses.</summary>
    public static string Key(TaskProblem problem) => Key(problem.Prompt, problem.Answer);

    /// <summary>
    /// The canonical key of a problem given its prompt and answer. A code-synthesis problem ("Program for:" and
    /// examples) is keyed by its target program, canonical up to names, layout and commutative operands: every prompt
    /// of one target (other examples shown) is one problem with one answer, so it lands in one split. Every other
    /// problem is keyed by its prompt (<see cref="Key(string)"/>).
    /// </summary>
    public static string Key(string prompt, string answer) =>
        IsSynthesisPrompt(prompt) ? SynthesisKey(answer) : Key(prompt);

    /// <summary>The key of a code-synthesis problem whose target program is <paramref name="program"/>.</summary>
    public static string SynthesisKey(string program) =>
        "Program for: " + (ProgramKeys.Canonical(program) ?? program.Trim());

    /// <summary>
    /// The canonical key of a one- or multi-line prompt. A code-synthesis prompt does not determine its problem (two
    /// targets can show the same examples), so it is only its own key here: splits use <see cref="Key(TaskProblem)"/>.
    /// </summary>
    public static string Key(string prompt)
    {
        var text = prompt.TrimEnd('\n');
        if (text.Contains('\n')) return ProgramKey(text) ?? text;
        return ArithmeticKey(text) ?? ModularKey(text) ?? BooleanKey(text) ?? GraphKey(text) ?? OrderingKey(text)
            ?? ListKey(text) ?? WordProblemKeys.Key(text) ?? text;
    }

    /// <summary>
    /// code-trace's "Run:\n(program)\nOutput?" and code-repair's "Fix:\n(program)\n(examples)": the program in its
    /// canonical form (<see cref="ProgramKeys"/>: up to names, layout and commutative operand order). A repair's
    /// examples are left out: the same buggy program shown with other inputs of the same target is the same problem
    /// with the same answer (every eval prompt had such a twin in train when the examples were part of the key).
    /// </summary>
    private static string? ProgramKey(string text)
    {
        const string run = "Run:\n", output = "\nOutput?", fix = "Fix:\n";
        if (text.StartsWith(run, StringComparison.Ordinal) && text.EndsWith(output, StringComparison.Ordinal)
            && ProgramKeys.Canonical(text[run.Length..^output.Length]) is { } traced)
            return "Run: " + traced + " Output?";
        if (!text.StartsWith(fix, StringComparison.Ordinal)) return null;
        var end = text.IndexOf('\n', fix.Length);
        if (end < 0) end = text.Length;   // the program without its examples, as the contamination check cuts it
        return ProgramKeys.Canonical(text[fix.Length..end]) is { } buggy ? "Fix: " + buggy : null;
    }

    /// <summary>
    /// Texts that state the problem together with its answer the way generated documents write worked arithmetic,
    /// e.g. <c>47 + 38 = 85</c> and <c>38 + 47 = 85</c> for "What is 47 + 38?": the contamination check looks for
    /// these as well as for the prompt. Empty for problems that are not arithmetic expressions.
    /// </summary>
    public static IReadOnlyList<string> AnswerStatements(string prompt, string answer)
    {
        var text = prompt.TrimEnd('\n');
        if (text.Contains('\n') || Expression(text) is not { } tokens) return [];
        var forms = new List<string> { string.Join(' ', tokens), Canonical(tokens) };
        if (tokens.Count == 3 && tokens[1] is "+" or "*") forms.Add($"{tokens[2]} {tokens[1]} {tokens[0]}");
        return forms.Distinct(StringComparer.Ordinal).Select(f => $"{f} = {answer}").ToList();
    }

    /// <summary>
    /// The keys of the problems that a text states with their answer: (1) a correct <c>a op b = c</c> or longer chain
    /// (<c>a op b op c = r</c>, ops + - *) anywhere, e.g. "5 * 40 = 200" inside a worked multiplication states
    /// "What is 5 * 40?" and "12 + 3 * 4 = 24" in a word problem's solution states "Compute: 12 + 3 * 4"; (2) a reduction line <c>= E</c> (E an
    /// expression without parentheses, as arith-expr writes its worked steps) followed by reduction lines ending in
    /// <c>= c</c> with c the value of E, e.g. "= 6 * 72" then "= 432" states "What is 6 * 72?", and "= 3 + 5 * 2",
    /// "= 3 + 10", "= 13" states "Compute: 3 + 5 * 2" too; (4) a boolean reduction line <c>= E</c> of the logic-bool
    /// domain states boolean-logic's <c>Eval: E</c>; (3) two adjacent lines writing integer expressions (a
    /// reduction step "= E", chained-arithmetic's bare step, or the "Evaluate: E"/"Compute: E" line being reduced) of
    /// which the second replaces one span of the first by its value: "= 27 * 20 - 4" then "= 540 - 4" states
    /// "What is 27 * 20?", and "= (3 + 14) * 5" then "= 17 * 5" states "What is 3 + 14?". Statements whose operands all have one digit are skipped
    /// unless <paramref name="includeOneDigitFacts"/> (the one-digit facts of difficulty-1 addition, subtraction,
    /// multiplication and chained-arithmetic are part of every worked sum; docs/tasks.md says why they cannot be held
    /// out; the contamination check still reports them).
    /// </summary>
    public static IEnumerable<string> StatedProblemKeys(string text, bool includeOneDigitFacts = false)
    {
        foreach (System.Text.RegularExpressions.Match m in StatementPattern().Matches(text))
        {
            var tokens = m.Groups[1].Value.Split(' ').ToList();
            if (!includeOneDigitFacts && AllOneDigit(tokens)) continue;
            if (ValueOf(tokens) is { } value && m.Groups[2].Value == value.ToString(CultureInfo.InvariantCulture))
                yield return "What is " + Canonical(tokens) + "?";
        }
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        // (3) A step that reduces part of a line: "= 27 * 20 - 4" then "= 540 - 4" states 27 * 20 = 540.
        for (int i = 0; i + 1 < lines.Length; i++)
        {
            if (ReductionTokens(lines[i]) is not { } before || ReductionTokens(lines[i + 1]) is not { } after) continue;
            if (ReducedSpan(before, after) is not { } reduced) continue;
            if (!includeOneDigitFacts && AllOneDigit(reduced)) continue;
            yield return "What is " + Canonical(reduced) + "?";
        }
        if (!text.Contains("\n= ", StringComparison.Ordinal)) yield break;
        // (4) logic-bool's "= E" reduction line states boolean-logic's "Eval: E": the lines below reduce it to its answer.
        foreach (var line in lines)
            if (line.StartsWith("= ", StringComparison.Ordinal) && line.IndexOf(' ', 2) > 0 && BooleanKey(line) is { } boolean)
                yield return boolean;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("= ", StringComparison.Ordinal)) continue;
            var end = i;
            while (end + 1 < lines.Length && lines[end + 1].StartsWith("= ", StringComparison.Ordinal)) end++;
            if (end == i) continue;
            if (!long.TryParse(lines[end].AsSpan(2), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)) continue;
            if (Expression("Compute: " + lines[i][2..]) is not { } tokens || ValueOf(tokens) != result) continue;
            if (!includeOneDigitFacts && AllOneDigit(tokens)) continue;
            yield return "What is " + Canonical(tokens) + "?";
        }
    }

    private static readonly string[] ReductionPrefixes = ["= ", "Evaluate: ", "Compute: "];

    /// <summary>
    /// The tokens (integers, + - *, parentheses) of a line that writes an integer expression: a reduction step
    /// ("= 540 - 4", or chained-arithmetic's bare "540 - 4"), or the expression being reduced ("Evaluate: 27 * 20 - 4",
    /// "Compute: …"); null for any other line.
    /// </summary>
    private static List<string>? ReductionTokens(string line)
    {
        var prefix = ReductionPrefixes.FirstOrDefault(p => line.StartsWith(p, StringComparison.Ordinal));
        var body = prefix is null ? line : line[prefix.Length..];
        if (body.Length == 0 || body.Length > 400) return null;
        foreach (var c in body)
            if (!(char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '*' or '(' or ')')) return null;
        var tokens = body.Replace("(", "( ", StringComparison.Ordinal).Replace(")", " )", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var token in tokens)
            if (token is not ("+" or "-" or "*" or "(" or ")") && !long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                return null;
        return tokens;
    }

    /// <summary>
    /// The operation that one reduction step replaced by its value: <paramref name="after"/> is
    /// <paramref name="before"/> with one span (an expression without parentheses, or one in parentheses) replaced by
    /// a number equal to its value. Every position of that number is tried, so "3 * 1 + 3" then "3 + 3" finds
    /// 3 * 1 = 3. Null when no span fits.
    /// </summary>
    private static List<string>? ReducedSpan(List<string> before, List<string> after)
    {
        for (int j = 0; j < after.Count; j++)
        {
            if (!long.TryParse(after[j], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) continue;
            int suffix = after.Count - j - 1;
            int length = before.Count - j - suffix;
            if (length < 3) continue;
            bool fits = true;
            for (int k = 0; k < j && fits; k++) fits = before[k] == after[k];
            for (int k = 1; k <= suffix && fits; k++) fits = before[^k] == after[^k];
            if (!fits) continue;
            var span = before.GetRange(j, length);
            if (span[0] == "(" && span[^1] == ")") span = span.GetRange(1, span.Count - 2);
            if (!IsFlatExpression(span) || ValueOf(span) != value) continue;
            return span;
        }
        return null;
    }

    /// <summary>atom op atom … with integer atoms and ops + - *: no parentheses.</summary>
    private static bool IsFlatExpression(List<string> tokens)
    {
        if (tokens.Count < 3 || tokens.Count % 2 == 0) return false;
        for (int i = 0; i < tokens.Count; i++)
            if (i % 2 == 0 ? tokens[i] is "+" or "-" or "*" or "(" or ")" : tokens[i] is not ("+" or "-" or "*")) return false;
        return true;
    }

    /// <summary>Whether every operand is a one-digit number: the exempt facts (3 + 5, and 1 + 6 + 1 in a column sum with a carry).</summary>
    private static bool AllOneDigit(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i += 2)
            if (tokens[i].Length != 1 || !char.IsAsciiDigit(tokens[i][0])) return false;
        return true;
    }

    /// <summary>The value of integer tokens (atom op atom …) with * before + and -, or null when any atom is not an integer.</summary>
    private static long? ValueOf(List<string> tokens)
    {
        long total = 0, term = 0;
        var sign = 1L;
        for (int i = 0; i < tokens.Count; i += 2)
        {
            if (tokens[i].Contains('/') || !long.TryParse(tokens[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var atom)) return null;
            var op = i == 0 ? "+" : tokens[i - 1];
            if (op == "/") return null;
            if (op == "*") { term *= atom; continue; }
            total += sign * term;
            sign = op == "-" ? -1 : 1;
            term = atom;
        }
        return total + sign * term;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w/.-])(\d{1,15}(?: [-+*] \d{1,15})+) = (-?\d{1,18})(?![\w/.])")]
    private static partial System.Text.RegularExpressions.Regex StatementPattern();

    // ---- arithmetic expressions -------------------------------------------------------------------------------------

    private static readonly string[] ArithmeticPrefixes = ["What is ", "Compute: ", "Evaluate: "];

    private static string? ArithmeticKey(string text) =>
        Expression(text) is { } tokens ? "What is " + Canonical(tokens) + "?" : null;

    /// <summary>The tokens of a parenthesis-free expression prompt (atom op atom op …), or null for any other text.</summary>
    private static List<string>? Expression(string text)
    {
        var prefix = ArithmeticPrefixes.FirstOrDefault(p => text.StartsWith(p, StringComparison.Ordinal));
        if (prefix is null) return null;
        var body = text[prefix.Length..];
        if (prefix == "What is ") { if (!body.EndsWith('?')) return null; body = body[..^1]; }
        var tokens = body.Split(' ').ToList();
        if (tokens.Count < 3 || tokens.Count % 2 == 0) return null;
        for (int i = 0; i < tokens.Count; i++)
            if (i % 2 == 0 ? !IsAtom(tokens[i]) : tokens[i] is not ("+" or "-" or "*" or "/")) return null;
        return tokens;
    }

    /// <summary>An integer or a fraction n/d.</summary>
    private static bool IsAtom(string token)
    {
        var parts = token.Split('/');
        return parts.Length <= 2 && parts.All(p => long.TryParse(p, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
    }

    /// <summary>
    /// Products with sorted factors, then the terms added (sorted), then the terms subtracted (sorted). A division
    /// between atoms is not commutative: such expressions keep their order.
    /// </summary>
    private static string Canonical(List<string> tokens)
    {
        if (tokens.Contains("/")) return string.Join(' ', tokens);
        var added = new List<string>();
        var subtracted = new List<string>();
        var factors = new List<string> { tokens[0] };
        var sign = "+";
        void Flush()
        {
            var term = string.Join(" * ", factors.OrderBy(f => f, AtomOrder.Instance));
            (sign == "+" ? added : subtracted).Add(term);
        }
        for (int i = 1; i < tokens.Count; i += 2)
        {
            if (tokens[i] == "*") { factors.Add(tokens[i + 1]); continue; }
            Flush();
            sign = tokens[i];
            factors = [tokens[i + 1]];
        }
        Flush();
        // A sum whose first term is subtracted cannot be written without a leading minus: keep it as it was.
        if (added.Count == 0) return string.Join(' ', tokens);
        added.Sort(AtomOrder.Instance);
        subtracted.Sort(AtomOrder.Instance);
        return string.Join(" + ", added) + string.Concat(subtracted.Select(t => " - " + t));
    }

    /// <summary>The canonical form of a sum of products (tokens: atom op atom …, ops + - *), as for arithmetic prompts.</summary>
    internal static string CanonicalSum(List<string> tokens) => Canonical(tokens);

    /// <summary>Numbers by value (so 9 comes before 10), then text: one deterministic order.</summary>
    private sealed class AtomOrder : IComparer<string>
    {
        public static readonly AtomOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            bool xNumber = long.TryParse(x, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a);
            bool yNumber = long.TryParse(y, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b);
            if (xNumber && yNumber && a != b) return a.CompareTo(b);
            return string.CompareOrdinal(x, y);
        }
    }

    // ---- other families ---------------------------------------------------------------------------------------------

    /// <summary>"What is (a op b) mod m?" with op + or *.</summary>
    private static string? ModularKey(string text)
    {
        if (!text.StartsWith("What is (", StringComparison.Ordinal)) return null;
        var close = text.IndexOf(") mod ", StringComparison.Ordinal);
        if (close < 0) return null;
        var inner = text["What is (".Length..close].Split(' ');
        if (inner.Length != 3 || inner[1] is not ("+" or "*")) return null;
        var operands = new[] { inner[0], inner[2] }.OrderBy(o => o, AtomOrder.Instance).ToArray();
        return $"What is ({operands[0]} {inner[1]} {operands[1]}{text[close..]}";
    }

    /// <summary>
    /// boolean-logic's "Eval: E" and the logic-bool domain's "Evaluate: E" and "= E" reduction lines (E over T, F,
    /// not, and, or and parentheses) share the "Eval: " key: the domain writes the family's problems in its own words.
    /// </summary>
    private static string? BooleanKey(string text)
    {
        var prefix = BooleanPrefixes.FirstOrDefault(p => text.StartsWith(p, StringComparison.Ordinal));
        if (prefix is null) return null;
        var tokens = text[prefix.Length..].Replace("(", " ( ").Replace(")", " ) ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int position = 0;
        try
        {
            var key = ParseOr(tokens, ref position);
            return position == tokens.Length ? "Eval: " + key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static readonly string[] BooleanPrefixes = ["Eval: ", "Evaluate: ", "= "];

    /// <summary>
    /// Precedence not &gt; and &gt; or, left-associative, as logic-bool prints unbracketed chains; boolean-logic brackets
    /// every inner operator, so both read an equal tree to one key.
    /// </summary>
    private static string ParseOr(string[] tokens, ref int position) =>
        ParseChain(tokens, ref position, "or", (string[] t, ref int p) => ParseChain(t, ref p, "and", ParseUnary));

    private delegate string Parser(string[] tokens, ref int position);

    private static string ParseChain(string[] tokens, ref int position, string op, Parser operand)
    {
        var left = operand(tokens, ref position);
        while (position < tokens.Length && tokens[position] == op)
        {
            position++;
            var right = operand(tokens, ref position);
            left = string.CompareOrdinal(left, right) <= 0 ? $"({left} {op} {right})" : $"({right} {op} {left})";
        }
        return left;
    }

    private static string ParseUnary(string[] tokens, ref int position)
    {
        if (position >= tokens.Length) throw new FormatException();
        var token = tokens[position++];
        switch (token)
        {
            case "not": return "not " + ParseUnary(tokens, ref position);
            case "(":
                var inner = ParseOr(tokens, ref position);
                if (position >= tokens.Length || tokens[position++] != ")") throw new FormatException();
                return inner;
            case "T" or "F": return token;
            default: throw new FormatException();
        }
    }

    /// <summary>"Edges: A>B C>D. A reaches D?": the edges are a set.</summary>
    private static string? GraphKey(string text)
    {
        const string prefix = "Edges: ";
        if (!text.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        if (end < 0) return null;
        var edges = text[prefix.Length..end].Split(' ').Order(StringComparer.Ordinal);
        return prefix + string.Join(' ', edges) + text[end..];
    }

    /// <summary>"Clues: B>A C<D. Order from smallest?": B>A is A<B, and the clues are a multiset.</summary>
    private static string? OrderingKey(string text)
    {
        const string prefix = "Clues: ";
        if (!text.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        if (end < 0) return null;
        var clues = text[prefix.Length..end].Split(' ')
            .Select(c => c.Length == 3 && c[1] == '>' ? $"{c[2]}<{c[0]}" : c)
            .Order(StringComparer.Ordinal);
        return prefix + string.Join(' ', clues) + text[end..];
    }

    /// <summary>Sorting, the order-free list-ops and string-ops: the answer depends on the multiset only.</summary>
    private static string? ListKey(string text)
    {
        if (text.StartsWith("Sort: ", StringComparison.Ordinal))
            return "Sort: " + string.Join(' ', text[6..].Split(' ').Order(AtomOrder.Instance));
        if (text.StartsWith("reverse ", StringComparison.Ordinal) && !text.StartsWith("reverse of ", StringComparison.Ordinal))
            return "reverse of " + text["reverse ".Length..];
        foreach (var op in OrderFreeListOps)
            if (text.StartsWith(op + " of ", StringComparison.Ordinal))
                return $"{op} of " + string.Join(' ', text[(op.Length + 4)..].Split(' ').Order(AtomOrder.Instance));
        foreach (var op in OrderFreeStringOps)
            if (text.StartsWith(op + ": ", StringComparison.Ordinal) && !text[(op.Length + 2)..].Contains(' '))
                return $"{op}: " + new string([.. text[(op.Length + 2)..].Order()]);
        return null;
    }
}
