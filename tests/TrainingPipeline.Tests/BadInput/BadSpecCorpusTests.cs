using System.Text;
using TrainingPipeline.Tests.Cli;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.BadInput;

/// <summary>
/// The bad-spec corpus (<c>BadInput/specs/*.json</c>, docs/reliability.md): each file has one defect and states, in
/// leading <c>// expect: …</c> lines (or a <c>.expect</c> file beside it when it cannot hold a comment), text the error
/// must contain, usually the JSON path of the field. Every file goes through <c>run</c> as a user would call it and
/// must exit 2 with a message naming the file, the field and a fix, and write nothing at all.
/// </summary>
[Collection(InProcessCli.Collection)]
public sealed class BadSpecCorpusTests : IDisposable
{
    /// <summary>Spec text <c>$DATA</c> stands for the corpus's data folder (user-corpus files), as an absolute path.</summary>
    private const string DataPlaceholder = "$DATA";
    private const string ExpectPrefix = "// expect:";

    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "BadInput", "specs");
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Corpus, "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void TheCorpusHoldsAtLeastFortyCasesEachWithAnExpectation()
    {
        var names = Directory.GetFiles(Corpus, "*.json").Select(Path.GetFileName).ToList();
        Assert.True(names.Count >= 40, $"only {names.Count} bad specs");
        Assert.All(names, name => Assert.NotEmpty(Expectations(Path.Combine(Corpus, name!))));
        // Every category of the issue is represented.
        foreach (var category in new[] { "json-", "key-", "enum-", "type-", "size-", "unknown-", "file-", "mixture-", "structure-", "huge-", "sweep-" })
            Assert.Contains(names, n => n!.Contains(category, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void EachBadSpecExitsTwoNamingFileFieldAndFixAndWritesNothing(string name)
    {
        Directory.CreateDirectory(_workspace.Root);
        string data = Path.Combine(Corpus, "data");
        string spec = Path.Combine(_workspace.Root, name);
        File.WriteAllBytes(spec, Substitute(File.ReadAllBytes(Path.Combine(Corpus, name)), data));
        var expectations = Expectations(Path.Combine(Corpus, name)).Select(e => e.Replace(DataPlaceholder, data, StringComparison.Ordinal)).ToList();
        string output = Path.Combine(_workspace.Root, "out"), models = Path.Combine(_workspace.Root, "models"),
            datasets = Path.Combine(_workspace.Root, "datasets");

        var (exit, stdout, stderr) = InProcessCli.Run("run", spec, "--out", output, "--models", models, "--datasets", datasets);

        Assert.True(exit == 2, $"{name}: exit {exit}\nstderr: {stderr}\nstdout: {stdout}");
        Assert.Contains(spec, stderr);
        foreach (var expected in expectations) Assert.Contains(expected, stderr);
        Assert.Matches(@"Fix: \S", stderr);
        Assert.DoesNotContain("   at ", stderr); // a message, not a stack trace
        Assert.DoesNotContain("run failed", stderr);
        foreach (var folder in new[] { output, models, datasets })
            Assert.False(Directory.Exists(folder), $"{name}: {folder} was created for a bad spec");
    }

    /// <summary>The leading <c>// expect:</c> lines, or the lines of <c>&lt;file&gt;.expect</c>.</summary>
    private static List<string> Expectations(string file)
    {
        if (File.Exists(file + ".expect"))
            return [.. File.ReadAllLines(file + ".expect").Where(l => l.Length > 0)];
        // Lenient decoding: a deliberately invalid UTF-8 spec still yields its (valid) header.
        return [.. Encoding.UTF8.GetString(File.ReadAllBytes(file)).Split('\n')
            .TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal))
            .Where(l => l.StartsWith(ExpectPrefix, StringComparison.Ordinal))
            .Select(l => l[ExpectPrefix.Length..].Trim())];
    }

    /// <summary>Replaces <see cref="DataPlaceholder"/> byte-wise, leaving any (deliberately) invalid bytes intact.</summary>
    private static byte[] Substitute(byte[] spec, string data)
    {
        var pattern = Encoding.ASCII.GetBytes(DataPlaceholder);
        var replacement = Encoding.UTF8.GetBytes(data);
        var result = new List<byte>(spec.Length);
        for (int i = 0; i < spec.Length; i++)
        {
            if (spec.AsSpan(i).StartsWith(pattern))
            {
                result.AddRange(replacement);
                i += pattern.Length - 1;
            }
            else result.Add(spec[i]);
        }
        return [.. result];
    }
}
