using Microsoft.ML;
using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Pipeline;
using TrainingPipeline.RL;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.MLNet;

/// <summary>
/// Pre-training as an ML.NET trainer: <see cref="Fit"/> runs the pipeline's pre-training stage (the same
/// <c>PipelineRunner</c> and <c>PretrainStage</c> as <c>run</c>) on the documents of a text column, writes the same
/// results dataset and checkpoints, and returns the trained model as a <see cref="CausalLmTransformer"/>.
/// </summary>
public sealed class PretrainTrainer(PretrainTrainerOptions options) : IEstimator<CausalLmTransformer>
{
    public PretrainTrainerOptions Options { get; } = options;

    /// <summary>The run <see cref="Fit"/> trains on these documents (its id is content-addressed).</summary>
    public PlannedRun Plan(IDataView documents) => Plan(new DocumentsDomain(DataViewInputs.Documents(documents, Options.TextColumn)));

    public CausalLmTransformer Fit(IDataView input)
    {
        var domain = new DocumentsDomain(DataViewInputs.Documents(input, Options.TextColumn));
        var run = Plan(domain);
        return TrainerRuns.Train(Options.Folders, Options.Device, run, Options.Model, taskFamily: null,
            domains: name => name == domain.Id ? domain : SpecResolver.ResolveDomain(name), families: null);
    }

    private PlannedRun Plan(DocumentsDomain domain)
    {
        TrainerRuns.CheckModel(Options.Model, nameof(PretrainTrainerOptions));
        if (Options.Tokens < 1)
            throw new BadInputException(nameof(PretrainTrainerOptions), nameof(Options.Tokens), $"{Options.Tokens} is not positive", "give a token budget, e.g. 100000");
        var training = (Options.Training ?? new PretrainSection([])) with { Phases = [] };
        var mixture = new SortedDictionary<string, double>(StringComparer.Ordinal) { [domain.Id] = 1.0 };
        var config = new PretrainRunConfig(RunStage.Pretrain("mlnet"), null, Options.Seed, Options.Model, "byte", "mlnet", mixture,
            Options.Tokens, [], false, training, Options.Precision);
        var (id, json) = RunPlan.Identify(config);
        return new PlannedRun(id, config.Stage, null, json, config, null, new Dictionary<string, string>());
    }

    /// <summary>The fitted transformer's output on prompt data: the input columns plus Completion and LogProbability.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        new CausalLmEstimator(new CausalLmOptions("", Options.Model)).GetOutputSchema(inputSchema);
}

/// <summary>
/// RL (GRPO family) as an ML.NET trainer: <see cref="Fit"/> runs the pipeline's RL stage from
/// <see cref="GrpoTrainerOptions.Policy"/> on the prompts of a data view (Prompt and Answer columns, optionally
/// Family, Difficulty and Seed as <see cref="TaskDataViews.FromFamily(MLContext, string, int, int, long)"/> makes them), rewarded by the task
/// family's verifier. Train-split prompts are trained on, distinct eval-split prompts evaluated. Returns the tuned
/// model as a <see cref="CausalLmTransformer"/> with a Reward column.
/// </summary>
public sealed class GrpoTrainer(GrpoTrainerOptions options) : IEstimator<CausalLmTransformer>
{
    public GrpoTrainerOptions Options { get; } = options;

    public CausalLmTransformer Fit(IDataView input)
    {
        var verifier = TaskRegistry.Get(Options.TaskFamily);
        var family = new PromptSetFamily(DataViewInputs.Problems(input, verifier), verifier);
        var policy = Options.Policy;
        var folders = Options.Folders;
        string expected = Path.GetFullPath(Path.Combine(folders.Models, folders.Experiment, policy.RunId));
        if (Path.GetFullPath(policy.Options.CheckpointFolder).TrimEnd(Path.DirectorySeparatorChar) != expected)
            throw new BadInputException(nameof(GrpoTrainerOptions), nameof(Options.Policy),
                $"was loaded from '{policy.Options.CheckpointFolder}', not from this experiment's run folder '{expected}'",
                "train the policy with the same Folders (Models and Experiment), or load it from there");
        var rl = (Options.Rl ?? new RlSection(new Dictionary<string, double>())) with
        {
            Tasks = new SortedDictionary<string, double>(StringComparer.Ordinal) { [family.Name] = 1.0 },
            HeldOutTasks = null,
            UnrewardedTasks = null,
        };
        CheckRl(rl);
        // Corpus breadth: the policy's pre-training mixture is one data view (or unknown): 1.
        var config = new RlRunConfig(RunStage.Rl, policy.RunId, Options.Seed, policy.Options.Model, "byte", rl, 1, Options.Precision);
        var (id, json) = RunPlan.Identify(config);
        var run = new PlannedRun(id, config.Stage, policy.RunId, json, null, config, new Dictionary<string, string>());
        return TrainerRuns.Train(folders, Options.Device, run, policy.Options.Model, Options.TaskFamily,
            domains: null, families: name => name == family.Name ? family : TaskRegistry.Get(name));
    }

