using System.Text.RegularExpressions;
using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Tasks;
using Xunit.Abstractions;

namespace TrainingPipeline.Tests.Tasks;

/// <summary>
/// Word problems and programs keyed by their underlying problem (src/TrainingPipeline/Tasks/WordProblemKeys.cs,
/// ProgramKeys.cs): a prompt that differs from another only in names, objects, synonyms, variable names, layout or
/// commutative operand order is the same problem and must be on the same side of the split.
/// </summary>
public sealed partial class UnderlyingProblemKeysTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Ann has 7 apples. She buys 5 more. How many apples now?", "Bo has 7 cards. She finds 5 more. How many cards now?")]
    [InlineData("Ann has 7 apples. She buys 5 more. How many apples now?", "Di has 5 eggs. She finds 7 more. How many eggs now?")]
    [InlineData("Ann has 9 pens. She gives away 4. How many pens now?", "Gus has 9 shells. She loses 4. How many shells now?")]
    [InlineData("Cy has 8 pens. She gets 3 bags of 5. She gives away 15. Her stock doubles. She buys 7 more. How many pens now?",
        "Ed has 8 coins. She loses 15. She gets 5 bags of 3. She ends up with 2 times as many. She finds 7 more. How many coins now?")]
    [InlineData("Run:\na = 6\nprint a * 4\nOutput?", "Run:\nb = 6\nprint 4 * b\nOutput?")]
    [InlineData("Run:\na = 2\nb = a + 3\nif b > 4 then\n  b = b * a\nend\nprint b\nOutput?",
        "Run:\nx = 2; y = 3 + x; if 4 < y then y = x * y end\n\nprint y\nOutput?")]
    [InlineData("Run:\nfunc f(n)\n  return n * 2\nend\nprint f(3)\nOutput?", "Run:\nfunc g(k) return 2 * k end; print g(3)\nOutput?")]
    [InlineData("Fix:\nx = read(); print 3 * x + 1\n1 -> 5", "Fix:\ny = read(); print 1 + y * 3\n1 -> 5")]
    [InlineData("Fix:\nx = read(); print 3 * x + 1\n1 -> 5\n2 -> 8", "Fix:\nx = read(); print 3 * x + 1\n4 -> 14\n0 -> 2")]  // other inputs, same target
    public void TheSameUnderlyingProblemHasOneKey(string a, string b) =>
        Assert.Equal(ProblemKeys.Key(a), ProblemKeys.Key(b + "\n"));

    [Theory]
    [InlineData("Ann has 7 apples. She buys 5 more. How many apples now?", "Ann has 7 apples. She loses 5. How many apples now?")]
    [InlineData("Ann has 7 apples. Her stock doubles. She buys 5 more. How many apples now?",
        "Ann has 7 apples. She buys 5 more. Her stock doubles. How many apples now?")]
    [InlineData("Ann has 12 apples. She splits them equally among 2 friends and keeps one share. How many apples now?",
        "Ann has 12 apples. She splits them equally among 3 friends and keeps one share. How many apples now?")]
    [InlineData("Run:\na = read()\nb = read()\nprint a - b\nOutput?", "Run:\na = read()\nb = read()\nprint b - a\nOutput?")]
    [InlineData("Run:\na = 5\nb = 3\nprint a * b\nprint a\nOutput?", "Run:\na = 5\nb = 3\nprint a * b\nprint b\nOutput?")]
    [InlineData("Run:\na = 5\nif a > 3 then\n  a = 1\nend\nprint a\nOutput?", "Run:\na = 5\nif a < 3 then\n  a = 1\nend\nprint a\nOutput?")]
    [InlineData("Run:\nprint read() - read()\nOutput?", "Run:\nprint 0 - read() + read()\nOutput?")]
    [InlineData("Fix:\nx = read(); print 3 * x + 1\n1 -> 5", "Fix:\nx = read(); print 3 * x - 1\n1 -> 5")]
    public void DifferentProblemsKeepDifferentKeys(string a, string b) =>
        Assert.NotEqual(ProblemKeys.Key(a), ProblemKeys.Key(b));

    [Fact]
    public void AnUnreadableStoryOrProgramIsItsOwnKey()
    {
        Assert.Equal("Ann has 7 apples. She sings. How many apples now?", ProblemKeys.Key("Ann has 7 apples. She sings. How many apples now?"));
        Assert.Equal("Run:\nprint (\nOutput?", ProblemKeys.Key("Run:\nprint (\nOutput?\n"));
    }

    /// <summary>The contamination check finds an eval problem's twin in a document: a renamed story or program.</summary>
    [Fact]
    public void TheContaminationCheckFindsATwinWithOtherNames()
    {
        string[] prompts =
        [
            "Ann has 7 apples. She buys 5 more. How many apples now?",
            "Run:\na = 2\nb = a + 3\nprint b * a\nOutput?",
            "Fix:\nx = read(); print 3 * x + 2\n1 -> 5\n2 -> 8",
        ];
        var index = new PromptIndex(prompts);
        void Finds(string document, string prompt)
        {
            var found = new HashSet<string>();
            index.FindIn(document, found);
            Assert.Equal([prompt], found);
        }
        Finds("Bo has 5 cards. He finds 7 more. How many cards now?\nAnswer: 12\n", prompts[0]);
        Finds("Some text.\nRun:\nx = 2\ny = 3 + x\nprint x * y\nOutput?\nAnswer: 10\n", prompts[1]);
        Finds("Fix:\nn = read(); print 2 + n * 3\n4 -> 14\nAnswer: n = read(); print 2 + n * 3\n", prompts[2]);
        var none = new HashSet<string>();
        index.FindIn("Run:\nx = 2\ny = 3 - x\nprint x * y\nOutput?\n", none);
        Assert.Empty(none);
    }

    [GeneratedRegex(@"^[A-Z][a-z]* has (\d+) ([a-z]+)\.")]
    private static partial Regex StoryStart();

    /// <summary>
    /// A word problem without its person, object and synonyms, written independently of the key under test: twins
    /// under this form are the referee's "same numbers and operations, same answer" (500 of 500 eval problems at
    /// difficulty 1 had one in the train split when the key was the text).
    /// </summary>
    private static string WithoutSurface(string prompt)
    {
        var start = StoryStart().Match(prompt);
        var item = start.Groups[2].Value;
        return ("has " + start.Groups[1].Value + prompt[start.Length..])
            .Replace($"How many {item} now?", "How many now?", StringComparison.Ordinal)
            .Replace("finds", "buys", StringComparison.Ordinal).Replace("loses", "gives away", StringComparison.Ordinal);
    }

    /// <summary>
    /// Every family whose prompt is a story or a program, at difficulties 1–3: among 10,000 generated problems, the share
    /// of eval prompts with a twin (the same underlying problem, by the key) in the train split, when the split was by
    /// prompt text (before) and now (0). Printed; docs/tasks.md quotes the figures. Word-problem twins are also grouped
    /// by a form written independently of the key (names, objects and synonyms removed), so the test fails whenever
    /// the key stops treating them as one problem.
    /// </summary>
    [Fact]
    public void TwinsOfTheSameUnderlyingProblemShareASplit()
    {
        static ProblemSplit ByText(string prompt) =>
            SplitMix64.Mix(StableHash.Fnv1a64("problem-split-v1\n" + prompt.TrimEnd('\n'))) % ProblemSplits.EvalBuckets == 0
                ? ProblemSplit.Eval : ProblemSplit.Train;
        var before = new Dictionary<string, double>();
        foreach (var name in new[] { "word-problem", "code-trace", "code-repair" })
        {
            var family = TaskRegistry.Get(name);
            for (int difficulty = 1; difficulty <= 3; difficulty++)
            {
                var prompts = Enumerable.Range(0, 10_000).Select(seed => family.Generate(seed, difficulty).Prompt).Distinct().ToList();
                double Share(Func<string, ProblemSplit> split, Func<string, string> underlying)
                {
                    var groups = prompts.GroupBy(underlying).ToList();
                    var eval = groups.SelectMany(g => g.Where(p => split(p) == ProblemSplit.Eval).Select(p => g)).ToList();
                    return eval.Count == 0 ? 0 : (double)eval.Count(g => g.Any(p => split(p) == ProblemSplit.Train)) / eval.Count;
                }
                var old = Share(ByText, ProblemKeys.Key);
                var now = Share(ProblemSplits.Of, ProblemKeys.Key);
                output.WriteLine($"{name}@{difficulty}: {prompts.Count} prompts, {prompts.Select(ProblemKeys.Key).Distinct().Count()} problems; " +
                    $"{old:P1} -> {now:P1} of eval prompts have a train twin");
                before[$"{name}@{difficulty}"] = old;
                Assert.Equal(0, now);
                if (name == "word-problem") Assert.Equal(0, Share(ProblemSplits.Of, WithoutSurface));
            }
        }
        Assert.True(before["word-problem@1"] > 0.95, $"word-problem@1 had {before["word-problem@1"]:P0}");
        Assert.True(before["code-trace@2"] > 0, "code-trace@2 has commuted twins");
        Assert.True(before["code-repair@1"] > 0.95, $"code-repair@1 had {before["code-repair@1"]:P0}");
    }
}
