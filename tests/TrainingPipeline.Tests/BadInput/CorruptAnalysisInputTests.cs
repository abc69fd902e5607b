using System.Globalization;
using Parquet.Schema;
using Parquet.Serialization;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Cli;
using TrainingPipeline.Tests.Data;

namespace TrainingPipeline.Tests.BadInput;

/// <summary>
/// Corrupt inputs to the analysis stage through the command line: <c>analyze fit</c> on broken CSV and Parquet
/// tables and <c>analyze report</c> on a damaged results folder exit 2 naming the file and the column (or line), print
/// no fit, and write no fits table and no report.
/// </summary>
[Collection(InProcessCli.Collection)]
public sealed class CorruptAnalysisInputTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => Path.Combine(_folder.Path, name);

    private readonly record struct Point(double C, double N, double D, double Loss);

    /// <summary>Ten points of L = 2 + 50·C^-0.1 over five sizes and two token counts: enough for every pre-training law.</summary>
    private static readonly Point[] Points = [.. Enumerable.Range(0, 10).Select(i =>
    {
        double n = 1e6 * Math.Pow(2, i % 5), d = 2e7 * Math.Pow(3, i / 5), c = 6 * n * d;
        return new Point(c, n, d, 2 + 50 * Math.Pow(c, -0.1));
    })];

    private static string Row(Point p) => string.Create(CultureInfo.InvariantCulture, $"{p.C:R},{p.N:R},{p.D:R},{p.Loss:R}");

    /// <summary>A CSV of <see cref="Points"/>; <paramref name="row"/> may replace row i's line (null keeps it).</summary>
    private static string Csv(Func<int, Point, string?>? row = null, string header = "C,N,D,loss") =>
        header + "\n" + string.Concat(Points.Select((p, i) => (row?.Invoke(i, p) ?? Row(p)) + "\n"));

    private string WriteCsv(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    private string WriteParquet(string name, ParquetSchema schema, IEnumerable<Dictionary<string, object?>> rows)
    {
        using (var stream = File.Create(PathOf(name)))
            ParquetSerializer.SerializeUntypedAsync(rows.ToList(), schema, stream).GetAwaiter().GetResult();
        return PathOf(name);
    }

    private string GoodParquet(string name) => WriteParquet(name,
        new ParquetSchema(new DataField<double>("C"), new DataField<double>("loss")),
        Points.Select(p => new Dictionary<string, object?> { ["C"] = p.C, ["loss"] = p.Loss }));

    private static (int Exit, string Out, string Err) Fit(string input, string law = "loss-compute") =>
        InProcessCli.Run("analyze", "fit", "--law", law, "--input", input, "--bootstrap", "0", "--init-grid", "coarse", "--json");

    private static void AssertBadInput((int Exit, string Out, string Err) result, params string[] expected)
    {
        Assert.True(result.Exit == 2, $"exit {result.Exit}\n{result.Err}\n{result.Out}");
        foreach (var text in expected) Assert.Contains(text, result.Err);
        Assert.Matches(@"Fix: \S", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.Equal("", result.Out); // no partial fit printed
    }

    [Fact]
    public void TheGoodTablesFit()
    {
        Assert.Equal(0, Fit(WriteCsv("good.csv", Csv())).Exit);
        Assert.Equal(0, Fit(GoodParquet("good.parquet")).Exit);
        Assert.Equal(0, Fit(WriteCsv("good4.csv", Csv()), law: "chinchilla").Exit);
    }

    public static TheoryData<string, string, string> BadCsvs() => new()
    {
        // name, content, what the error must name besides the file
        { "missing-column", Csv(header: "C,N,D,lss"), "loss: the loss-compute law needs a loss column" },
        { "nan", Csv((i, p) => i == 3 ? Row(p with { Loss = double.NaN }) : null), "loss: row 4 has NaN" },
        { "negative-compute", Csv((i, p) => i == 2 ? Row(p with { C = -p.C }) : null), "C (compute): row 3 has -" },
        { "overflowing-compute", Csv((i, p) => i == 0 ? "1e999" + Row(p)[Row(p).IndexOf(',')..] : null), "C (compute): row 1 has Infinity" },
        { "text-in-numbers", Csv((_, p) => Row(p)[..Row(p).LastIndexOf(',')] + ",low"), "loss: row 1 has NaN" },
        { "ragged", Csv() + "1e20,3\n", "line 12: 2 fields where the header has 4" },
        { "empty", "", "header: the file is empty" },
        { "header-only", "C,N,D,loss\n", "rows: 0 usable points" },
        { "unterminated-quote", "C,N,D,loss\n\"1e20,1,2,3\n" + Csv().Split('\n', 2)[1], "line 2: a quoted field is never closed" },
        { "duplicate-column", Csv(header: "C,N,C,loss"), "C: the header names this column twice" },
    };

    [Theory]
    [MemberData(nameof(BadCsvs))]
    public void BadCsvExitsTwoNamingFileAndColumn(string name, string content, string expected)
    {
        string path = WriteCsv(name + ".csv", content);
        AssertBadInput(Fit(path), path, expected);
    }

    [Fact]
    public void ParquetWithAWrongColumnTypeExitsTwoNamingTheColumn()
    {
        string path = WriteParquet("strings.parquet", new ParquetSchema(new DataField<double>("C"), new DataField<string>("loss")),
            Points.Select(p => new Dictionary<string, object?> { ["C"] = p.C, ["loss"] = p.Loss.ToString("R", CultureInfo.InvariantCulture) }));
        AssertBadInput(Fit(path), path, "loss: row 1 has NaN");
    }

    public static TheoryData<string> BrokenParquets() => ["truncated", "random bytes", "empty", "magic but no footer", "footer claims 2 GB", "csv renamed"];

    [Theory]
    [MemberData(nameof(BrokenParquets))]
    public void BrokenParquetExitsTwoNamingTheFile(string kind)
    {
        string path = GoodParquet("table.parquet");
        byte[] good = File.ReadAllBytes(path);
        byte[] bytes = kind switch
        {
            "truncated" => good[..(good.Length / 2)],
            "random bytes" => [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251))],
            "empty" => [],
            "magic but no footer" => [.. "PAR1"u8, .. new byte[64], .. "PAR1"u8],
            "footer claims 2 GB" => [.. "PAR1"u8, .. new byte[64], .. BitConverter.GetBytes(int.MaxValue - 8), .. "PAR1"u8],
            _ => System.Text.Encoding.UTF8.GetBytes(Csv()),
        };
        File.WriteAllBytes(path, bytes);
        AssertBadInput(Fit(path), path, "not a readable Parquet file");
    }

    [Fact]
    public void OneBadFileAmongGoodOnesIsNamed()
    {
        Directory.CreateDirectory(PathOf("tables"));
        File.Move(GoodParquet("a.parquet"), PathOf("tables/a.parquet"));
        File.WriteAllText(PathOf("tables/b.parquet"), "not parquet");
        AssertBadInput(Fit(PathOf("tables")), PathOf("tables/b.parquet"));
    }

    // --- analyze report on a results folder

    private string Results => PathOf("results");
    private string Report => PathOf("analysis");

    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Six completed pre-training runs with loss evals, written by the pipeline's own writer.</summary>
    private void WriteResults(Func<int, EvalRecord, EvalRecord>? eval = null)
    {
        var writer = new ResultsWriter(Results);
        for (int i = 0; i < 6; i++)
        {
            string id = $"run{i}";
            long n = 10_000L << i;
            writer.Append(ResultTables.Runs, id, [new RunRecord
            {
                Experiment = "e", Stage = "pretrain_narrow", ConfigJson = "{}", ParamsTotal = n * 2, ParamsNonEmbedding = n,
                Status = RunStatuses.Name(RunStatus.Completed), WrittenAt = T0,
            }]);
            writer.AppendSteps(ResultTables.Steps, id, 1, 1, [new StepRecord { Stage = "pretrain_narrow", Step = 1, Tokens = 1_000_000, Flops = 6e6 * n, RunFlops = 6e6 * n, Loss = 3, WrittenAt = T0 }]);
            var record = new EvalRecord
            {
                Stage = "pretrain_narrow",
                Step = 1,
                Flops = 6e6 * n,
                RunFlops = 6e6 * n,
                EvalSet = "arith",
                Split = ResultTables.InDistribution,
                Metric = "loss",
                Value = 2 + 40 * Math.Pow(6e6 * n, -0.1),
                N = 100,
                Stderr = 0.01,
                WrittenAt = T0,
            };
            writer.AppendSteps(ResultTables.Evals, id, 1, 1, [eval?.Invoke(i, record) ?? record]);
        }
    }

    private (int Exit, string Out, string Err) AnalyzeReport() =>
        InProcessCli.Run("analyze", "report", "--results", Results, "--out", Report, "--bootstrap", "0");

    private void AssertNothingWritten()
    {
        Assert.False(Directory.Exists(Path.Combine(Results, "fits")), "a fits table was written");
        Assert.False(Directory.Exists(Report), "a report was written");
    }

    [Fact]
    public void AGoodResultsFolderIsReported()
    {
        WriteResults();
        var (exit, _, error) = AnalyzeReport();
        Assert.True(exit == 0, error);
        Assert.True(File.Exists(Path.Combine(Report, "report.html")));
        Assert.Empty(Directory.GetFiles(Report, "*.tmp"));
    }

    public static TheoryData<string> DamagedParts() => ["truncated", "random bytes", "empty", "text"];

    [Theory]
    [MemberData(nameof(DamagedParts))]
    public void ADamagedPartFileExitsTwoNamingItAndWritesNothing(string kind)
    {
        WriteResults();
        string part = Directory.GetFiles(Path.Combine(Results, "evals", "run_id=run3"), "*.parquet").Single();
        byte[] good = File.ReadAllBytes(part);
        File.WriteAllBytes(part, kind switch
        {
            "truncated" => good[..(good.Length * 2 / 3)],
            "random bytes" => [.. Enumerable.Range(0, good.Length).Select(i => (byte)(i * 7919 % 251))],
            "empty" => [],
            _ => "step,value\n1,2\n"u8.ToArray(),
        });
        AssertBadInput(AnalyzeReport(), part);
        AssertNothingWritten();
    }

    [Fact]
    public void APartFileWithAWrongColumnTypeExitsTwoNamingTheColumn()
    {
        WriteResults();
        string folder = Path.Combine(Results, "steps", "run_id=run2");
        foreach (var file in Directory.GetFiles(folder)) File.Delete(file);
        string part = WriteParquet("x.parquet", new ParquetSchema(new DataField<string>("stage"), new DataField<string>("step"),
            new DataField<long>("tokens"), new DataField<double>("flops"), new DataField<double>("run_flops"), new DataField<DateTime>("written_at")),
            [new() { ["stage"] = "pretrain_narrow", ["step"] = "one", ["tokens"] = 1L, ["flops"] = 1.0, ["run_flops"] = 1.0, ["written_at"] = T0 }]);
        string target = Path.Combine(folder, "part-s000000001-000000001-x.parquet");
        File.Move(part, target);
        AssertBadInput(AnalyzeReport(), target, "step");
        AssertNothingWritten();
    }

    public static TheoryData<string> ImpossibleValues() => ["negative compute", "infinite compute"];

    /// <summary>Well-typed but impossible values (negative or infinite FLOPs) are named with their row, never plotted or fitted.</summary>
    [Theory]
    [MemberData(nameof(ImpossibleValues))]
    public void ImpossibleValuesExitTwoNamingFileColumnAndRowAndWriteNothing(string kind)
    {
        WriteResults((i, e) => i != 4 ? e : With(e, flops: kind == "negative compute" ? -e.Flops : double.PositiveInfinity));
        string part = Directory.GetFiles(Path.Combine(Results, "evals", "run_id=run4"), "*.parquet").Single();
        AssertBadInput(AnalyzeReport(), part, "flops: row 1 holds");
        AssertNothingWritten();
    }

    /// <summary>A non-finite loss is what a diverged evaluation writes: the point is left out with a note, the rest is fitted.</summary>
    [Fact]
    public void ANonFiniteLossIsLeftOutWithANote()
    {
        WriteResults((i, e) => i != 4 ? e : With(e, value: double.NaN));
        var (exit, output, error) = AnalyzeReport();
        Assert.True(exit == 0, error);
        Assert.Contains("loss-compute", output); // fitted on the five other runs
        Assert.Contains("run4: 1 loss evals are not finite", File.ReadAllText(Path.Combine(Report, "report.md")));
    }

    private static EvalRecord With(EvalRecord e, double? flops = null, double? value = null) => new()
    {
        Stage = e.Stage,
        Step = e.Step,
        Flops = flops ?? e.Flops,
        RunFlops = e.RunFlops,
        EvalSet = e.EvalSet,
        Split = e.Split,
        Metric = e.Metric,
        Value = value ?? e.Value,
        N = e.N,
        Stderr = e.Stderr,
        WrittenAt = e.WrittenAt,
    };
}