    private static void CheckRl(RlSection rl)
    {
        void Positive(int value, string field)
        {
            if (value < 1) throw new BadInputException(nameof(GrpoTrainerOptions), "Rl." + field, $"{value} is not positive", "use a positive value");
        }
        Positive(rl.Steps, nameof(rl.Steps));
        Positive(rl.PromptsPerStep, nameof(rl.PromptsPerStep));
        Positive(rl.MaxNewTokens, nameof(rl.MaxNewTokens));
        Positive(rl.EvalProblems, nameof(rl.EvalProblems));
        Positive(rl.EvalEvery, nameof(rl.EvalEvery));
        Positive(rl.CheckpointEvery, nameof(rl.CheckpointEvery));
        if (rl.GroupSize < 2)
            throw new BadInputException(nameof(GrpoTrainerOptions), "Rl.GroupSize", $"{rl.GroupSize} is below 2", "group-relative advantages need at least 2 samples per prompt");
        // A C# caller can cast any integer to the enum; a pipeline file cannot (SpecJson rejects it).
        if (!Enum.IsDefined(rl.Algorithm))
            throw new BadInputException(nameof(GrpoTrainerOptions), "Rl.Algorithm", $"unknown algorithm {(int)rl.Algorithm}",
                "use one of: " + string.Join(", ", Enum.GetValues<RlAlgorithm>()));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        new CausalLmEstimator(new CausalLmOptions("", Options.Policy.Options.Model, TaskFamily: Options.TaskFamily)).GetOutputSchema(inputSchema);
}

/// <summary>Runs one planned run through the pipeline's runner (skip if completed, resume if started, run locks).</summary>
internal static class TrainerRuns
{
    public static CausalLmTransformer Train(CausalLmTrainingFolders folders, string device, PlannedRun run, ModelConfig model,
        string? taskFamily, Func<string, IDomain>? domains, Func<string, ITaskFamily>? families)
    {
        if (string.IsNullOrWhiteSpace(folders.Experiment) || folders.Experiment.IndexOfAny(['/', '\\']) >= 0 || folders.Experiment is "." or "..")
            throw new BadInputException(nameof(CausalLmTrainingFolders), nameof(folders.Experiment), $"'{folders.Experiment}' is not a folder name",
                "name the experiment with letters, digits and dashes");
        var env = new RunEnvironment(Path.GetFullPath(folders.Output), Path.GetFullPath(folders.Models), Path.GetFullPath(folders.DatasetsOrDefault),
            Devices.Resolve(device), NullProgress.Instance);
        var spec = new PipelineSpec(folders.Experiment, new Dictionary<string, CorpusSection>(), new ModelSection(), new PretrainSection([]));
        var outcome = new PipelineRunner(env, domains, families).Run(new RunPlan(folders.Experiment, spec, [run])).Single();
        if (outcome.Outcome == RunOutcomeKind.Locked)
            throw new InvalidOperationException($"run {outcome.Run.Id} is being trained by another process; fit again when it has finished");
        return CausalLmTransformer.Load(new CausalLmOptions(env.RunDirectory(folders.Experiment, outcome.Run.Id), model,
            TaskFamily: taskFamily, Device: device));
    }

    public static void CheckModel(ModelConfig model, string source)
    {
        var problems = model.Validate().ToList();
        if (problems.Count > 0) throw new BadInputException(source, "Model", string.Join("; ", problems), "give a valid model shape");
        if (model.VocabSize < ByteTokenizer.Instance.VocabSize)
            throw new BadInputException(source, "Model.VocabSize", $"{model.VocabSize} is below the byte tokenizer's {ByteTokenizer.Instance.VocabSize}",
                $"use VocabSize {ByteTokenizer.Instance.VocabSize}");
    }
}
