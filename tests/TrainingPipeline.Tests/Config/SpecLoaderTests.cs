using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.RL;

namespace TrainingPipeline.Tests.Config;

public class SpecLoaderTests
{
    internal static readonly SpecValidator.Catalogs Catalogs =
        new(new[] { "arith", "prose", "records", "code" }, new[] { "addition", "code-trace", "sorting" });

    internal const string Valid = """
        {
          // comments and trailing commas are allowed
          "name": "demo",
          "seed": 3,
          "corpora": {
            "narrow": { "domains": { "arith": 1 } },
            "broad": { "domains": { "arith": 1, "prose": 2, "code": 1 } },
          },
          "held_out_domains": ["records"],
          "model": { "preset": "nano-50k" },
          "pretrain": {
            "batch_size": 4,
            "phases": [
              { "name": "narrow", "corpus": "narrow", "tokens": 1000 },
              { "name": "broad", "corpus": "broad", "tokens": 2000 }
            ]
          },
          "rl": { "tasks": { "addition": 1 }, "held_out_tasks": ["sorting"], "steps": 3 }
        }
        """;

    private static IReadOnlyList<SweepPoint> Load(string json) => SpecLoader.Load(json, "test.json", Catalogs);

    private static BadInputException Bad(string json) => Assert.Throws<BadInputException>(() => Load(json));

    [Fact]
    public void ValidSpecParsesWithDefaults()
    {
        var spec = Assert.Single(Load(Valid)).Spec;
        Assert.Equal("demo", spec.Name);
        Assert.Equal(2, spec.Pretrain.Phases.Count);
        Assert.Equal(3e-3, spec.Pretrain.Lr);          // default
        Assert.Equal(4, spec.Pretrain.BatchSize);       // given
        Assert.Equal(RlAlgorithm.Grpo, spec.Rl!.Algorithm);       // default
    }

    [Fact]
    public void UnknownKeyNamesItsJsonPath()
    {
        var e = Bad(Valid.Replace("\"batch_size\": 4", "\"batch_sise\": 4"));
        Assert.Contains("$.pretrain.batch_sise", e.Message);
        Assert.Contains("unknown key", e.Message);
        Assert.Contains("test.json", e.Message);
    }

    [Fact]
    public void WrongTypeNamesItsJsonPath()
    {
        var e = Bad(Valid.Replace("\"batch_size\": 4", "\"batch_size\": \"four\""));
        Assert.Contains("$.pretrain.batch_size", e.Message);
    }

    [Fact]
    public void MissingRequiredKeyIsReported()
    {
        var e = Bad(Valid.Replace("\"name\": \"demo\",", ""));
        Assert.Contains("name", e.Message);
    }

