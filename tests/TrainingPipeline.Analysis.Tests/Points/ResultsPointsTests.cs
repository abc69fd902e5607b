using TrainingPipeline.Analysis.Points;
using TrainingPipeline.Analysis.Tests.TestData;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Points;

public sealed class ResultsPointsTests : IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("results-points").FullName;

    public void Dispose() => Directory.Delete(_results, recursive: true);

    [Fact]
    public void BroadRunContinuingANarrowOneCountsTokensAlongTheChain()
    {
        new ResultsFolderBuilder(_results)
            .Run("narrow", "pretrain_narrow", 1000)
            .Step("narrow", "pretrain_narrow", 1, 500, 3e6, 3e6).Step("narrow", "pretrain_narrow", 2, 1000, 6e6, 6e6)
            .Eval("narrow", "pretrain_narrow", 2, 6e6, 6e6, "web", "in_distribution", "loss", 4.0)
            .Run("broad", "pretrain_broad", 1000, parent: "narrow")
            .Step("broad", "pretrain_broad", 1, 2000, 1.8e7, 1.2e7)
            .Eval("broad", "pretrain_broad", 1, 1.8e7, 1.2e7, "web", "in_distribution", "loss", 3.6)
            .Eval("broad", "pretrain_broad", 1, 1.8e7, 1.2e7, "code", "in_distribution", "loss", 3.8)
            .Eval("broad", "pretrain_broad", 1, 1.8e7, 1.2e7, "poems", "held_out", "loss", 9.0)
            .Flush();

        var points = ResultsPoints.From(ResultsReader.Read(_results));

        var broad = points.Pretrain.Single(p => p.Tokens == 3000); // 1000 narrow + 2000 broad
        Assert.Equal(1.8e7, broad.Compute); // cumulative flops including the parent
        Assert.Equal(3.7, broad.Value, 9); // mean of the in-distribution sets only
        Assert.Equal(1000, broad.ModelSize);
        // The broad phase continues the narrow one: both points are checkpoints of one lineage, resampled together.
        Assert.All(points.Pretrain, p => Assert.Equal("narrow", p.Cluster));
    }

    [Fact]
    public void SweepPointsSharingAParentRunAreOneLineage()
    {
        // One stage name for all, so the four points form one law: the grouping by stage is tested elsewhere.
        var builder = new ResultsFolderBuilder(_results)
            .Run("base", "pretrain_main", 1000)
            .Step("base", "pretrain_main", 1, 1000, 6e6, 6e6)
            .Eval("base", "pretrain_main", 1, 6e6, 6e6, "web", "in_distribution", "loss", 4.0);
        foreach (var (id, tokens) in new[] { ("sweep-a", 1000L), ("sweep-b", 2000L) })
            builder.Run(id, "pretrain_main", 1000, parent: "base").Step(id, "pretrain_main", 1, tokens, 6e6 + 6e3 * tokens, 6e3 * tokens)
                .Eval(id, "pretrain_main", 1, 6e6 + 6e3 * tokens, 6e3 * tokens, "web", "in_distribution", "loss", 3.5);
        builder.Run("other", "pretrain_main", 1000).Step("other", "pretrain_main", 1, 4000, 2.4e7, 2.4e7)
            .Eval("other", "pretrain_main", 1, 2.4e7, 2.4e7, "web", "in_distribution", "loss", 3.4).Flush();

        var points = ResultsPoints.From(ResultsReader.Read(_results));

        Assert.Equal(4, points.Pretrain.Count);
        Assert.Equal(["base", "base", "base", "other"], points.Pretrain.Select(p => p.Cluster!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RunningRlRunsAreLeftOutOfTheFitsWithANote()
    {
        new ResultsFolderBuilder(_results)
            .Run("done", "rl", 1000, parent: "pt")
            .Eval("done", "rl", 1, 7e6, 1e6, "arith", "held_out", "pass@1", 0.2)
            .Run("partial", "rl", 1000, status: "running", parent: "pt")
            .Eval("partial", "rl", 1, 7e6, 1e6, "arith", "held_out", "pass@1", 0.3)
            .Flush();

        var points = ResultsPoints.From(ResultsReader.Read(_results));

        Assert.Equal("done", Assert.Single(points.RlGroups["arith / held_out"]).Cluster);
        Assert.Contains(points.Notes, n => n.Contains("RL run partial is running"));
    }

    [Fact]
    public void RlRunsDifferingInMoreThanTheirSeedAreSeparateCohorts()
    {
        // Four runs of one breadth and size: seeds 1 and 2 at lr 1e-4, seed 3 at lr 3e-4, seed 4 at lr 1e-4 but evaluated
        // more often (an observation setting, not a cohort one). Only the lr splits the cohort.
        static string Config(long seed, double lr, int evalEvery) =>
            "{\"stage\":\"rl\",\"parent_run_id\":\"pt" + seed + "\",\"seed\":" + seed + ",\"rl\":{\"tasks\":{\"arith\":1},\"lr\":" +
            lr.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"eval_every\":" + evalEvery + "},\"identity\":{\"seed\":" + seed + "}}";
        var builder = new ResultsFolderBuilder(_results);
        foreach (var (id, seed, lr, every) in new[] { ("a", 1L, 1e-4, 10), ("b", 2L, 1e-4, 10), ("c", 3L, 3e-4, 10), ("d", 4L, 1e-4, 5) })
            builder.Run(id, "rl", 1000, parent: $"pt{seed}", configJson: Config(seed, lr, every), seed: seed)
                .Eval(id, "rl", 1, 7e6, 1e6, "arith", "held_out", "pass@1", 0.2);
        builder.Flush();

        var points = ResultsPoints.From(ResultsReader.Read(_results));

        Assert.Equal(2, points.RlGroups.Count);
        Assert.Equal(["a", "b", "d"], points.RlGroups.Values.Single(g => g.Count == 3).Select(p => p.Cluster!).Order(StringComparer.Ordinal));
        Assert.Equal(2, points.RlHeldOut.Select(p => p.Cohort).Distinct().Count());
        Assert.Contains(points.Notes, n => n.Contains("differ in more than their seed") && n.Contains("rl.lr = 0.0003"));
        Assert.DoesNotContain(points.Notes, n => n.Contains("eval_every") || n.Contains("parent_run_id"));
    }

    [Fact]
    public void ModelSizeIsTheEffectiveNOfTheFlopConventionSoThatCIsExactlySixND()
    {
        // 1,000 non-embedding parameters, but the counted FLOPs include the output head and attention:
        // C = 6 · 1,240 · D, an effective N of 1.24 × the non-embedding parameters (micro-200k's is 1.28 ×).
        new ResultsFolderBuilder(_results)
            .Run("pt", "pretrain_narrow", 1000)
            .Step("pt", "pretrain_narrow", 1, 5000, 6 * 1240 * 5000.0, 6 * 1240 * 5000.0)
            .Eval("pt", "pretrain_narrow", 1, 6 * 1240 * 5000.0, 6 * 1240 * 5000.0, "web", "in_distribution", "loss", 4.0)
            .Flush();

        var point = Assert.Single(ResultsPoints.From(ResultsReader.Read(_results)).Pretrain);

        Assert.Equal(1240, point.ModelSize, 9);
        Assert.Equal(1.0, point.Compute / (6 * point.ModelSize * point.Tokens), 12);
    }

    [Fact]
    public void PretrainingPointsOfDifferentEvalSetsAreNeverPooledIntoOneLaw()
    {
        var builder = new ResultsFolderBuilder(_results);
        foreach (var (id, tokens) in new[] { ("narrow-a", 1000L), ("narrow-b", 2000L), ("narrow-c", 4000L) })
            builder.Run(id, "pretrain_narrow", 1000).Step(id, "pretrain_narrow", 1, tokens, 6e3 * tokens, 6e3 * tokens)
                .Eval(id, "pretrain_narrow", 1, 6e3 * tokens, 6e3 * tokens, "web", "in_distribution", "loss", 4.0);
        foreach (var (id, tokens) in new[] { ("broad-a", 1000L), ("broad-b", 2000L) })
            builder.Run(id, "pretrain_broad", 1000).Step(id, "pretrain_broad", 1, tokens, 6e3 * tokens, 6e3 * tokens)
                .Eval(id, "pretrain_broad", 1, 6e3 * tokens, 6e3 * tokens, "web", "in_distribution", "loss", 3.0)
                .Eval(id, "pretrain_broad", 1, 6e3 * tokens, 6e3 * tokens, "code", "in_distribution", "loss", 5.0);
        builder.Flush();

        var points = ResultsPoints.From(ResultsReader.Read(_results));

        Assert.Equal(["narrow-a", "narrow-b", "narrow-c"], points.Pretrain.Select(p => p.Cluster).Order());
        var other = Assert.Single(points.PretrainOtherEvalSets);
        Assert.Equal("pretrain_broad · code+web", other.Key);
        Assert.Equal(["broad-a", "broad-b"], other.Value.Select(p => p.Cluster).Order());
        Assert.Contains(points.Notes, n => n.Contains("eval sets pretrain_broad · code+web, not pretrain_narrow · web"));
    }

    [Fact]
    public void EquallyLargeGroupsOfANarrowToBroadSweepFitTheBroadPhaseAsThePretrainingLaw()
    {
        // Two chains narrow → broad: both groups have 2 points. "pretrain · code" sorts before "pretrain_broad ·
        // code+web", so an order by name would pick the narrow phase; the sweep's result is the later, broad phase.
        var builder = new ResultsFolderBuilder(_results);
        foreach (var (id, tokens) in new[] { ("a", 1000L), ("b", 2000L) })
            builder.Run($"narrow-{id}", "pretrain_narrow", 1000)
                .Step($"narrow-{id}", "pretrain_narrow", 1, tokens, 6e3 * tokens, 6e3 * tokens)
                .Eval($"narrow-{id}", "pretrain_narrow", 1, 6e3 * tokens, 6e3 * tokens, "code", "in_distribution", "loss", 4.0)
                .Run($"broad-{id}", "pretrain_broad", 1000, parent: $"narrow-{id}")
                .Step($"broad-{id}", "pretrain_broad", 1, tokens, 1.2e4 * tokens, 6e3 * tokens)
                .Eval($"broad-{id}", "pretrain_broad", 1, 1.2e4 * tokens, 6e3 * tokens, "code", "in_distribution", "loss", 3.0)
                .Eval($"broad-{id}", "pretrain_broad", 1, 1.2e4 * tokens, 6e3 * tokens, "web", "in_distribution", "loss", 3.5);
        builder.Flush();

        var points = ResultsPoints.From(ResultsReader.Read(_results));

        // The broad points are clustered by their lineage, the narrow run each continues.
        Assert.Equal(["narrow-a", "narrow-b"], points.Pretrain.Select(p => p.Cluster).Order());
        Assert.Equal([2000.0, 4000.0], points.Pretrain.Select(p => p.Tokens).Order());
        Assert.Equal("pretrain_narrow · code", Assert.Single(points.PretrainOtherEvalSets).Key);
    }

    [Fact]
    public void UnfinishedRunsAndZeroComputeRlEvalsAreLeftOutWithANote()
    {
        new ResultsFolderBuilder(_results)
            .Run("pt", "pretrain_narrow", 1000, status: "running")
            .Eval("pt", "pretrain_narrow", 1, 6e6, 6e6, "web", "in_distribution", "loss", 4.0)
            .Run("rl", "rl", 1000, parent: "pt")
            .Eval("rl", "rl", 0, 6e6, 0, "arith", "held_out", "pass@1", 0.1)
            .Eval("rl", "rl", 1, 7e6, 1e6, "arith", "held_out", "pass@1", 0.2)
            .Flush();

        var points = ResultsPoints.From(ResultsReader.Read(_results));

        Assert.Empty(points.Pretrain);
        Assert.Single(points.LossCurves);
        Assert.Contains(points.Notes, n => n.Contains("running"));
        Assert.Equal(1e6, Assert.Single(points.RlGroups["arith / held_out"]).Compute);
        Assert.Contains(points.Notes, n => n.Contains("zero RL compute"));
        // The step-0 eval is kept aside for the group: rl-sigmoid measures its floor R0 from it.
        var stepZero = Assert.Single(points.RlStepZero["arith / held_out"]);
        Assert.Equal((0.1, "rl", 0L), (stepZero.Value, stepZero.Cluster, stepZero.Step));
    }

    [Fact]
    public void RlRunSummariesCarryBothThePreTrainingAndTheRlBreadth()
    {
        new ResultsFolderBuilder(_results)
            .Run("pt", "pretrain_narrow", 1000)
            .Run("rl", "rl", 1000, parent: "pt", configJson: "{\"corpus_breadth\":8,\"rl\":{\"tasks\":{\"a\":1}},\"rl_breadth\":1}")
            .Eval("rl", "rl", 4, 7e6, 1e6, "a", "in_distribution", "pass@1", 0.5)
            .Eval("rl", "rl", 4, 7e6, 1e6, "b", "held_out", "pass@1", 0.25)
            .Flush();

        var summary = Assert.Single(ResultsPoints.From(ResultsReader.Read(_results)).RlRuns);

        Assert.Equal(1, summary.Breadth);
        Assert.Equal(8, summary.PretrainBreadth);
        Assert.Equal(0.5, summary.InDistribution);
        Assert.Equal(0.25, summary.HeldOut);
    }

    [Fact]
    public void RlRunsOfAnotherPretrainingBreadthRlBreadthOrSizeAreFittedApartAndSeedsOfOneConfigurationTogether()
    {
        var builder = new ResultsFolderBuilder(_results).Run("pt", "pretrain_narrow", 1000);
        foreach (var (id, breadth, size, corpus) in new[] { ("narrow-s1", 1, 1000L, 2), ("narrow-s2", 1, 1000L, 2), ("broad", 4, 1000L, 2), ("big", 1, 4000L, 2), ("broad-pt", 1, 1000L, 9) })
            builder.Run(id, "rl", size, parent: "pt", configJson: $"{{\"corpus_breadth\":{corpus},\"rl_breadth\":{breadth}}}")
                .Eval(id, "rl", 1, 7e6, 1e6, "a", "in_distribution", "pass@1", 0.5)
                .Eval(id, "rl", 2, 8e6, 2e6, "a", "in_distribution", "pass@1", 0.6);
        builder.Flush();

        var groups = ResultsPoints.From(ResultsReader.Read(_results)).RlGroups;

        Assert.Equal(["a / in_distribution · pre-training breadth 2 · RL breadth 1 · N 1,000",
            "a / in_distribution · pre-training breadth 2 · RL breadth 1 · N 4,000",
            "a / in_distribution · pre-training breadth 2 · RL breadth 4 · N 1,000",
            "a / in_distribution · pre-training breadth 9 · RL breadth 1 · N 1,000"], groups.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["narrow-s1", "narrow-s2"],
            groups["a / in_distribution · pre-training breadth 2 · RL breadth 1 · N 1,000"].Select(p => p.Cluster).Distinct().Order());
    }
}
