using System.Diagnostics;
using TrainingPipeline.Cli;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tests.Reliability;

namespace TrainingPipeline.Tests.Cli;

/// <summary>
/// Bad command-line input (issue 20): thread counts, folder options that are files or empty, a pipeline path that is
/// a device or a pipe (Linux: /dev/zero, mkfifo). Each is exit 2 with a message naming the option and the fix, before anything is written.
/// </summary>
[Collection(InProcessCli.Collection)] // these tests redirect Console
public sealed class CommandLineInputTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Pipeline(string json = FaultInjectionTests.Pipeline)
    {
        Directory.CreateDirectory(_workspace.Root);
        string path = Path.Combine(_workspace.Root, "pipeline.json");
        File.WriteAllText(path, json);
        return path;
    }

    private string Folder(string name) => Path.Combine(_workspace.Root, name);

    private string[] Folders() => ["--out", Folder("out"), "--models", Folder("models"), "--datasets", Folder("datasets")];

    private void AssertNothingWritten()
    {
        foreach (var name in new[] { "out", "models", "datasets" })
            Assert.False(Directory.Exists(Folder(name)), $"{name} was created for bad input");
    }

    private static void AssertReadableRefusal(int exit, string stderr, string option)
    {
        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        Assert.Contains(option, stderr);
        Assert.Contains("Fix:", stderr);
        Assert.DoesNotContain("System.", stderr); // no .NET type names
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("100000")]
    [InlineData("-1")]
    [InlineData("1025")]
    [InlineData("abc")]
    [InlineData("2.5")]
    public void ThreadCountsOutsideThePipelineRangeAreRefused(string threads)
    {
        var (exit, _, stderr) = InProcessCli.Run(["run", Pipeline(), "--threads", threads, .. Folders()]);
        AssertReadableRefusal(exit, stderr, "--threads");
        Assert.Contains("0 to 1024", stderr);
        AssertNothingWritten();
    }

    [Fact]
    public void ThreadCountsAboveFourPerCoreAreRefusedUnlessForced()
    {
        int tooMany = ThreadLimits.MachineMax + 1;
        Assert.True(tooMany <= ThreadLimits.Max, "this test assumes at most 255 logical cores");
        var (exit, _, stderr) = InProcessCli.Run(["run", Pipeline(), "--threads", tooMany.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Folders()]);
        AssertReadableRefusal(exit, stderr, "--threads");
        Assert.Contains("--force-threads", stderr);
        Assert.Contains($"at most {ThreadLimits.MachineMax}", stderr);
        AssertNothingWritten();

        // The pipeline's own threads get the same check, naming the file and field.
        string spec = Pipeline(FaultInjectionTests.Pipeline.Replace("\"threads\": 1", $"\"threads\": {tooMany}", StringComparison.Ordinal));
        var fromSpec = InProcessCli.Run(["run", spec, .. Folders()]);
        AssertReadableRefusal(fromSpec.Exit, fromSpec.Err, "$.threads");
        Assert.Contains(spec, fromSpec.Err);
        AssertNothingWritten();

        // Forced, the check passes (the run itself is not started here: forcing is all this shows).
        ThreadLimits.Check(tooMany, force: true, "command line", "--threads");
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--models")]
    [InlineData("--datasets")]
    public void AFolderOptionNamingAFileIsRefusedBeforeAnythingIsWritten(string option)
    {
        string pipeline = Pipeline();
        string file = Folder("a-file");
        File.WriteAllText(file, "not a folder");
        foreach (var path in new[] { file, Path.Combine(file, "below") })
        {
            var args = Folders();
            args[Array.IndexOf(args, option) + 1] = path;
            var (exit, _, stderr) = InProcessCli.Run(["run", pipeline, .. args]);
            AssertReadableRefusal(exit, stderr, option);
            Assert.Contains("not a folder", stderr);
            AssertNothingWritten();
        }
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--models")]
    [InlineData("--datasets")]
    public void AnEmptyFolderOptionIsRefusedWithoutATypeName(string option)
    {
        var (exit, _, stderr) = InProcessCli.Run(["run", Pipeline(), option, ""]);
        AssertReadableRefusal(exit, stderr, option);
        Assert.Contains("empty", stderr);
    }

    /// <summary>A device reports length 0, so only a bounded read stops it (the unbounded one ran out of memory).</summary>
    [Fact]
    public void ADeviceAsThePipelineIsRefusedAfterABoundedRead()
    {
        var clock = Stopwatch.StartNew();
        var (exit, _, stderr) = InProcessCli.Run(["run", "/dev/zero", .. Folders()]);
        AssertReadableRefusal(exit, stderr, "/dev/zero");
        Assert.Contains("not a regular file", stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        AssertNothingWritten();
    }

    /// <summary>A pipe (e.g. process substitution) that streams more than a pipeline file can hold.</summary>
    [Fact]
    public async Task APipeStreamingMoreThanAPipelineFileIsRefused()
    {
        Directory.CreateDirectory(_workspace.Root);
        string fifo = Folder("pipeline.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        var writer = Task.Run(() =>
        {
            try
            {
                using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                var spaces = new byte[1 << 20];
                Array.Fill(spaces, (byte)' ');
                for (int i = 0; i < 20; i++) stream.Write(spaces); // 20 MB of whitespace, then a valid pipeline
                stream.Write(System.Text.Encoding.UTF8.GetBytes(FaultInjectionTests.Pipeline));
            }
            catch (IOException)
            {
                // the reader stopped reading (broken pipe): what a bounded read does
            }
        });
        var (exit, _, stderr) = InProcessCli.Run(["run", fifo, .. Folders()]);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        AssertReadableRefusal(exit, stderr, fifo);
        Assert.Contains("more than a pipeline file can", stderr);
        AssertNothingWritten();
    }
    [Fact]
    public void AnalyzeFitOnAFolderWithoutTablesNamesTheFolder()
    {
        string folder = Folder("no-tables");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not a table");
        var (exit, _, stderr) = InProcessCli.Run("analyze", "fit", "--law", "chinchilla", "--input", folder);
        AssertReadableRefusal(exit, stderr, folder);
        Assert.Contains("no .csv or .parquet table", stderr);
        Assert.DoesNotContain("error: :", stderr);
    }

    [Theory]
    [InlineData("--data")]
    [InlineData("--completions")]
    public void TasksScoreGivenAFolderSaysItIsAFolder(string option)
    {
        Directory.CreateDirectory(_workspace.Root);
        string problems = Folder("problems.jsonl");
        var sample = InProcessCli.Run("tasks", "sample", "--family", "addition", "--n", "2");
        Assert.True(sample.Exit == 0, sample.Err);
        File.WriteAllText(problems, sample.Out);
        string completions = Folder("completions.jsonl");
        File.WriteAllText(completions, "{\"completion\": \"1\"}\n{\"completion\": \"2\"}\n");
        string folder = Folder("a-folder");
        Directory.CreateDirectory(folder);
        var args = new List<string> { "tasks", "score", "--task", "addition", "--data", problems, "--completions", completions };
        args[args.IndexOf(option) + 1] = folder;

        var (exit, _, stderr) = InProcessCli.Run([.. args]);

        AssertReadableRefusal(exit, stderr, folder);
        Assert.Contains("is a folder", stderr);
        Assert.DoesNotContain("does not exist", stderr);
    }
}
