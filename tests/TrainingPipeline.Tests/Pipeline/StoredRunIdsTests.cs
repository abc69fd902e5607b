using TrainingPipeline.Config;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Config;
using TrainingPipeline.Tests.Training;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>
/// Issue 15: a results folder written before the identity schema (ids of identity version 0) still works after an
/// upgrade: finished runs are not retrained, started ones resume, and one run never ends up under two ids.
/// </summary>
[Collection(GlobalTorchRng.Name)]
public sealed class StoredRunIdsTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static RunPlan Plan() => TestPlans.Plan(SpecLoaderTests.Valid);

    /// <summary>The plan as a version before issue 15 planned it: every run under its identity-version-0 id.</summary>
    private static RunPlan AsOlderVersion(RunPlan plan) => plan with
    {
        Runs = plan.Runs.Select(r => r with
        {
            Id = r.LegacyId!,
            ParentId = r.ParentId is null ? null : plan.Get(r.ParentId).LegacyId,
            IdentityId = r.LegacyId!,
            LegacyId = null,
        }).ToList(),
    };

    [Fact]
    public void NothingStoredKeepsTheCurrentIds()
    {
        var plan = Plan();
        var bound = StoredRunIds.Bind(plan, _ => false, "out");
        Assert.Equal(plan.Runs.Select(r => (r.Id, r.ParentId)), bound.Runs.Select(r => (r.Id, r.ParentId)));
    }

    [Fact]
    public void ARunStoredUnderItsLegacyIdKeepsItAndItsChildNamesIt()
    {
        var plan = Plan();
        var stored = new HashSet<string> { plan.Runs[0].LegacyId! };
        var bound = StoredRunIds.Bind(plan, stored.Contains, "out");

        Assert.Equal(plan.Runs[0].LegacyId, bound.Runs[0].Id);
        Assert.Equal(plan.Runs[0].Id, bound.Runs[0].IdentityId);
        Assert.Equal(plan.Runs[0].LegacyId, bound.Runs[1].ParentId); // the child starts from the stored parent
        Assert.Equal(plan.Runs[1].Id, bound.Runs[1].Id);              // and, not stored itself, gets its current id
        Assert.Equal(plan.Runs[2].Id, bound.Runs[2].Id);
        // Binding again changes nothing.
        Assert.Equal(bound.Runs.Select(r => (r.Id, r.ParentId)), StoredRunIds.Bind(bound, stored.Contains, "out").Runs.Select(r => (r.Id, r.ParentId)));
    }

    [Fact]
    public void ARunStoredUnderBothIdsIsRefused()
    {
        var plan = Plan();
        var stored = new HashSet<string> { plan.Runs[1].LegacyId!, plan.Runs[1].Id };
        var e = Assert.Throws<BadInputException>(() => StoredRunIds.Bind(plan, stored.Contains, "/runs/demo"));
        Assert.Contains("/runs/demo", e.Message);
        Assert.Contains(plan.Runs[1].LegacyId!, e.Message);
        Assert.Contains(plan.Runs[1].Id, e.Message);
    }

    /// <summary>
    /// A user trains the first phase with an older version, upgrades, and runs the pipeline again: the finished phase
    /// is skipped (not retrained under its new id), the next phase starts from its checkpoint and records it as its
    /// parent, and the results hold each run once.
    /// </summary>
    [Fact]
    public void UpgradingMidSweepSkipsFinishedRunsAndMixesNoIds()
    {
        var plan = TestPlans.RealPlan(PretrainStageTests.TwoPhases);
        var env = _workspace.Environment();
        var old = AsOlderVersion(plan);
        var first = new PipelineRunner(env).Run(old, include: r => r.Stage == RunStage.Pretrain("narrow"));
        Assert.Equal(RunOutcomeKind.Completed, Assert.Single(first).Outcome);
        string legacyNarrow = plan.Runs[0].LegacyId!;
        Assert.Equal(RunStatus.Completed, RunLedger.LatestStatus(env.ResultsRoot, legacyNarrow));

        var outcomes = new PipelineRunner(env).Run(plan); // the new version's plan, unbound
        Assert.Equal(new[] { RunOutcomeKind.Skipped, RunOutcomeKind.Completed }, outcomes.Select(o => o.Outcome));
        Assert.Equal(legacyNarrow, outcomes[0].Run.Id);
        Assert.Equal(plan.Runs[1].Id, outcomes[1].Run.Id);

        var runs = ResultsReader.ReadRuns(env.ResultsRoot);
        Assert.Equal(new[] { plan.Runs[1].Id, legacyNarrow }.Order(), runs.Select(r => r.RunId).Distinct().Order());
        Assert.All(runs.Where(r => r.RunId == plan.Runs[1].Id), r => Assert.Equal(legacyNarrow, r.ParentRunId));
        Assert.Null(RunLedger.LatestStatus(env.ResultsRoot, plan.Runs[0].Id)); // never trained a second time
        Assert.NotEmpty(ResultFiles.Steps(env.ResultsRoot, plan.Runs[1].Id));

        // --fresh forgets both ids and starts over under the current ones.
        var fresh = new PipelineRunner(env).Run(plan, fresh: true, include: r => r.Stage == RunStage.Pretrain("narrow"));
        Assert.Equal(plan.Runs[0].Id, Assert.Single(fresh).Run.Id);
        Assert.Null(RunLedger.LatestStatus(env.ResultsRoot, legacyNarrow));
        Assert.False(Directory.Exists(env.RunDirectory(plan.Experiment, legacyNarrow)));
    }

    /// <summary>An older version's run interrupted mid-way resumes from its checkpoint under its old id.</summary>
    [Fact]
    public void AnInterruptedRunOfAnOlderVersionResumesUnderItsOldId()
    {
        var plan = TestPlans.RealPlan(PretrainStageTests.TwoPhases);
        var env = _workspace.Environment();
        using (var cancel = new CancellationTokenSource())
        {
            var progress = new CancelAtStep(plan.Runs[0].LegacyId!, 5, cancel);
            var interrupted = _workspace.Environment(progress, cancel.Token);
            Assert.ThrowsAny<OperationCanceledException>(() => new PipelineRunner(interrupted).Run(AsOlderVersion(plan)));
        }
        string legacyNarrow = plan.Runs[0].LegacyId!;
        Assert.Equal(RunStatus.Interrupted, RunLedger.LatestStatus(env.ResultsRoot, legacyNarrow));

        var outcomes = new PipelineRunner(env).Run(plan);
        Assert.Equal(new[] { RunOutcomeKind.Completed, RunOutcomeKind.Completed }, outcomes.Select(o => o.Outcome));
        Assert.Equal(legacyNarrow, outcomes[0].Run.Id);
        var steps = ResultFiles.Steps(env.ResultsRoot, legacyNarrow);
        Assert.Equal(Enumerable.Range(1, steps.Count).Select(i => (long)i), steps.Select(s => s.Step)); // each step once
        Assert.Null(RunLedger.LatestStatus(env.ResultsRoot, plan.Runs[0].Id));
    }
}
