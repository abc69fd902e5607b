using System.Text.Json.Nodes;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Tests.Training;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>
/// Issue 15: the settings left out of a run's identity really do not change its trajectory. Evaluation draws from its
/// own generators (not libtorch's global one, nor the RL step generators), and checkpointing more often only adds
/// save points of an exactly resumable state. Two pipelines differing only in those settings train the same runs
/// (same ids) to the same numbers.
/// </summary>
[Collection(GlobalTorchRng.Name)]
public sealed class IdentityExclusionsTests : IDisposable
{
    private readonly TempWorkspace _a = new(), _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static string Pipeline(int evalEvery, int evalBatches, int checkpointEvery, bool heldOut)
    {
        var spec = JsonNode.Parse(PretrainStageTests.TwoPhases)!.AsObject();
        var pretrain = spec["pretrain"]!.AsObject();
        pretrain["eval_every"] = evalEvery;
        pretrain["eval_batches"] = evalBatches;
        pretrain["checkpoint_every"] = checkpointEvery;
        if (!heldOut) spec.Remove("held_out_domains");
        spec["rl"] = JsonNode.Parse($$"""
            { "tasks": { "addition": 1 }, "difficulty": 2, "steps": 3, "prompts_per_step": 2, "group_size": 4,
              "max_new_tokens": 4, "eval_problems": {{(heldOut ? 6 : 4)}}, "pass_k": 2, "eval_samples": {{(heldOut ? 3 : 2)}},
              "eval_every": {{evalEvery}}, "checkpoint_every": {{checkpointEvery}}{{(heldOut ? ", \"unrewarded_tasks\": [\"sorting\"]" : "")}} }
            """);
        return spec.ToJsonString();
    }

    [Fact]
    public void EvaluationAndCheckpointSettingsChangeNeitherIdsNorTrajectories()
    {
        var rare = TestPlans.RealPlan(Pipeline(evalEvery: 100, evalBatches: 2, checkpointEvery: 100, heldOut: false));
        var often = TestPlans.RealPlan(Pipeline(evalEvery: 1, evalBatches: 3, checkpointEvery: 1, heldOut: true));
        Assert.Equal(rare.Runs.Select(r => r.Id), often.Runs.Select(r => r.Id));
        Assert.Equal(3, rare.Runs.Count);

        var (envA, envB) = (_a.Environment(), _b.Environment());
        new PipelineRunner(envA).Run(rare);
        new PipelineRunner(envB).Run(often);

        foreach (var run in rare.Runs)
        {
            var (a, b) = (ResultFiles.Steps(envA.ResultsRoot, run.Id), ResultFiles.Steps(envB.ResultsRoot, run.Id));
            Assert.NotEmpty(a);
            Assert.Equal(a.Select(s => (s.Step, s.Loss, s.GradNorm, s.RewardMean, s.Tokens, s.Flops)),
                b.Select(s => (s.Step, s.Loss, s.GradNorm, s.RewardMean, s.Tokens, s.Flops)));
            // The settings did act: more evaluation rows in the second pipeline.
            Assert.True(ResultFiles.Evals(envB.ResultsRoot, run.Id).Count > ResultFiles.Evals(envA.ResultsRoot, run.Id).Count);
        }
    }
}
