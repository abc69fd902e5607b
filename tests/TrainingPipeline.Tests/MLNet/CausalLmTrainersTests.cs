using Microsoft.ML;
using Microsoft.ML.Data;
using TrainingPipeline.Config;
using TrainingPipeline.MLNet;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.MLNet;

/// <summary>
/// Issue 15: the ML.NET trainers train. <c>mlContext.CausalLm().Trainers.Pretrain(...).Fit(documents)</c> and
/// <c>...Grpo(...).Fit(prompts)</c> run the pipeline's stages and write the same results dataset and checkpoints.
/// </summary>
[Collection(GlobalTorchRng.Name)]
public sealed class CausalLmTrainersTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();
    private readonly MLContext _ml = new(seed: 1);

    public void Dispose() => _workspace.Dispose();

    private static readonly ModelConfig Tiny = new(NLayer: 1, NHead: 2, DModel: 16, ContextLength: 32, VocabSize: 257);

    private sealed class Document
    {
        public string Text { get; set; } = "";
    }

    private sealed class OtherColumn
    {
        public string Body { get; set; } = "";
    }

    private IDataView Documents(int count) => _ml.Data.LoadFromEnumerable(
        Enumerable.Range(0, count).Select(i => new Document { Text = $"{i % 37} + {i % 11} = {i % 37 + i % 11}\n" }));

    private CausalLmTrainingFolders Folders => new("mlnet-exp", Path.Combine(_workspace.Root, "out"), Path.Combine(_workspace.Root, "models"));

    private PretrainTrainerOptions PretrainOptions => new(Folders, Tiny, Tokens: 2048,
        new PretrainSection([], BatchSize: 4, Lr: 0.01, WarmupSteps: 2, EvalEvery: 100, EvalBatches: 1, CheckpointEvery: 8));

    [Fact]
    public void PretrainThenGrpoTrainEndToEndAndWriteTheResultsDataset()
    {
        var documents = Documents(300);
        using var pretrained = _ml.CausalLm().Trainers.Pretrain(PretrainOptions).Fit(documents);
        string results = Path.Combine(Folders.Output, "results");

        var pretrainRun = Assert.Single(ResultsReader.ReadRuns(results));
        Assert.Equal(pretrained.RunId, pretrainRun.RunId);
        Assert.Equal(RunStatus.Completed, pretrainRun.Status);
        Assert.Equal(RunStage.Pretrain("mlnet"), pretrainRun.Stage);
        var steps = ResultFiles.Steps(results, pretrained.RunId);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), steps.Select(s => s.Step)); // 2048 tokens / (4 × 32)
        Assert.True(steps[^1].Loss < steps[0].Loss, $"loss should fall: {steps[0].Loss} → {steps[^1].Loss}");
        Assert.Equal(16, pretrained.Step);
        Assert.True(File.Exists(Path.Combine(Folders.Models, Folders.Experiment, pretrained.RunId, "LATEST")));

        // Fitting again on the same documents is the same run: skipped, nothing retrained or written.
        using (var again = _ml.CausalLm().Trainers.Pretrain(PretrainOptions).Fit(documents))
            Assert.Equal(pretrained.RunId, again.RunId);
        Assert.Single(ResultsReader.ReadRuns(results));
        // Other documents are another run.
        Assert.NotEqual(pretrained.RunId, _ml.CausalLm().Trainers.Pretrain(PretrainOptions).Plan(Documents(299)).Id);

        // A user's prompt set holds problems of both sides of the split: the stage trains on the train side's rows and
        // evaluates on the eval side's.
        var prompts = _ml.Data.LoadFromEnumerable(
            _ml.Data.CreateEnumerable<TaskPromptRow>(TaskDataViews.FromFamily(_ml, "addition", count: 240, difficulty: 2), reuseRowObject: false)
                .Concat(_ml.Data.CreateEnumerable<TaskPromptRow>(TaskDataViews.FromFamily(_ml, "addition", count: 60, difficulty: 2, split: ProblemSplit.Eval), reuseRowObject: false))
                .ToList());
        var rl = new RlSection(new Dictionary<string, double>(), Steps: 2, PromptsPerStep: 2, GroupSize: 4, MaxNewTokens: 4,
            EvalProblems: 4, EvalSamples: 2, PassK: 2, EvalEvery: 100, CheckpointEvery: 1);
        using var tuned = _ml.CausalLm().Trainers.Grpo(new GrpoTrainerOptions(Folders, pretrained, "addition", rl)).Fit(prompts);

        var runs = ResultsReader.ReadRuns(results);
        var rlRun = Assert.Single(runs, r => r.Stage == RunStage.Rl);
        Assert.Equal(tuned.RunId, rlRun.RunId);
        Assert.Equal(pretrained.RunId, rlRun.ParentRunId);
        Assert.Equal(RunStatus.Completed, rlRun.Status);
        var rlSteps = ResultFiles.Steps(results, tuned.RunId);
        Assert.Equal(new long[] { 1, 2 }, rlSteps.Select(s => s.Step));
        Assert.All(rlSteps, s => Assert.NotNull(s.RewardMean));
        var evals = ResultFiles.Evals(results, tuned.RunId);
        Assert.Contains(evals, e => e.Metric == "pass@1" && e.EvalSet.StartsWith("addition@", StringComparison.Ordinal) && e.N == 4);

        // The returned transformer scores prompts with the verifier.
        var scored = tuned.Transform(TaskDataViews.FromFamily(_ml, "addition", count: 3, difficulty: 2));
        Assert.Equal(3, scored.GetColumn<float>(CausalLmColumns.Reward).Count(r => r is 0 or 1));
    }

    [Fact]
    public void LoadingACheckpointIsItsOwnCallAndBadInputIsNamed()
    {
        var error = Assert.Throws<BadInputException>(() => _ml.CausalLm().Trainers.Pretrain(PretrainOptions).Fit(
            _ml.Data.LoadFromEnumerable(new[] { new OtherColumn { Body = "x" } })));
        Assert.Equal("Text", error.Field);
        Assert.Throws<BadInputException>(() => _ml.CausalLm().LoadCheckpoint(new CausalLmOptions(Path.Combine(_workspace.Root, "none"), Tiny)));
    }

    [Fact]
    public void TheCoreAssemblyDoesNotReferenceMicrosoftML()
    {
        var references = typeof(RunPlan).Assembly.GetReferencedAssemblies();
        Assert.DoesNotContain(references, r => r.Name == "Microsoft.ML" || r.Name!.StartsWith("Microsoft.ML.Core", StringComparison.Ordinal)
            || r.Name.StartsWith("Microsoft.ML.Data", StringComparison.Ordinal));
        Assert.Contains(typeof(CausalLmTransformer).Assembly.GetReferencedAssemblies(), r => r.Name!.StartsWith("Microsoft.ML", StringComparison.Ordinal));
    }
}
