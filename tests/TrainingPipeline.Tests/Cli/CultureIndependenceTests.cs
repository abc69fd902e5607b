using System.Text.Json;
using TrainingPipeline.Tests.Cluster;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Cli;

/// <summary>
/// The built CLI gives byte-identical prompts, eval splits, verdicts and run ids whatever the machine's locale. Under
/// sv-SE a negative number formats with U+2212 ('−') and under ar-SA with a right-to-left mark, so without invariant
/// globalization (Directory.Build.props) the same seed generated other prompts, which hashed to other splits and
/// changed what was trained and evaluated. Run as child processes because the locale is read at process start.
/// </summary>
public sealed class CultureIndependenceTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private const string Spec = """
        {
          "name": "culture",
          "corpora": { "narrow": { "domains": { "task:subtraction@3": 0.5, "task:fractions@2": 1.5 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 64 },
          "pretrain": { "lr": 0.0003, "phases": [ { "name": "narrow", "corpus": "narrow", "tokens": 2048 } ] },
          "rl": { "tasks": { "subtraction": 0.25, "fractions": 0.75 }, "difficulty": 3, "temperature": 0.7, "lr": 2.5e-5,
                  "eval_problems": 20, "clip_high": 0.28 }
        }
        """;

    private static readonly string[] Locales = ["C", "sv_SE.UTF-8", "ar_SA.UTF-8"];

    private string Cli(string locale, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["LANG"] = locale, ["LC_ALL"] = locale };
        using var cli = CliProcess.Start(_workspace.Root, environment, args);
        int exit = cli.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"{string.Join(' ', args)} under {locale}: exit {exit}\n{cli.Output}");
        return cli.Output;
    }

    [Fact]
    public void PromptsSplitsVerdictsAndRunIdsAreTheSameUnderEveryLocale()
    {
        Directory.CreateDirectory(_workspace.Root);
        string pipeline = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(pipeline, Spec);
        string data = Path.Combine(_workspace.Root, "subtraction.jsonl");
        string completions = Path.Combine(_workspace.Root, "completions.jsonl");

        Dictionary<string, string> Outputs(string locale) => new()
        {
            // Generation (subtraction and chained arithmetic have negative numbers, fractions signs and slashes,
            // code-trace negative literals), the eval split (distinct problems chosen by the prompt's hash), the spec
            // reader (decimal weights and rates, hashed into the run ids) and the verifier's number parsing.
            ["subtraction"] = Cli(locale, "tasks", "sample", "--family", "subtraction", "--difficulty", "3", "--n", "40"),
            ["chained"] = Cli(locale, "tasks", "sample", "--family", "chained-arithmetic", "--difficulty", "3", "--n", "40"),
            ["fractions"] = Cli(locale, "tasks", "sample", "--family", "fractions", "--difficulty", "2", "--n", "40"),
            ["code-trace"] = Cli(locale, "tasks", "sample", "--family", "code-trace", "--difficulty", "3", "--n", "40"),
            ["eval split"] = Cli(locale, "tasks", "sample", "--family", "subtraction", "--difficulty", "3", "--n", "40", "--split", "eval"),
            ["plan"] = Cli(locale, "plan", pipeline, "--json"),
            ["score"] = Cli(locale, "tasks", "score", "--task", "subtraction", "--data", data, "--completions", completions, "--json"),
        };

        // The verifier's input: the invariant samples, answered as written, with U+2212 minus, and with comma decimals.
        var problems = Cli("C", "tasks", "sample", "--family", "subtraction", "--difficulty", "3", "--n", "40")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var answers = problems.Select(p => JsonDocument.Parse(p).RootElement.GetProperty("answer").GetString()!).ToList();
        Assert.Contains(answers, a => a.StartsWith('-')); // negative numbers are present, so the check can fail
        File.WriteAllLines(data, problems);
        File.WriteAllLines(completions, answers.Select((a, i) => JsonSerializer.Serialize(new
        {
            completion = (i % 4) switch { 0 => a, 1 => a.Replace('-', '\u2212'), 2 => a + ",5", _ => "1,000.5" },
        })));

        var invariant = Outputs("C");
        Assert.DoesNotContain('\u2212', invariant["subtraction"]);
        Assert.Contains("\"correct\"", invariant["score"]);
        foreach (var locale in Locales.Skip(1))
        {
            var other = Outputs(locale);
            foreach (var (what, output) in invariant)
                Assert.True(output == other[what], $"{what} under {locale} differs from the invariant culture:\n{other[what]}\n---\n{output}");
        }
    }
}