    [Theory]
    [InlineData("\"tokens\": 1000", "\"tokens\": -5", "$.pretrain.phases[0].tokens")]
    [InlineData("\"batch_size\": 4", "\"batch_size\": 0", "$.pretrain.batch_size")]
    [InlineData("{ \"arith\": 1 } }", "{ \"arith\": -1 } }", "$.corpora.narrow.domains.arith")]
    [InlineData("{ \"arith\": 1 } }", "{ } }", "$.corpora.narrow.domains")]
    [InlineData("{ \"arith\": 1 } }", "{ \"arithmetic\": 1 } }", "$.corpora.narrow.domains.arithmetic")]
    [InlineData("\"preset\": \"nano-50k\"", "\"preset\": \"gigantic\"", "$.model.preset")]
    [InlineData("\"corpus\": \"narrow\"", "\"corpus\": \"nope\"", "$.pretrain.phases[0].corpus")]
    [InlineData("\"held_out_domains\": [\"records\"]", "\"held_out_domains\": [\"arith\"]", "$.corpora.narrow.domains.arith")]
    [InlineData("\"tasks\": { \"addition\": 1 }", "\"tasks\": { \"adition\": 1 }", "$.rl.tasks.adition")]
    [InlineData("\"held_out_tasks\": [\"sorting\"]", "\"held_out_tasks\": [\"addition\"]", "$.rl.tasks.addition")]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"algorithm\": \"ppo2\"", "$.rl.algorithm")]
    [InlineData("\"name\": \"demo\"", "\"name\": \"Demo Run!\"", "$.name")]
    [InlineData("\"preset\": \"nano-50k\"", "\"n_layer\": 2, \"n_head\": 3, \"d_model\": 16, \"context_length\": 8", "$.model")]
    [InlineData("\"tokens\": 1000", "\"tokens\": 1e30", "$.pretrain.phases[0].tokens")]
    [InlineData("\"tasks\": { \"addition\": 1 }", "\"tasks\": { \"category:maths\": 1 }", "$.rl.tasks.category:maths")]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"difficulty_schedule\": [{ \"step\": 2, \"difficulty\": 2 }, { \"step\": 1, \"difficulty\": 3 }]", "$.rl.difficulty_schedule[1].step")]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"difficulty_schedule\": [{ \"step\": 0, \"difficulty\": 0 }]", "$.rl.difficulty_schedule[0].difficulty")]
    [InlineData("\"steps\": 3", "\"steps\": 3, \"difficulty_schedule\": [{ \"step\": 9, \"difficulty\": 2 }]", "$.rl.difficulty_schedule[0].step")]
    [InlineData("\"seed\": 3,", "\"seed\": 3, \"precision\": \"fp16\",", "$.precision")]
    public void ImpossibleValuesNameTheirPath(string from, string to, string path)
    {
        Assert.Contains(from, Valid);
        var e = Bad(Valid.Replace(from, to));
        Assert.Contains(path, e.Message);
        Assert.Contains("Fix:", e.Message);
    }

    [Fact]
    public void InvalidJsonNamesTheLine()
    {
        var e = Bad("{\n  \"name\": \"x\",\n  oops\n}");
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void SweepExpandsToTheCartesianProduct()
    {
        string json = Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"seed\": [1, 2], \"pretrain.phases[1].tokens\": [2000, 4000, 8000] },");
        var points = Load(json);
        Assert.Equal(6, points.Count);
        Assert.Equal(new long[] { 1, 1, 1, 2, 2, 2 }, points.Select(p => p.Spec.Seed));
        Assert.Equal(new long[] { 2000, 4000, 8000 }, points.Take(3).Select(p => p.Spec.Pretrain.Phases[1].Tokens));
        Assert.Equal("8000", points[2].Axes["pretrain.phases[1].tokens"]);
    }

    [Fact]
    public void ASweepListIsTheUnionOfItsGrids()
    {
        string json = Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": [ { \"pretrain.phases[1].tokens\": [2000, 4000], \"rl\": [null] }, { \"seed\": [1, 2, 3] } ],");
        var points = Load(json);
        Assert.Equal(5, points.Count);
        // The first grid: two budgets, pre-training only; the second: three seeds of the base point, with RL.
        Assert.Equal(new long[] { 2000, 4000, 2000, 2000, 2000 }, points.Select(p => p.Spec.Pretrain.Phases[1].Tokens));
        Assert.Equal(new long[] { 3, 3, 1, 2, 3 }, points.Select(p => p.Spec.Seed));
        Assert.Equal(new[] { false, false, true, true, true }, points.Select(p => p.Spec.Rl is not null));
        Assert.Equal("null", points[0].Axes["rl"]);
    }

    [Theory]
    [InlineData("[]", "$.sweep")]
    [InlineData("[ { \"seed\": [1] }, 7 ]", "$.sweep[1]")]
    [InlineData("[ { \"seed\": [1] }, { \"seed\": [] } ]", "$.sweep[1].seed")]
    [InlineData("[ { \"seed\": [1] }, { \"sead\": [2] } ]", "$.sweep[1].sead")]
    public void ABadSweepGridNamesItsPath(string sweep, string path)
    {
        var e = Bad(Valid.Replace("\"seed\": 3,", $"\"seed\": 3, \"sweep\": {sweep},"));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void AListOfGridsIsTheUnionOfTheirProductsWithEachPointOnce()
    {
        // An IsoFLOP-style design: each token budget with its own seeds; the second grid repeats (2000, seed 1).
        string json = Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": [" +
            "{ \"pretrain.phases[1].tokens\": [2000, 4000], \"seed\": [1] }," +
            "{ \"pretrain.phases[1].tokens\": [2000], \"seed\": [1, 2, 3] }],");
        var points = Load(json);
        Assert.Equal(new (long, long)[] { (2000, 1), (4000, 1), (2000, 2), (2000, 3) },
            points.Select(p => (p.Spec.Pretrain.Phases[1].Tokens, p.Spec.Seed)));
        Assert.Equal("3", points[3].Axes["seed"]);
        var plan = RunPlan.Create(points);
        Assert.Equal(plan.Runs.Count, plan.Runs.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void SweepPointsAreValidatedEachAndNamed()
    {
        string json = Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"pretrain.batch_size\": [4, -1] },");
        var e = Bad(json);
        Assert.Contains("pretrain.batch_size=-1", e.Message);
        Assert.Contains("$.pretrain.batch_size", e.Message);
    }

    [Fact]
    public void SweepIntoAMissingListElementIsBadInput()
    {
        var e = Bad(Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"pretrain.phases[5].tokens\": [1] },"));
        Assert.Contains("$.sweep.pretrain.phases[5].tokens", e.Message);
    }

    [Fact]
    public void MissingFileIsBadInput()
    {
        var e = Assert.Throws<BadInputException>(() => SpecLoader.LoadFile("/no/such/pipeline.json", Catalogs));
        Assert.Contains("/no/such/pipeline.json", e.Message);
    }
}
