using System.Diagnostics;
using System.Text;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Datasets;
using TrainingPipeline.Tests.Data;

namespace TrainingPipeline.Tests.Tasks;

/// <summary>
/// Hostile completions against every verifier (every family of <see cref="TaskRegistry"/>, its scoring variants and
/// GSM8K), so a new family is covered by registering it: answer spraying, repeated and conflicting claims, megabytes
/// of output, look-alike digits, control and invisible characters, and, for the code families, programs that loop,
/// recurse or overflow. Each scores 0 with a reason and a short detail, in bounded time.
/// </summary>
public class HostileCompletionTests
{
    /// <summary>Generous for a loaded 2-core machine; the quadratic cases this guards against took from 5 s to minutes.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);
    private const int MaxDetail = 400;
    private const int Huge = 200_000;

    /// <summary>Completions that must never earn a reward, built around the problem's own answer.</summary>
    public static IEnumerable<(string Label, string Completion)> Hostile(TaskProblem problem, bool huge)
    {
        string a = problem.Answer;
        yield return ("empty", "");
        yield return ("whitespace", " \n\t\n  ");
        yield return ("answer spray", string.Join("\n", Enumerable.Range(0, 200).Select(i => $"The answer is {(i == 100 ? a : i.ToString())}.")));
        yield return ("marker spray", string.Join("\n", Enumerable.Range(0, 200).Select(i => $"Answer: {(i == 100 ? a : i.ToString())}")));
        yield return ("changed mind", $"Answer: {a}\nAnswer: {a} {a}");
        yield return ("many numbers", "Answer: " + string.Join(' ', Enumerable.Range(0, 1000).Select(i => i == 500 ? a : i.ToString())));
        yield return ("claim then candidates", $"The answer is {a} or maybe 0.");
        yield return ("fullwidth look-alike", "Answer: " + FullWidth(a));
        yield return ("arabic-indic digits", "Answer: " + ArabicIndic(a) + "x");
        yield return ("NUL inside", $"Answer: {a[..1]}\u0000{a[1..]}");
        yield return ("zero-width space", $"Answer: \u200b{a}");
        yield return ("bidi override", $"Answer: \u202e{a}");
        yield return ("ANSI colour", $"Answer: \u001b[1m{a}\u001b[0m");
        yield return ("infinite loop", "Answer: while 1 do x = 1 end");
        yield return ("runaway recursion", "func f(n); return f(n + 1); end\nAnswer: func f(n); return f(n + 1); end; print f(0)");
        yield return ("overflow", "Answer: x = 2; while 1 do x = x * x end");
        yield return ("print forever", "Answer: while 1 do print 123456789 end");
        yield return ("deep nesting", "Answer: print " + new string('(', 1000) + "1 + 2" + new string(')', 1000));
        if (!huge) yield break;
        yield return ("a megabyte of digits", "Answer: " + new string('7', Huge));
        yield return ("a long decimal", "Answer: 0." + new string('3', Huge));
        yield return ("a long thousands-grouped number", "Answer: 1" + string.Concat(Enumerable.Repeat(",000", Huge / 4)));
        yield return ("answer then spaces", "answer" + new string(' ', Huge) + "x");
        yield return ("repeated phrase", string.Concat(Enumerable.Repeat("the answer is ", Huge / 14)) + a);
        yield return ("a hundred thousand claims", string.Join("\n", Enumerable.Range(0, Huge / 2).Select(i => $"Answer: {i}")));
        yield return ("huge program", "Answer: " + string.Concat(Enumerable.Repeat("x = 1; ", Huge / 7)));
    }

    private static string FullWidth(string text) => new([.. text.Select(c =>
        char.IsAsciiLetterOrDigit(c) ? (char)(c - '!' + '\uFF01') : c)]);

    private static string ArabicIndic(string text) => new([.. text.Select(c => char.IsAsciiDigit(c) ? (char)(c - '0' + '\u0660') : c)]);

