using TrainingPipeline.Config;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Training;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.RL;

public sealed class RlStageTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    /// <summary>
    /// A verifiable toy task: reward 1 when the completion starts with a lowercase letter. An untrained byte-level
    /// model does so about 26 times in 257, so RL has signal from the first step. The prompt numbers 100 problems, so
    /// that the train/eval split (ProblemSplits) has problems on both sides.
    /// </summary>
    private sealed class FirstLetterFamily : ITaskFamily
    {
        public string Name => "first-letter";
        public TaskCategory Category => TaskCategory.Logic;
        public string Description => "Start the answer with a lowercase letter.";
        public string PromptFormat => "'Letter N:' and a newline";
        public string AnswerFormat => "any text starting with a-z";
        public int MaxDifficulty => 1;
        public TaskProblem Generate(long seed, int difficulty) => new(Name, 1, seed, $"Letter {(seed % 100 + 100) % 100:D2}:\n", "a\n", "a");
        public Verdict Score(TaskProblem problem, string completion) =>
            completion.Length > 0 && completion[0] is >= 'a' and <= 'z' ? Verdict.Correct() : Verdict.Wrong();
    }

    private static readonly ModelConfig Tiny = new(1, 2, 16, 16, 257);

    private static PlannedRun RlRun(int steps, string algorithm = "grpo", double klCoef = 0, Precision precision = Precision.Fp32) =>
        PlanRun(new RlSection(new Dictionary<string, double> { ["first-letter"] = 1 }, Algorithm: algorithm, Steps: steps,
            PromptsPerStep: 4, GroupSize: 8, MaxNewTokens: 2, Lr: 0.02, KlCoef: klCoef, EvalEvery: 1000,
            EvalProblems: 4, PassK: 1, CheckpointEvery: 5), precision);

    private static PlannedRun PlanRun(RlSection rl, Precision precision = Precision.Fp32)
    {
        var config = new RlRunConfig("rl", "parent0000000000", 11, Tiny, "byte", rl, 1, precision);
        var (id, json) = RunPlan.Identify(config);
        return new PlannedRun(id, "rl", "parent0000000000", json, null, config, new Dictionary<string, string>());
    }

    private void SaveParent(RunEnvironment env)
    {
        manual_seed(3);
        using var parent = new Gpt(Tiny);
        new CheckpointStore(env.RunDirectory("rl-test", "parent0000000000"))
            .Save(new TrainingState("parent0000000000", 10, 100, 5e6, 0, 1, 0, null, Path.GetFullPath(env.ResultsRoot)), parent, null);
    }

    private RlStage Stage(RunEnvironment env) => new(env, "rl-test", name => name == "first-letter" ? new FirstLetterFamily() : TaskRegistry.Get(name));

    [Theory]
    [InlineData("grpo", Precision.Fp32)]
    [InlineData("rloo", Precision.Fp32)]
    [InlineData("reinforce", Precision.Fp32)]
    [InlineData("grpo", Precision.Bf16)] // KV-cache sampling, log-probs and the policy update in bf16, from an fp32 parent
    public void RlRaisesTheRewardOfAVerifiableTask(string algorithm, Precision precision)
    {
        var env = _workspace.Environment();
        SaveParent(env);
        var run = RlRun(30, algorithm, precision: precision);
        Stage(env).Run(run);

        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), steps.Select(s => s.Step));
        double first = steps.Take(5).Average(s => s.RewardMean!.Value);
        double last = steps.TakeLast(5).Average(s => s.RewardMean!.Value);
        Assert.True(last >= first + 0.25, $"{algorithm}: reward should rise by ≥ 0.25, went {first:F3} → {last:F3}");
        // FLOPs split: sampling and training both counted, parent's pre-training FLOPs carried along.
        Assert.All(steps, s => Assert.Equal(5e6, s.FlopsParent));
        Assert.True(steps[^1].FlopsSampling > 0 && steps[^1].FlopsTraining > 0);
        Assert.Equal(steps[^1].Flops, 5e6 + steps[^1].RunFlops, 3);
    }

    [Fact]
    public void DynamicSamplingTrainsAFullBatchOfGroupsWithSignal()
    {
        var env = _workspace.Environment();
        SaveParent(env);
        // At a pass rate near 0.1 about 4 groups of 8 in 10 are all wrong; dynamic sampling replaces them.
        var run = PlanRun(new RlSection(new Dictionary<string, double> { ["first-letter"] = 1 }, Steps: 4, PromptsPerStep: 4,
            GroupSize: 8, MaxNewTokens: 2, Lr: 1e-6, DynamicSampling: true, DynamicSamplingMaxRounds: 20, EvalEvery: 1000,
            EvalProblems: 4, PassK: 1, CheckpointEvery: 5));
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        Assert.Equal(4, steps.Count);
        Assert.All(steps, s => Assert.Equal(4L, s.GroupsTrained));
        Assert.Contains(steps, s => s.GenerationRounds > 1 && s.ZeroStdFraction > 0);
        // Every round's completions are paid for: sampling FLOPs grow with the rounds taken.
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.Second.FlopsSampling > p.First.FlopsSampling));
    }

    [Fact]
    public void RlFlopsAreCountedPerSequenceAtItsOwnLength()
    {
        var env = _workspace.Environment();
        SaveParent(env);
        // One new token per completion, so every rollout is an 11-byte prompt "Letter NN:\n" plus one token, of
        // which 11 positions are fed. Tiny: n_layer 1, d 16, vocab 257, non-embedding 12·16² + 2·32 + 32 = 3,168;
        // a forward over 11 positions is 11·(2·3,168 + 2·257·16) + 2·1·11²·16 = 164,032 FLOPs.
        var run = PlanRun(new RlSection(new Dictionary<string, double> { ["first-letter"] = 1 }, Steps: 2, PromptsPerStep: 4,
            GroupSize: 8, MaxNewTokens: 1, Lr: 1e-6, EvalEvery: 1000, EvalProblems: 4, PassK: 1, CheckpointEvery: 5));
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        const double perRollout = 164_032;
        Assert.Equal(perRollout, Tiny.ForwardFlops(11));
        Assert.Equal(2 * 32 * perRollout, steps[^1].FlopsSampling!.Value, 0);
        // update_epochs = 1: forward + backward (3×) only, no separate old-policy forward.
        Assert.Equal(2 * 32 * 3 * perRollout, steps[^1].FlopsTraining!.Value, 0);
        Assert.Equal(0, steps[^1].FlopsReference!.Value);
    }

    [Fact]
    public void KlToAnUnchangedReferenceStartsAtZero()
    {
        var env = _workspace.Environment();
        SaveParent(env);
        var run = RlRun(3, klCoef: 0.1);
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        // The first update's old policy is the reference itself: every token's k3 estimate is exactly 0.
        Assert.Equal(0.0, steps[0].Kl!.Value, 9);
        Assert.True(steps[^1].FlopsReference > 0);
    }

    [Fact]
    public void InterruptedRlResumesExactly()
    {
        var straight = _workspace.Environment(output: "straight");
        SaveParent(straight);
        var run = RlRun(12);
        Stage(straight).Run(run);

        using var cancel = new CancellationTokenSource();
        var interrupted = _workspace.Environment(new CancelAtStep(run.Id, 7, cancel), cancel.Token, output: "resumed")
            with
        { Models = Path.Combine(_workspace.Root, "models-resumed") };
        SaveParent(interrupted);
        Assert.Throws<OperationCanceledException>(() => Stage(interrupted).Run(run));
        Stage(interrupted with { Progress = NullProgress.Instance, Cancellation = default }).Run(run);

        var a = ResultFiles.Steps(straight.ResultsRoot, run.Id);
        var b = ResultFiles.Steps(interrupted.ResultsRoot, run.Id);
        Assert.Equal(a.Select(s => s.Step), b.Select(s => s.Step));
        Assert.Equal(a.Select(s => s.RewardMean), b.Select(s => s.RewardMean));
        Assert.Equal(a.Select(s => s.Loss), b.Select(s => s.Loss));
    }
}
