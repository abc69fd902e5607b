using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;
using TrainingPipeline.Training;
using TorchSharp;

namespace TrainingPipeline.Evaluation;

/// <summary>What to evaluate: the families (null: each run's RL tasks, held-out and unrewarded tasks), the settings
/// that override the run's own, which runs (null: all), and the numbers of in-context examples to evaluate each family
/// with (null: the overrides' own, zero-shot by default), one set of rows per number.</summary>
public sealed record EvaluationRequest(IReadOnlyList<string>? Tasks, TaskEvalOverrides Overrides, Func<PlannedRun, bool>? Selection = null,
    IReadOnlyList<int>? Shots = null);

/// <summary>One measured metric of one run's checkpoint on one family, as appended to the evals table.</summary>
public sealed record EvaluatedMetric(PlannedRun Run, long Step, string Family, string Split, TaskMetric Metric);

/// <summary>What the <c>eval</c> verb measured, and the contamination check of exactly the problems it evaluated.</summary>
public sealed record EvaluationOutcome(IReadOnlyList<EvaluatedMetric> Metrics, ContaminationResult Contamination);

/// <summary>
/// The <c>eval</c> verb's work: task accuracy (unbiased pass@1 and pass@k, greedy_accuracy) of each planned run's
/// latest checkpoint on gym families, appended to the evals table with stage <c>eval</c>. Settings are the run's own
/// RL evaluation settings (<see cref="RunEvalSettings"/>) unless overridden. Each family's <c>split</c> comes from the
/// run's own lineage (<see cref="EvalSplits"/>), whichever families are named. Settings, families and eval splits of
/// every run are checked, every checkpoint is loaded once, and the problems to be evaluated are checked against each
/// run's training data (<see cref="ContaminationCheck"/>: any found stops the verb unless the spec sets
/// <c>allow_contamination</c>; the counts are recorded with stage <c>eval</c>), before the first row is appended: bad
/// input, contamination or a damaged checkpoint stops with nothing written.
/// </summary>
public sealed class EvaluationStage(RunEnvironment env, RunPlan plan, string source)
{
    public static RunStage Stage => RunStage.Eval;

    /// <summary>A run to evaluate: its checkpoint, its own tokenizer (a sweep may vary it) and its families with their settings.</summary>
    private sealed record RunToEvaluate(PlannedRun Run, CheckpointStore Store, ITextTokenizer Tokenizer,
        IReadOnlyList<EvaluatedFamily> Families);

    /// <summary>Evaluates, calling <paramref name="checkedData"/> with the contamination check once it passed and
    /// <paramref name="measured"/> for each metric as it is measured; a run's rows are appended once all its families are
    /// evaluated.</summary>
    public EvaluationOutcome Run(EvaluationRequest request, Action<EvaluatedMetric>? measured = null,
        Action<ContaminationResult>? checkedData = null)
    {
        var runs = Prepare(request);
        // Train-split problems are training problems by design: only eval-split families are checked, each once (every
        // number of in-context examples asks the same problems; the examples are train-split problems by design too).
        var contamination = ContaminationCheck.Run(plan,
            [.. runs.Select(r => new EvaluationTarget(r.Run,
                [.. r.Families.Where(f => f.Options.ProblemSide == ProblemSplit.Eval).DistinctBy(f => (f.Family.Name, f.Split))]))], Stage,
            datasets: env.Datasets);
        ContaminationCheck.EnsureClean(contamination, plan, source);
        checkedData?.Invoke(contamination);
        ContaminationCheck.Record(contamination, env.Results);
        var all = new List<EvaluatedMetric>();
        foreach (var r in runs)
        {
            var config = r.Run.Config;
            Precisions.EnsureSupported(config.Precision, env.Device);
            using var model = new Gpt(config.Model, config.Precision);
            model.to(env.Device);
            var state = r.Store.Load(r.Run.Id, model, optimizer: null);
            var rows = new List<EvalRecord>();
            foreach (var (family, split, options) in r.Families)
            {
                foreach (var m in TaskEvaluator.Evaluate(model, r.Tokenizer, family, options, env.Device))
                {
                    rows.Add(m.ToRecord(Stage, state.Step, state, split));
                    var metric = new EvaluatedMetric(r.Run, state.Step, family.Name, split, m);
                    all.Add(metric);
                    measured?.Invoke(metric);
                }
            }
            env.Results.Append(ResultTables.Evals, r.Run.Id, rows);
        }
        return new EvaluationOutcome(all, contamination);
    }

