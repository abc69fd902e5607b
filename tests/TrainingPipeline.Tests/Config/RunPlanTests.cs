using TrainingPipeline.Config;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using static TrainingPipeline.Tests.Config.TestPlans;

namespace TrainingPipeline.Tests.Config;

public class RunPlanTests
{
    [Fact]
    public void ChainsPhasesThenRlWithParents()
    {
        var plan = Plan(SpecLoaderTests.Valid);
        Assert.Equal(new[] { "pretrain_narrow", "pretrain_broad", "rl" }, plan.Runs.Select(r => r.Stage.ToString()));
        Assert.Null(plan.Runs[0].ParentId);
        Assert.Equal(plan.Runs[0].Id, plan.Runs[1].ParentId);
        Assert.Equal(plan.Runs[1].Id, plan.Runs[2].ParentId);
        Assert.All(plan.Runs, r => Assert.Matches("^[0-9a-f]{16}$", r.Id));
        Assert.Contains("\"corpus_breadth\":3", plan.Runs[2].ConfigJson);
        Assert.Contains("\"rl_breadth\":1", plan.Runs[2].ConfigJson);
    }

    /// <summary>Typed stages still record the wire strings in config_json and in the identity its id hashes.</summary>
    [Fact]
    public void ConfigJsonAndIdentityRecordTheStagesWireString()
    {
        var plan = Plan(SpecLoaderTests.Valid);
        Assert.Equal([StageKind.Pretrain, StageKind.Pretrain, StageKind.Rl], plan.Runs.Select(r => r.Stage.Kind));
        foreach (var run in plan.Runs)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(run.ConfigJson)!;
            Assert.Equal(run.Stage.ToString(), (string?)json["stage"]);
            Assert.Equal(run.Stage.ToString(), (string?)json["identity"]!["stage"]);
        }
    }

    [Fact]
    public void CategoryKeysExpandToTheirFamiliesWithoutTheHeldOutOnes()
    {
        var plan = Plan(SpecLoaderTests.Valid.Replace("\"tasks\": { \"addition\": 1 }", "\"tasks\": { \"addition\": 1, \"category:logic\": 1 }"));
        var tasks = plan.Runs.Single(r => r.Stage == RunStage.Rl).Rl!.Rl.Tasks;

        var logic = TrainingPipeline.Tasks.TaskRegistry.All.Where(f => f.Category == TrainingPipeline.Tasks.TaskCategory.Logic && f.Name != "sorting")
            .Select(f => f.Name).ToList();
        Assert.True(logic.Count >= 2);
        Assert.Equal(logic.Append("addition").Order(StringComparer.Ordinal), tasks.Keys);
        Assert.DoesNotContain("sorting", tasks.Keys); // held out in the spec
        Assert.Equal(1.0, tasks["addition"]);
        Assert.All(logic, name => Assert.Equal(1.0 / logic.Count, tasks[name], 12));
        Assert.Contains($"\"rl_breadth\":{logic.Count + 1}", plan.Runs.Single(r => r.Stage == RunStage.Rl).ConfigJson);
    }

    [Fact]
    public void IdsAreStableAcrossLoadsAndIgnoreFormattingAndKeyOrder()
    {
        var a = Plan(SpecLoaderTests.Valid);
        var reordered = SpecLoaderTests.Valid
            .Replace("\"arith\": 1, \"prose\": 2, \"code\": 1", "\"code\": 1, \"prose\": 2, \"arith\": 1")
            .Replace("\n", "\n\n  ");
        var b = Plan(reordered);
        Assert.Equal(a.Runs.Select(r => r.Id), b.Runs.Select(r => r.Id));
    }

    [Fact]
    public void AddingASweepPointKeepsExistingIdsAndSharesCommonParents()
    {
        string one = SpecLoaderTests.Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"pretrain.phases[1].tokens\": [2000] },");
        string two = SpecLoaderTests.Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"pretrain.phases[1].tokens\": [2000, 4000] },");
        var small = Plan(one);
        var large = Plan(two);
        Assert.Equal(Plan(SpecLoaderTests.Valid).Runs.Select(r => r.Id), small.Runs.Select(r => r.Id));
        Assert.All(small.Runs, r => Assert.Contains(large.Runs, l => l.Id == r.Id));
        // The narrow phase does not depend on the broad phase's budget: one narrow run serves both points.
        Assert.Single(large.Runs, r => r.Stage == RunStage.Pretrain("narrow"));
        Assert.Equal(5, large.Runs.Count);
    }

    [Fact]
    public void GridsOfASweepListShareTheirCommonRunsAndOnlyThePointsWithRlGetAnRlRun()
    {
        // Budgets without RL, then seeds with RL: seed 3 at the base budget is in both grids and planned once.
        var plan = Plan(SpecLoaderTests.Valid.Replace("\"seed\": 3,",
            "\"seed\": 3, \"sweep\": [ { \"pretrain.phases[1].tokens\": [2000, 4000], \"rl\": [null] }, { \"seed\": [3, 4] } ],"));
        var single = Plan(SpecLoaderTests.Valid);
        Assert.All(single.Runs, r => Assert.Contains(plan.Runs, p => p.Id == r.Id));
        Assert.Equal(2, plan.Runs.Count(r => r.Stage == RunStage.Pretrain("narrow")));     // seeds 3 and 4
        Assert.Equal(3, plan.Runs.Count(r => r.Stage == RunStage.Pretrain("broad")));      // 2000 and 4000 at seed 3, 2000 at seed 4
        var rl = plan.Runs.Where(r => r.Stage == RunStage.Rl).ToList();
        Assert.Equal(new long[] { 3, 4 }, rl.Select(r => r.Config.Seed));
        Assert.All(rl, r => Assert.Equal(2000, plan.Get(r.ParentId!).Pretrain!.Tokens));
    }

    [Fact]
    public void Bf16ChangesEveryRunIdAndFp32IsTheImplicitDefault()
    {
        var plain = Plan(SpecLoaderTests.Valid);
        var fp32 = Plan(SpecLoaderTests.Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"precision\": \"fp32\","));
        var bf16 = Plan(SpecLoaderTests.Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"precision\": \"bf16\","));
        // fp32 is left out of the hashed config, so the ids of runs planned before precision existed do not change.
        Assert.Equal(plain.Runs.Select(r => r.Id), fp32.Runs.Select(r => r.Id));
        Assert.All(fp32.Runs, r => Assert.DoesNotContain("precision", r.ConfigJson));
        Assert.All(bf16.Runs, r => Assert.Contains("\"precision\":\"bf16\"", r.ConfigJson));
        Assert.All(plain.Runs.Zip(bf16.Runs), p => Assert.NotEqual(p.First.Id, p.Second.Id));
        Assert.Equal(Precision.Bf16, bf16.Runs[2].Rl!.Precision);

        // A sweep over precision: two chains sharing nothing.
        var both = Plan(SpecLoaderTests.Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"precision\": [\"fp32\", \"bf16\"] },"));
        Assert.Equal(plain.Runs.Concat(bf16.Runs).Select(r => r.Id), both.Runs.Select(r => r.Id));
    }

    [Fact]
    public void RlSeedsStartFromOneBaseModel()
    {
        // rl.seed seeds only the RL run: three RL seeds share one pre-training chain, and the experiment seed still
        // seeds pre-training. Left unset, the RL run's id and config are what they were before the option.
        var plain = Plan(SpecLoaderTests.Valid);
        var seeds = Plan(SpecLoaderTests.Valid.Replace("\"seed\": 3,", "\"seed\": 3, \"sweep\": { \"rl.seed\": [3, 11, 12] },"));

        var rl = seeds.Runs.Where(r => r.Stage == RunStage.Rl).ToList();
        Assert.Equal(2, seeds.Runs.Count(r => r.Stage.IsPretrain));
        Assert.Equal(plain.Runs.Take(2).Select(r => r.Id), seeds.Runs.Where(r => r.Stage.IsPretrain).Select(r => r.Id));
        Assert.Equal(new long[] { 3, 11, 12 }, rl.Select(r => r.Config.Seed));
        Assert.All(rl, r => Assert.Equal(plain.Runs[1].Id, r.ParentId));
        Assert.Equal(3, rl.Select(r => r.Id).Distinct().Count());
        // An RL seed equal to the experiment's is the run planned without the option (the id hashes the run's seed once).
        Assert.Equal(plain.Runs[2].Id, rl[0].Id);
    }

    [Fact]
    public void ChangingAnRlSettingChangesOnlyTheRlRun()
    {
        var a = Plan(SpecLoaderTests.Valid);
        var b = Plan(SpecLoaderTests.Valid.Replace("\"steps\": 3", "\"steps\": 4"));
        Assert.Equal(a.Runs[1].Id, b.Runs[1].Id);
        Assert.NotEqual(a.Runs[2].Id, b.Runs[2].Id);
    }
}
