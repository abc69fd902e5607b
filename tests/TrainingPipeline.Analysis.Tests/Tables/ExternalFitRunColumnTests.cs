using System.Globalization;
using System.Text;
using System.Text.Json;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Tables;
using TrainingPipeline.Analysis.Tests.Fitting;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Tables;

/// <summary><c>analyze fit --col run=&lt;column&gt;</c>: which unit the intervals resampled, as the JSON reports it.</summary>
public sealed class ExternalFitRunColumnTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tp-runcol-" + Guid.NewGuid().ToString("N"));

    public ExternalFitRunColumnTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Csv(int runs)
    {
        var random = new Random(4);
        var text = new StringBuilder("seed,flops,pass@1,stderr\n");
        for (var r = 0; r < runs; r++)
            for (var step = 1; step <= 10; step++)
            {
                var c = 1e12 * step;
                var score = -1.9 + 0.18 * Math.Log10(c) + 0.01 * r + 0.01 * SyntheticData.Gaussian(random);
                text.Append(CultureInfo.InvariantCulture, $"seed-{r},{c},{score},0.01\n");
            }
        var path = Path.Combine(_folder, $"runs{runs}.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static JsonElement Fit(string path, params string[] columns) =>
        JsonDocument.Parse(FitJson.Write(ExternalFit.Run(new ExternalFitRequest("rl-loglinear", path, columns, Bootstrap: 50)))).RootElement;

    [Fact]
    public void WithARunColumnTheIntervalsResampleRuns()
    {
        var json = Fit(Csv(4), "run=seed");
        Assert.Equal("run", json.GetProperty("resampling_unit").GetString());
        Assert.Equal(4, json.GetProperty("runs").GetInt32());
        Assert.Equal(JsonValueKind.Array, json.GetProperty("ci95").GetProperty("b").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("interval_note").ValueKind);
    }

    [Fact]
    public void WithoutARunColumnThePointsAreResampledAndTheJsonSaysSo()
    {
        var json = Fit(Csv(4));
        Assert.Equal("points", json.GetProperty("resampling_unit").GetString());
        Assert.Contains("--col run=", json.GetProperty("interval_note").GetString());
    }

    [Fact]
    public void OneRunGivesNoRunLevelInterval()
    {
        var json = Fit(Csv(1), "run=seed");
        Assert.Equal("none", json.GetProperty("resampling_unit").GetString());
        Assert.Equal("no run-level interval: n runs < 3 (have 1)", json.GetProperty("interval_note").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ci95").GetProperty("b").ValueKind);
        Assert.True(json.GetProperty("eval_stderr").GetProperty("b").GetDouble() > 0);
    }

    [Fact]
    public void AnEmptyRunCellIsBadInputNamingTheRow()
    {
        var path = Path.Combine(_folder, "gap.csv");
        File.WriteAllText(path, "seed,flops,pass@1\na,1e12,0.1\n,2e12,0.2\na,3e12,0.3\n");
        var error = Assert.Throws<BadInputException>(() => Fit(path, "run=seed"));
        Assert.Contains("row 2 has no run id", error.Message);
    }
}
