using System.Text.Json;
using Parquet.Schema;
using Parquet.Serialization;

namespace TrainingPipeline.Results.Tests;

public sealed class RunStageTests : IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("run-stage").FullName;

    private string WriteStepWithStage(string stage)
    {
        var schema = new ParquetSchema(new DataField<string>("stage"), new DataField<long>("step"), new DataField<long>("tokens"),
            new DataField<double>("flops"), new DataField<double>("run_flops"), new DataField<double>("loss"), new DataField<DateTime>("written_at"));
        var folder = Path.Combine(_results, ResultTables.Steps, "run_id=abc");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "part-00000-w.parquet");
        using var stream = File.Create(file);
        ParquetSerializer.SerializeUntypedAsync([new Dictionary<string, object?>
        {
            ["stage"] = stage, ["step"] = 1L, ["tokens"] = 10L, ["flops"] = 1.0, ["run_flops"] = 1.0, ["loss"] = 2.0,
            ["written_at"] = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc),
        }], schema, stream).GetAwaiter().GetResult();
        return file;
    }

    public void Dispose() => Directory.Delete(_results, recursive: true);

    /// <summary>The strings the results tables, config JSON and run ids hold stay what they were when stages were strings.</summary>
    [Fact]
    public void EachStageWritesItsFormerWireString()
    {
        Assert.Equal("pretrain_narrow", RunStage.Pretrain("narrow").ToString());
        Assert.Equal("pretrain_mlnet", RunStage.Pretrain("mlnet").ToString());
        Assert.Equal("rl", RunStage.Rl.ToString());
        Assert.Equal("eval", RunStage.Eval.ToString());
    }

    [Theory]
    [InlineData("pretrain_narrow", StageKind.Pretrain, "narrow")]
    [InlineData("pretrain_broad_2", StageKind.Pretrain, "broad_2")]
    [InlineData("pretrain_rl", StageKind.Pretrain, "rl")]
    [InlineData("rl", StageKind.Rl, null)]
    [InlineData("eval", StageKind.Eval, null)]
    public void ParsingAWireStringGivesItsKindAndPhaseAndWritesItBack(string wire, StageKind kind, string? phase)
    {
        var stage = RunStage.Parse(wire);
        Assert.Equal((kind, phase), (stage.Kind, stage.Phase));
        Assert.Equal(wire, stage.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("pretrain_")]
    [InlineData("pretrain")]
    [InlineData("RL")]
    [InlineData("sft")]
    public void AStringNoStageWritesIsRejected(string text)
    {
        Assert.False(RunStage.TryParse(text, out _));
        Assert.Throws<FormatException>(() => RunStage.Parse(text));
    }

    [Fact]
    public void EveryKindIsPinnedAbove() => Assert.Equal(4, Enum.GetValues<StageKind>().Length); // the three stages and Unset (below)

    [Fact]
    public void StagesAreEqualByKindAndPhase()
    {
        Assert.Equal(RunStage.Pretrain("narrow"), RunStage.Parse("pretrain_narrow"));
        Assert.NotEqual(RunStage.Pretrain("narrow"), RunStage.Pretrain("broad"));
        Assert.NotEqual(RunStage.Rl, RunStage.Eval);
    }

    /// <summary>Config JSON (and so the legacy run ids, which hash it) holds the wire string, not an object.</summary>
    [Fact]
    public void JsonCarriesTheWireString()
    {
        string json = JsonSerializer.Serialize(new { stage = RunStage.Pretrain("narrow"), other = RunStage.Rl });
        Assert.Equal("""{"stage":"pretrain_narrow","other":"rl"}""", json);
        Assert.Equal(RunStage.Pretrain("narrow"), JsonSerializer.Deserialize<RunStage>("\"pretrain_narrow\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunStage>("\"pretrain_\""));
    }

    /// <summary>A stage nobody set is an error when written, not the nameless phase "pretrain_".</summary>
    [Fact]
    public void AnUnsetStageHasNoWireString()
    {
        RunStage unset = default;
        Assert.Equal(StageKind.Unset, unset.Kind);
        Assert.False(unset.IsPretrain);
        Assert.Throws<InvalidOperationException>(() => unset.ToString());
    }

    /// <summary>A stage the tool cannot have written is a damaged table: named with its file and column, not read as some stage.</summary>
    [Fact]
    public void ReadingAnUnknownStageNamesTheFileAndColumn()
    {
        string file = WriteStepWithStage("finetune");

        var e = Assert.Throws<BadInputException>(() => ResultsReader.ReadSteps(_results));
        Assert.Equal("stage", e.Field);
        Assert.Contains(file, e.InputFile, StringComparison.Ordinal);
        Assert.Contains("'finetune' is not a stage", e.Message, StringComparison.Ordinal);
    }
}