    private static void AssertZeroWithReason(ITaskFamily family, TaskProblem problem, string label, string completion)
    {
        var clock = Stopwatch.StartNew();
        var verdict = family.Score(problem, completion);
        clock.Stop();
        string where = $"{family.Name} d{problem.Difficulty} '{label}' (answer {problem.Answer})";
        Assert.True(verdict.Reward == 0, $"{where}: reward {verdict.Reward} ({verdict.Reason}: {verdict.Detail})");
        Assert.True(verdict.Reason is not (VerdictReason.Correct or VerdictReason.PartialCredit), $"{where}: {verdict.Reason}");
        Assert.False(string.IsNullOrWhiteSpace(verdict.Detail), $"{where}: no detail");
        Assert.True(verdict.Detail!.Length <= MaxDetail, $"{where}: a {verdict.Detail.Length}-character detail");
        Assert.True(clock.Elapsed < Budget, $"{where}: took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory]
    [MemberData(nameof(FamilyContractTests.FamilyNames), MemberType = typeof(FamilyContractTests))]
    public void HostileCompletionsScoreZeroWithAReasonInBoundedTime(string name)
    {
        var family = TaskRegistry.Get(name);
        foreach (var difficulty in new[] { 1, family.MaxDifficulty })
        {
            var problem = family.Generate(seed: 3, difficulty);
            foreach (var (label, completion) in Hostile(problem, huge: difficulty == 1))
                AssertZeroWithReason(family, problem, label, completion);
        }
    }

    [Fact]
    public void Gsm8kScoresHostileCompletionsZero()
    {
        using var folder = new TemporaryDirectory();
        string path = Path.Combine(folder.Path, "gsm8k.jsonl");
        File.WriteAllLines(path,
        [
            """{"question": "Tom has 3 boxes of 6 eggs. How many eggs?", "answer": "3 * 6 = <<3*6=18>>18\n#### 18"}""",
            """{"question": "A pen costs $1,200. Two pens?", "answer": "2 * 1200 = 2400\n#### 2,400"}""",
        ]);
        var family = Gsm8kFamily.Load(path);
        foreach (var problem in family.Problems)
            foreach (var (label, completion) in Hostile(problem, huge: true))
                AssertZeroWithReason(family, problem, label, completion);
    }

    /// <summary>The sandbox's limits, as verdicts: a program that never ends, recurses without end or overflows.</summary>
    [Theory]
    [MemberData(nameof(FamilyContractTests.FamilyNames), MemberType = typeof(FamilyContractTests))]
    public void RunawayProgramsAreStoppedBySandboxLimits(string name)
    {
        var family = TaskRegistry.Get(name);
        if (family.Category != TaskCategory.Code || name.StartsWith("code-trace", StringComparison.Ordinal)) return; // programs are answers only here
        var problem = family.Generate(seed: 3, difficulty: 1);
        foreach (var (program, reasons) in new (string, VerdictReason[])[]
                 {
                     ("while 1 do x = 1 end", [VerdictReason.Timeout]),
                     ("func f(n); return f(n + 1); end; print f(0)", [VerdictReason.LimitExceeded]),
                     ("x = 2; while 1 do x = x * x end", [VerdictReason.RuntimeError]),
                     ("while 1 do print 123456789 end", [VerdictReason.LimitExceeded, VerdictReason.Timeout]),
                     ("print " + new string('(', 1000) + "1" + new string(')', 1000), [VerdictReason.Unparseable]),
                     ("print read() + read() + read() + read() + read() + read() + read() + read()", [VerdictReason.RuntimeError]),
                 })
        {
            var verdict = family.Score(problem, "Answer: " + program);
            Assert.True(reasons.Contains(verdict.Reason), $"{name}: '{program[..Math.Min(40, program.Length)]}' -> {verdict}");
            Assert.Equal(0.0, verdict.Reward);
        }
    }

    [Fact]
    public void TheHostileSetIsHostileToAReferenceAnswerOfEveryShape()
    {
        // Guards the generators above: a look-alike must differ from the answer, and an unchanged answer must verify.
        foreach (var family in TaskRegistry.All)
        {
            var problem = family.Generate(seed: 3, difficulty: 1);
            Assert.NotEqual(problem.Answer, FullWidth(problem.Answer));
            Assert.Equal(VerdictReason.Correct, family.Score(problem, $"Answer: {problem.Answer}").Reason);
        }
        Assert.Equal("\uFF11\uFF18", FullWidth("18"));
        Assert.Equal(Encoding.UTF8.GetBytes("١٨"), Encoding.UTF8.GetBytes(ArabicIndic("18")));
    }
}