    /// <summary>The runs with a checkpoint, their settings and families, all checked before anything is measured.</summary>
    private List<RunToEvaluate> Prepare(EvaluationRequest request)
    {
        var overrides = request.Overrides;
        var given = request.Tasks is { Count: > 0 } named ? named : null;
        var candidates = plan.Runs.Where(r => request.Selection?.Invoke(r) ?? true)
            .Select(r => (Run: r, Store: new CheckpointStore(env.RunDirectory(plan.Experiment, r.Id))))
            .Where(r => r.Store.HasCheckpoint)
            .ToList();
        if (candidates.Count == 0)
            throw new BadInputException(source, "checkpoints",
                $"no run of this pipeline has a checkpoint under {env.Models}", "run the pipeline first (or point --models at its checkpoints)");
        var runs = new List<RunToEvaluate>();
        foreach (var (run, store) in candidates)
        {
            var rl = RunEvalSettings.RlSectionOf(plan, run);
            var baseOptions = RunEvalSettings.For(plan, run, overrides);
            var names = given ?? (rl is not null ? SpecValidator.EvaluatedFamilies(rl).ToArray()
                : throw new BadInputException(source, "--tasks",
                    "the pipeline has no rl section to take task families from", "name families with --tasks, e.g. --tasks addition"));
            if (baseOptions.LargestK > baseOptions.Samples)
                throw new BadInputException(source, overrides.PassK is null && overrides.MorePassK is null ? "$.rl.pass_k" : "--pass-k",
                    $"pass@{baseOptions.LargestK} needs at least {baseOptions.LargestK} samples per problem, but run {run.Id} draws {baseOptions.Samples}",
                    "use a --pass-k no larger than --samples");
            var pretrained = EvalSplits.PretrainedFamilies(plan, run);
            var families = new List<EvaluatedFamily>();
            var shotCounts = (request.Shots ?? [overrides.Shots]).Distinct().ToList();
            var tokenizer = SpecResolver.ResolveTokenizer(run.Config, env.Datasets);
            foreach (var (family, shots) in names.Distinct().Select(TaskRegistry.Get).SelectMany(f => shotCounts.Select(k => (f, k))))
            {
                var options = baseOptions with { Shots = shots };
                var problems = TaskEvaluator.Problems(family, options, source, overrides.Problems is null ? "$.rl.eval_problems" : "--problems");
                // Prompts (with their in-context examples) are built and measured now, so that one that does not fit a
                // run's context stops the verb before anything is measured or written.
                if (options.Shots > 0)
                {
                    var prompts = TaskEvaluator.EncodePrompts(family, tokenizer, problems, options);
                    if (TaskEvaluator.ContextProblem(family, prompts, options, run.Config.Model.ContextLength) is { } tooLong)
                        throw new BadInputException(source, "--shots", $"run {run.Id}: {tooLong.Problem}", tooLong.Fix);
                }
                var split = options.ProblemSide == ProblemSplit.Train ? ResultTables.TrainProblems
                    : EvalSplits.Of(family, options.Difficulty, rl, pretrained);
                families.Add(new EvaluatedFamily(family, split, options));
            }
            runs.Add(new RunToEvaluate(run, store, tokenizer, families));
        }
        foreach (var r in runs)
        {
            using var probe = new Gpt(r.Run.Config.Model);
            r.Store.Load(r.Run.Id, probe, optimizer: null);
        }
        return runs;
    }
}
