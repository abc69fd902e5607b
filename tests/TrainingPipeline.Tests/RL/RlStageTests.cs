using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
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
    private sealed class FirstLetterFamily(int problems = 100, string name = "first-letter") : ITaskFamily
    {
        public string Name => name;
        public TaskCategory Category => TaskCategory.Logic;
        public string Description => "Start the answer with a lowercase letter.";
        public string PromptFormat => "'Letter N:' and a newline";
        public string AnswerFormat => "any text starting with a-z";
        public int MaxDifficulty => 1;
        public TaskProblem Generate(long seed, int difficulty) => new(Name, 1, seed, $"Letter {(seed % problems + problems) % problems:D2}:\n", "a\n", "a");
        public Verdict Score(TaskProblem problem, string completion) =>
            completion.Length > 0 && completion[0] is >= 'a' and <= 'z' ? Verdict.Correct() : Verdict.Wrong();
    }

    /// <summary>A task no completion solves: every group is all wrong, so dynamic sampling never finds signal.</summary>
    private sealed class NeverFamily : ITaskFamily
    {
        public string Name => "never";
        public TaskCategory Category => TaskCategory.Logic;
        public string Description => "Nothing is right.";
        public string PromptFormat => "'Never N:' and a newline";
        public string AnswerFormat => "none";
        public int MaxDifficulty => 1;
        public TaskProblem Generate(long seed, int difficulty) => new(Name, 1, seed, $"Never {(seed % 100 + 100) % 100:D2}:\n", "a\n", "a");
        public Verdict Score(TaskProblem problem, string completion) => Verdict.Wrong();
    }

    private static readonly ModelConfig Tiny = new(1, 2, 16, 16, 257);

    private static PlannedRun RlRun(int steps, RlAlgorithm algorithm = RlAlgorithm.Grpo, double klCoef = 0, Precision precision = Precision.Fp32,
        double temperature = 1.0, bool dynamicSampling = false, double lr = 0.02, double? dropSolvedThreshold = null, string family = "first-letter") =>
        PlanRun(new RlSection(new Dictionary<string, double> { [family] = 1 }, Algorithm: algorithm, Steps: steps,
            PromptsPerStep: 4, GroupSize: 8, MaxNewTokens: 2, Lr: lr, KlCoef: klCoef, EvalEvery: 1000,
            EvalProblems: 4, PassK: 1, CheckpointEvery: 5, Temperature: temperature, DynamicSampling: dynamicSampling,
            DropSolvedThreshold: dropSolvedThreshold), precision);

    private static PlannedRun PlanRun(RlSection rl, Precision precision = Precision.Fp32)
    {
        var config = new RlRunConfig(RunStage.Rl, "parent0000000000", 11, Tiny, "byte", rl, 1, precision);
        var (id, json) = RunPlan.Identify(config);
        return new PlannedRun(id, config.Stage, "parent0000000000", json, null, config, new Dictionary<string, string>());
    }

    private void SaveParent(RunEnvironment env)
    {
        manual_seed(3);
        using var parent = new Gpt(Tiny);
        new CheckpointStore(env.RunDirectory("rl-test", "parent0000000000"))
            .Save(new TrainingState("parent0000000000", 10, 100, 5e6, 0, 1, 0, null, Path.GetFullPath(env.ResultsRoot)), parent, null);
    }

    private static Gpt Weights(RunEnvironment env, string runId)
    {
        var model = new Gpt(Tiny);
        new CheckpointStore(env.RunDirectory("rl-test", runId)).Load(runId, model, optimizer: null);
        return model;
    }

    /// <summary>The exact probability, averaged over the family's prompts, that a completion's first token is a-z
    /// (the reward at temperature 1, ignoring the rare completion that is cut to nothing).</summary>
    private static double RewardedFirstTokenProbability(Gpt model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        double total = 0;
        for (int n = 0; n < 100; n++)
        {
            var prompt = ByteTokenizer.Instance.Encode($"Letter {n:D2}:\n").Select(t => (long)t).ToArray();
            var logits = model.forward(tensor(prompt).unsqueeze(0))[0, -1];
            var probabilities = nn.functional.softmax(logits, 0);
            total += probabilities[TensorIndex.Slice('a', 'z' + 1)].sum().item<float>();
        }
        return total / 100;
    }

    /// <summary>z of the rise from the first to the second set of steps, each step's mean over <paramref name="perStep"/> 0/1 rewards.</summary>
    private static double TwoProportionZ(IEnumerable<double> first, IEnumerable<double> second, int perStep)
    {
        var (a, b) = (first.ToList(), second.ToList());
        double p1 = a.Average(), p2 = b.Average();
        double pooled = (p1 * a.Count + p2 * b.Count) / (a.Count + b.Count);
        double se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / (a.Count * perStep) + 1.0 / (b.Count * perStep)));
        return se == 0 ? (p2 > p1 ? double.PositiveInfinity : 0) : (p2 - p1) / se;
    }

    private RlStage Stage(RunEnvironment env) => new(env, "rl-test", name => name switch
    {
        "first-letter" => new FirstLetterFamily(),
        "few-letters" => new FirstLetterFamily(problems: 40, name: "few-letters"),
        "never" => new NeverFamily(),
        _ => TaskRegistry.Get(name),
    });

    [Theory]
    [InlineData(RlAlgorithm.Grpo, Precision.Fp32)]
    [InlineData(RlAlgorithm.Rloo, Precision.Fp32)]
    [InlineData(RlAlgorithm.Reinforce, Precision.Fp32)]
    [InlineData(RlAlgorithm.Grpo, Precision.Bf16)] // KV-cache sampling, log-probs and the policy update in bf16, from an fp32 parent
    public void RlRaisesTheRewardOfAVerifiableTask(RlAlgorithm algorithm, Precision precision)
    {
        var env = _workspace.Environment();
        SaveParent(env);
        var run = RlRun(30, algorithm, precision: precision);
        Stage(env).Run(run);

        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), steps.Select(s => s.Step));
        // Properties of learning, not one measured trajectory (how fast the reward rises depends on libtorch's
        // numerics, the thread count and the algorithm). First, exactly and without sampling noise: the policy puts
        // more probability on a rewarded first token (a-z) than its parent did.
        using var parent = Weights(env, "parent0000000000");
        using var trained = Weights(env, run.Id);
        double before = RewardedFirstTokenProbability(parent), after = RewardedFirstTokenProbability(trained);
        Assert.True(after > before, $"{algorithm}: P(rewarded first token) should rise, went {before:F3} → {after:F3}");
        // Second, the sampled rewards: the last 10 steps' 320 completions are right more often than the first 10's by
        // more than sampling noise explains (two-proportion z ≥ 3, about 1 in 700 by chance).
        double z = TwoProportionZ(steps.Take(10).Select(s => s.RewardMean!.Value), steps.TakeLast(10).Select(s => s.RewardMean!.Value), 32);
        Assert.True(z >= 3, $"{algorithm}: sampled reward should rise beyond noise, z = {z:F2} ({before:F3} → {after:F3})");
        // FLOPs split: sampling and training both counted, parent's pre-training FLOPs carried along.
        Assert.All(steps, s => Assert.Equal(5e6, s.FlopsParent));
        Assert.True(steps[^1].FlopsSampling > 0 && steps[^1].FlopsTraining > 0);
        Assert.Equal(steps[^1].Flops, 5e6 + steps[^1].RunFlops, 3);
    }

    [Theory]
    [InlineData(0.28, true)]   // clip-higher with one update epoch: ρ = 1, so the note goes with the run's rows
    [InlineData(0.2, false)]
    public void TheClipHigherNoteIsRecordedWithTheRun(double clipHigh, bool noted)
    {
        var env = _workspace.Environment();
        SaveParent(env);
        var run = PlanRun(new RlSection(new Dictionary<string, double> { ["first-letter"] = 1 }, Steps: 1, PromptsPerStep: 2,
            GroupSize: 2, MaxNewTokens: 2, ClipHigh: clipHigh, EvalEvery: 1000, EvalProblems: 2, PassK: 1, CheckpointEvery: 5));
        Stage(env).Run(run);
        var rows = ResultFiles.Runs(env.ResultsRoot, run.Id);
        Assert.Equal([RunStatus.Running, RunStatus.Completed], rows.Select(r => RunStatuses.Read(r.Status, "runs", "status")));
        if (noted) Assert.All(rows, r => Assert.Contains("clip-higher", r.Notes, StringComparison.Ordinal));
        else Assert.All(rows, r => Assert.Null(r.Notes));
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
    }

    [Fact]
    public void DynamicSamplingPaysForEveryRoundAndReportsTheFirst()
    {
        var env = _workspace.Environment();
        SaveParent(env);
        // One new token per completion: every rollout costs one forward over 11 positions (see the test below), so a
        // step's sampling FLOPs are exactly rounds × 32 rollouts and its training FLOPs groups_trained × 8 × 3.
        RlSection Section(bool dynamic) => new(new Dictionary<string, double> { ["first-letter"] = 1 }, Steps: 3, PromptsPerStep: 4,
            GroupSize: 8, MaxNewTokens: 1, Lr: 1e-6, DynamicSampling: dynamic, DynamicSamplingMaxRounds: 20, EvalEvery: 1000,
            EvalProblems: 4, PassK: 1, CheckpointEvery: 5);
        var run = PlanRun(Section(dynamic: true));
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        double perRollout = Tiny.ForwardFlops(11);
        Assert.Contains(steps, s => s.GenerationRounds > 1);
        double sampling = 0, training = 0;
        foreach (var s in steps)
        {
            sampling += s.GenerationRounds!.Value * 32 * perRollout;
            training += s.GroupsTrained!.Value * 8 * 3 * perRollout;
            Assert.Equal(sampling, s.FlopsSampling!.Value, 0);
            Assert.Equal(training, s.FlopsTraining!.Value, 0);
        }

        // Step 1 samples its first round from the parent with the seed a run without dynamic sampling uses, so the
        // policy statistics (first round only, an unbiased sample) must match that run's exactly.
        var plain = PlanRun(Section(dynamic: false));
        Stage(env).Run(plain);
        var a = steps[0];
        var b = ResultFiles.Steps(env.ResultsRoot, plain.Id)[0];
        Assert.True(a.GenerationRounds > 1, "step 1 should need extra rounds for this comparison to mean anything");
        Assert.Equal(b.RewardMean, a.RewardMean);
        Assert.Equal(b.PassRate, a.PassRate);
        Assert.Equal(b.ZeroStdFraction, a.ZeroStdFraction);
        Assert.Equal(b.ResponseLengthMean, a.ResponseLengthMean);
        Assert.True(a.ZeroStdFraction > 0);
    }

    [Fact]
    public void DynamicSamplingFiltersOnAccuracyNotTheShapedReward()
    {
        // Group 0: all correct, but the overlong penalty makes the shaped rewards differ; group 1: all wrong, likewise;
        // group 2: one right answer. Only group 2 has signal (DAPO eq. 11: 0 < #correct < G).
        var family = new FirstLetterFamily();
        var problem = family.Generate(1, 1);
        Rollout Make(int group, bool correct, double penalty) => new(group, family, problem, [1], [2, 3], false,
            correct ? Verdict.Correct() : Verdict.Wrong(), (correct ? 1 : 0) - penalty);
        var rollouts = new List<Rollout>
        {
            Make(0, true, 0), Make(0, true, 0.25), Make(0, true, 0.5),
            Make(1, false, 0), Make(1, false, 0.5), Make(1, false, 1),
            Make(2, false, 0), Make(2, true, 0), Make(2, false, 0),
        };
        Assert.Equal(new[] { 2 }, RlStage.GroupsWithSignal(rollouts, 3));
    }

    [Fact]
    public void ZeroVarianceFilteringDropsGroupsWhoseRewardsAgreeAfterTheAdvantagesAreComputed()
    {
        // Group 0: all correct (no variance); group 1: one right; group 2: all wrong but the overlong penalty makes the
        // shaped rewards differ, so its advantages are not 0 and it stays (the filter reads the rewards the advantages read).
        var family = new FirstLetterFamily();
        Rollout Make(int group, bool correct, double penalty) => new(group, family, family.Generate(group, 1), [1], [2, 3], false,
            correct ? Verdict.Correct() : Verdict.Wrong(), (correct ? 1 : 0) - penalty);
        var batch = new List<Rollout>
        {
            Make(0, true, 0), Make(0, true, 0),
            Make(1, true, 0), Make(1, false, 0),
            Make(2, false, 0), Make(2, false, 0.5),
        };
        var rl = new RlSection(new Dictionary<string, double> { ["first-letter"] = 1 }, GroupSize: 2,
            AdvantageNormalization: AdvantageNormalization.Batch);
        var (all, allAdvantages) = RlStage.TrainedWithAdvantages(batch, rl);
        Assert.Equal(6, all.Count);
        var (kept, advantages) = RlStage.TrainedWithAdvantages(batch, rl with { ZeroVarianceFilter = true });
        Assert.Equal(batch.Skip(2), kept);
        // Advantages come from the whole batch (its std includes group 0), then the filter selects.
        Assert.Equal(allAdvantages.Skip(2), advantages);
        Assert.Equal(0, allAdvantages[0]);
    }

    [Fact]
    public void AZeroVarianceFilteredStepTrainsAndPaysForFewerGroupsWithoutResampling()
    {
        var env = _workspace.Environment();
        SaveParent(env);
        // One new token per completion (see DynamicSamplingPaysForEveryRoundAndReportsTheFirst): training FLOPs are
        // groups_trained × 8 × 3 forwards; sampling is one round, as without the filter.
        var run = PlanRun(new RlSection(new Dictionary<string, double> { ["first-letter"] = 1 }, Steps: 3, PromptsPerStep: 4,
            GroupSize: 8, MaxNewTokens: 1, Lr: 1e-6, ZeroVarianceFilter: true, EvalEvery: 1000, EvalProblems: 4, PassK: 1, CheckpointEvery: 5));
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        double perRollout = Tiny.ForwardFlops(11), training = 0;
        foreach (var s in steps)
        {
            Assert.Equal(1L, s.GenerationRounds);
            // First-round statistics are unfiltered: the groups with all-equal rewards are exactly the ones left out.
            Assert.Equal(4 * (1 - s.ZeroStdFraction!.Value), s.GroupsTrained!.Value, 9);
            training += s.GroupsTrained!.Value * 8 * 3 * perRollout;
            Assert.Equal(training, s.FlopsTraining!.Value, 0);
        }
        Assert.Contains(steps, s => s.GroupsTrained < 4);
    }

    [Fact]
    public void ProblemsSolvedAtTheThresholdAreDroppedByTheirKey()
    {
        var family = new FirstLetterFamily();
        Rollout Make(int seed, bool correct) => new(0, family, family.Generate(seed, 1), [1], [2], false,
            correct ? Verdict.Correct() : Verdict.Wrong(), correct ? 1 : 0);
        // Problem 3: 3 of 4 right (0.75); problem 4: 2 of 4; problem 105 is problem 5 again ("Letter 05"), all right.
        var sampled = new List<Rollout>
        {
            Make(3, true), Make(3, true), Make(3, true), Make(3, false),
            Make(4, true), Make(4, true), Make(4, false), Make(4, false),
            Make(105, true), Make(105, true), Make(105, true), Make(105, true),
        };
        var before = new HashSet<string> { "Letter 99:" };
        Assert.Equal(new[] { "Letter 03:", "Letter 05:", "Letter 99:" }, RlStage.DropSolved(before, sampled, 4, 0.75));
        Assert.Equal(new[] { "Letter 05:", "Letter 99:" }, RlStage.DropSolved(before, sampled, 4, 0.9));
        Assert.Equal(ProblemKeys.Key(family.Generate(5, 1)), RlStage.DropSolved(new HashSet<string>(), sampled, 4, 1.0).Single());
    }

    [Fact]
    public void APassRateExactlyAtTheThresholdDropsTheProblemDespiteFloatingPointProducts()
    {
        var family = new FirstLetterFamily();
        // 7 of 25 right is a pass rate of exactly 0.28, but 0.28 × 25 is 7.000000000000001 in doubles.
        var sampled = Enumerable.Range(0, 25)
            .Select(i => new Rollout(0, family, family.Generate(3, 1), [1], [2], false, i < 7 ? Verdict.Correct() : Verdict.Wrong(), i < 7 ? 1 : 0))
            .ToList();
        Assert.Equal(new[] { "Letter 03:" }, RlStage.DropSolved(new HashSet<string>(), sampled, 25, 0.28));
        Assert.Empty(RlStage.DropSolved(new HashSet<string>(), sampled, 25, 0.29));
    }

    [Fact]
    public void ADroppedProblemIsRedrawnDeterministicallyAndAnExhaustedSplitIsAClearError()
    {
        var mixture = new List<(ITaskFamily Family, double Weight)> { (new FirstLetterFamily(), 1) };
        var config = RlRun(5, dropSolvedThreshold: 0.9).Rl!;
        var none = new HashSet<string>();
        var first = RlStage.DrawFreshProblem(new SplitMix64(7), mixture, 1, config, 2, 0, 1, none).Problem;
        var dropped = new HashSet<string> { ProblemKeys.Key(first) };
        var redrawn = RlStage.DrawFreshProblem(new SplitMix64(7), mixture, 1, config, 2, 0, 1, dropped).Problem;
        Assert.NotEqual(ProblemKeys.Key(first), ProblemKeys.Key(redrawn));
        Assert.Equal(redrawn, RlStage.DrawFreshProblem(new SplitMix64(7), mixture, 1, config, 2, 0, 1, dropped).Problem);
        // Every redraw is among the problems the contamination check enumerates for the run.
        Assert.Contains(redrawn, RlStage.TrainingProblems(config, _ => new FirstLetterFamily()));

        var everything = Enumerable.Range(0, 100).Select(i => $"Letter {i:D2}:").ToHashSet();
        var e = Assert.Throws<InvalidOperationException>(() => RlStage.DrawFreshProblem(new SplitMix64(7), mixture, 1, config, 2, 0, 1, everything));
        Assert.Contains("rl.drop_solved_threshold", e.Message);
        Assert.Contains($"{RlStage.MaxRedraws + 1} draws", e.Message);
    }

    [Fact]
    public void AStepWithNoGroupWithSignalRecordsNoUpdateStatistics()
    {
        var env = _workspace.Environment();
        SaveParent(env);
        var run = PlanRun(new RlSection(new Dictionary<string, double> { ["never"] = 1 }, Steps: 2, PromptsPerStep: 2,
            GroupSize: 4, MaxNewTokens: 1, Lr: 1e-6, KlCoef: 0.1, DynamicSampling: true, DynamicSamplingMaxRounds: 2,
            EvalEvery: 1000, EvalProblems: 2, PassK: 1, CheckpointEvery: 5));
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s =>
        {
            Assert.Equal(2L, s.GenerationRounds);
            Assert.Equal(0L, s.GroupsTrained);
            // No update: its statistics are missing, not 0 (a 0 loss or KL would read as a measurement).
            Assert.Null(s.Loss);
            Assert.Null(s.GradNorm);
            Assert.Null(s.Kl);
            Assert.Null(s.Entropy);
            Assert.Null(s.ClipFraction);
            Assert.Equal(0, s.FlopsTraining);
            Assert.Equal(0L, s.Tokens);
            Assert.Equal(0.0, s.RewardMean);
            Assert.Equal(1.0, s.ZeroStdFraction);
        });
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

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)] // the reference's log-probs must be taken at the sampling temperature too
    public void KlToAnUnchangedReferenceStartsAtZero(double temperature)
    {
        var env = _workspace.Environment();
        SaveParent(env);
        var run = RlRun(3, klCoef: 0.1, temperature: temperature);
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        // The first update's old policy is the reference itself: every token's k3 estimate is exactly 0.
        Assert.Equal(0.0, steps[0].Kl!.Value, 9);
        Assert.True(steps[^1].FlopsReference > 0);
    }

    [Fact]
    public void WithoutAReferenceModelTheKlColumnIsNull()
    {
        var env = _workspace.Environment();
        SaveParent(env);
        var run = RlRun(3, klCoef: 0);
        Stage(env).Run(run);
        var steps = ResultFiles.Steps(env.ResultsRoot, run.Id);
        Assert.All(steps, s => Assert.Null(s.Kl)); // kl_coef = 0: no reference, no KL measured (not 0)
        Assert.All(steps, s => Assert.NotNull(s.Loss));
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)] // extra rounds are seeded by (seed, step, round): a resume must draw them again exactly
    [InlineData(false, 0.25)] // the problems dropped before the checkpoint travel with it (TrainingState.DroppedProblems)
    public void InterruptedRlResumesExactly(bool dynamicSampling, double? dropSolvedThreshold)
    {
        var straight = _workspace.Environment(output: "straight");
        SaveParent(straight);
        // With dynamic sampling a smaller lr keeps the pass rate low enough that steps after the resume still need
        // extra rounds (at 0.02 the policy soon gives every group signal in its first round).
        // Dropping is tested on 40 problems, so that draws after the resume do meet problems dropped before it.
        var run = RlRun(12, dynamicSampling: dynamicSampling, lr: dynamicSampling ? 0.002 : 0.02, dropSolvedThreshold: dropSolvedThreshold,
            family: dropSolvedThreshold is null ? "first-letter" : "few-letters");
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
        Assert.Equal(a.Select(s => s.GenerationRounds), b.Select(s => s.GenerationRounds));
        Assert.Equal(a.Select(s => s.FlopsSampling), b.Select(s => s.FlopsSampling));
        Assert.Equal(a.Select(s => s.PassRate), b.Select(s => s.PassRate));
        if (dynamicSampling) Assert.Contains(b.Skip(7), s => s.GenerationRounds > 1);
        if (dropSolvedThreshold is not null)
        {
            // Problems were dropped before the step-5 checkpoint the resume starts from, so the resumed run had to
            // restore them to draw what the straight run drew.
            using var model = new Gpt(Tiny);
            var end = new CheckpointStore(straight.RunDirectory("rl-test", run.Id)).Load(run.Id, model, null, loadOptimizer: false);
            Assert.NotEmpty(end.DroppedProblems!);
            // The same run stopped after 5 steps (an RL run's steps change none of its first steps' draws) had dropped
            // problems already: the step-5 checkpoint the resume starts from carried them.
            var fiveSteps = RlRun(5, lr: 0.02, dropSolvedThreshold: dropSolvedThreshold, family: "few-letters");
            Stage(straight).Run(fiveSteps);
            Assert.Equal(a.Take(5).Select(s => s.RewardMean), ResultFiles.Steps(straight.ResultsRoot, fiveSteps.Id).Select(s => s.RewardMean));
            Assert.NotEmpty(new CheckpointStore(straight.RunDirectory("rl-test", fiveSteps.Id))
                .Load(fiveSteps.Id, model, null, loadOptimizer: false).DroppedProblems!);
            Assert.Equal(end.DroppedProblems, new CheckpointStore(interrupted.RunDirectory("rl-test", run.Id))
                .Load(run.Id, model, null, loadOptimizer: false).DroppedProblems);
            // And dropping changed what was drawn after the resume: the run without it trains on other problems (the
            // entropy shows it; reward and on-policy loss, functions of 0/1 rewards alone, often do not).
            var keepAll = RlRun(12, lr: 0.02, family: "few-letters");
            Stage(straight).Run(keepAll);
            var without = ResultFiles.Steps(straight.ResultsRoot, keepAll.Id);
            Assert.NotEqual(a.Skip(5).Select(s => s.Entropy), without.Skip(5).Select(s => s.Entropy));
            Assert.Equal(a.Select(s => s.Entropy), b.Select(s => s.Entropy));
        }
    }
}
