using System.Diagnostics;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Bench;

/// <summary>
/// bench/summarize.py picks what the performance tables quote (loaded rows left out, the better PyTorch variant, the
/// ratio against it), and bench/compare.sh's load gate refuses to measure when asked to. Needs python3 and bash.
/// </summary>
public sealed class CompareScriptsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tp-bench-summary-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Python3Fact]
    public void SummaryLeavesLoadedRowsOutAndComparesWithTheBetterPyTorchVariant()
    {
        File.WriteAllLines(Path.Combine(_folder, "torchsharp.jsonl"),
        [
            """{"round": 1, "load": "0.20 0.30 0.40", "loaded": false, "name":"rl_step_S","stack":"torchsharp","value":90}""",
            """{"round": 2, "load": "0.40 0.30 0.40", "loaded": false, "name":"rl_step_S","stack":"torchsharp","value":110}""",
            """{"round": 3, "load": "3.10 2.00 1.00", "loaded": true, "name":"rl_step_S","stack":"torchsharp","value":5}""",
            """{"round": 1, "load": "0.20 0.30 0.40", "loaded": false, "name":"memory_rl","stack":"torchsharp","value":-2.5}""",
        ]);
        File.WriteAllLines(Path.Combine(_folder, "pytorch_ob1.jsonl"),
        [
            """{"round": 1, "load": "0.20 0.30 0.40", "loaded": false, "name": "rl_step_S", "stack": "pytorch_ob1", "value": 40}""",
            """{"round": 2, "load": "0.20 0.30 0.40", "loaded": false, "name": "rl_step_S", "stack": "pytorch_ob1", "value": 60}""",
            """{"round": 1, "load": "0.20 0.30 0.40", "loaded": false, "name": "profile_S", "stack": "pytorch_ob1", "op": "addmm", "self_ms_per_step": 9.0}""",
        ]);
        File.WriteAllLines(Path.Combine(_folder, "pytorch_default.jsonl"),
        [
            """{"round": 1, "load": "0.20 0.30 0.40", "loaded": false, "name": "rl_step_S", "stack": "pytorch_default", "value": 20}""",
            """{"round": 2, "load": "2.00 0.30 0.40", "loaded": true, "name": "rl_step_S", "stack": "pytorch_default", "value": 500}""",
        ]);

        var (exit, output) = Run("python3", Path.Combine(SharedData.RepositoryRoot(), "bench", "summarize.py"), _folder);

        Assert.True(exit == 0, output);
        Assert.Contains("| measurement | TorchSharp | pytorch_ob1 | pytorch_default | best PyTorch | TS / best |", output);
        // Medians of the kept rows: TorchSharp 100, ob1 50, default 20 (its loaded 500 left out), so best = ob1, ratio 2.
        Assert.Contains("| rl_step_S | 100 (90–110, n=2, 1 loaded left out) | 50 (40–60, n=2) | 20 (20–20, n=1, 1 loaded left out) | pytorch_ob1 50 | 2.00 |", output);
        // Memory growth has no PyTorch rows here and never a ratio; profile rows are not measurements.
        Assert.Contains("| memory_rl | -2.5 (-2.5–-2.5, n=1) | – | – | – | – |", output);
        Assert.DoesNotContain("profile_S", output);
        Assert.Contains("2 of 7 runs above the load gate (left out of the medians)", output);

        var (_, kept) = Run("python3", Path.Combine(SharedData.RepositoryRoot(), "bench", "summarize.py"), _folder, "--include-loaded");
        // With loaded rows kept, the default variant's 500 makes it the better PyTorch: 90 / 260 (its median of 20 and 500).
        Assert.Contains("| rl_step_S | 90 (5–110, n=3) | 50 (40–60, n=2) | 260 (20–500, n=2) | pytorch_default 260 | 0.35 |", kept);
    }

    [Python3Fact]
    public void MemoryGrowthPicksTheLowerPyTorchVariantAndHasNoRatio()
    {
        File.WriteAllLines(Path.Combine(_folder, "torchsharp.jsonl"),
            ["""{"round": 1, "load": "0.1 0.1 0.1", "loaded": false, "name":"memory","stack":"torchsharp","value":3}"""]);
        File.WriteAllLines(Path.Combine(_folder, "pytorch_ob1.jsonl"),
            ["""{"round": 1, "load": "0.1 0.1 0.1", "loaded": false, "name": "memory", "stack": "pytorch_ob1", "value": 7}"""]);
        File.WriteAllLines(Path.Combine(_folder, "pytorch_default.jsonl"),
            ["""{"round": 1, "load": "0.1 0.1 0.1", "loaded": false, "name": "memory", "stack": "pytorch_default", "value": 4}"""]);

        var (exit, output) = Run("python3", Path.Combine(SharedData.RepositoryRoot(), "bench", "summarize.py"), _folder);

        Assert.True(exit == 0, output);
        Assert.Contains("| memory | 3 (3–3, n=1) | 7 (7–7, n=1) | 4 (4–4, n=1) | pytorch_default 4 | – |", output);
    }

    [Python3Fact]
    public void StrictCompareRefusesToMeasureOnALoadedMachine()
    {
        // A TorchSharp bench that must never run: the gate has to stop the script before any program starts.
        string dll = Path.Combine(_folder, "never-run.dll");
        File.WriteAllText(dll, "");
        var environment = new Dictionary<string, string>
        {
            ["TS_DLL"] = dll,
            ["LOAD_MAX"] = "-1", // no load average is ever this low
            ["LOAD_WAIT"] = "0",
            ["RESULTS_DIR"] = Path.Combine(_folder, "results"),
            ["PYTHON"] = "python3",
        };

        var (exit, output) = Run("bash", [Path.Combine(SharedData.RepositoryRoot(), "bench", "compare.sh"), "--strict", "1"], environment);

        Assert.True(exit == 3, output);
        Assert.Contains("refusing to measure (--strict)", output);
        var results = Directory.GetDirectories(Path.Combine(_folder, "results")).Single();
        Assert.Empty(Directory.GetFiles(results, "*.jsonl"));
    }

    private static (int Exit, string Output) Run(string program, params string[] args) => Run(program, args, new Dictionary<string, string>());

    private static (int Exit, string Output) Run(string program, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>A fact that needs python3 on PATH (the bench scripts); skipped, with that reason, where there is none.</summary>
public sealed class Python3FactAttribute : FactAttribute
{
    public Python3FactAttribute()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, "python3"))))
            Skip = "needs python3 on PATH (bench/summarize.py, bench/compare.sh)";
    }
}
