using Microsoft.ML;
using Microsoft.ML.Data;
using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Datasets;
using TrainingPipeline.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.MLNet;

/// <summary>What the model wrote for one prompt.</summary>
/// <param name="CompletionTokens">Generated tokens, stop sequence included.</param>
/// <param name="Completion">The decoded completion (end-of-document tokens removed, as RL scores it).</param>
/// <param name="LogProbability">Sum of the completion tokens' log-probabilities under the model at temperature 1.</param>
public sealed record CausalLmCompletion(int[] CompletionTokens, string Completion, float LogProbability);

/// <summary>
/// A trained checkpoint as an ML.NET transformer: the Prompt column in; Completion, LogProbability and, when the
/// options name a task family and the input has an Answer column, Reward out. All input columns pass through.
/// <para>
/// <see cref="Transform"/> is lazy, as ML.NET transforms are: it returns a view whose cursors generate a row's
/// completion only when one of the output columns is read. Row i samples with a generator seeded from
/// (<see cref="CausalLmOptions.Seed"/>, i), so every pass over the view yields the same values. Generation runs one
/// row at a time under a lock (one model, possibly several cursors).
/// </para>
/// </summary>
public sealed class CausalLmTransformer : ITransformer, IDisposable
{
    private readonly Gpt _model;
    private readonly Device _device;
    private readonly TaskCodec _codec;
    private readonly ITaskFamily? _family;
    private readonly object _modelLock = new();

    private CausalLmTransformer(CausalLmOptions options, Gpt model, Device device, ITextTokenizer tokenizer, ITaskFamily? family, TrainingState state)
    {
        Options = options;
        _model = model;
        _device = device;
        Tokenizer = tokenizer;
        _codec = new TaskCodec(tokenizer);
        _family = family;
        RunId = state.RunId;
        Step = state.Step;
    }

    public CausalLmOptions Options { get; }

    public ITextTokenizer Tokenizer { get; }

    /// <summary>The run the loaded checkpoint belongs to.</summary>
    public string RunId { get; }

    /// <summary>The training step of the loaded checkpoint.</summary>
    public long Step { get; }

    /// <summary>False: generation is stateful per cursor (seeded per row) and far too costly to run per getter call.</summary>
    public bool IsRowToRowMapper => false;

    /// <summary>Loads the latest checkpoint of <see cref="CausalLmOptions.CheckpointFolder"/> after checking the options.</summary>
    public static CausalLmTransformer Load(CausalLmOptions options)
    {
        const string source = "causal LM options";
        var problems = options.Model.Validate().ToList();
        if (problems.Count > 0)
            throw new BadInputException(source, "Model", string.Join("; ", problems), "give the model config the checkpoint was trained with");
        if (options.MaxNewTokens < 1)
            throw new BadInputException(source, "MaxNewTokens", $"{options.MaxNewTokens} is not positive", "generate at least one token");
        if (options.Temperature < 0 || double.IsNaN(options.Temperature))
            throw new BadInputException(source, "Temperature", $"{options.Temperature} is negative", "use 0 for greedy decoding or a positive temperature");
        var tokenizer = options.Tokenizer ?? ByteTokenizer.Instance;
        if (tokenizer.VocabSize > options.Model.VocabSize)
            throw new BadInputException(source, "Model.VocabSize", $"{options.Model.VocabSize} is smaller than the {tokenizer.Name} tokenizer's {tokenizer.VocabSize}",
                "give the tokenizer the checkpoint was trained with and its model config");
        var family = ResolveFamily(options);

        var store = new CheckpointStore(options.CheckpointFolder);
        if (!Directory.Exists(options.CheckpointFolder))
            throw new BadInputException(options.CheckpointFolder, "CheckpointFolder", "does not exist",
                "point at a run folder models/<experiment>/<run id>/ that a pre-training or RL stage wrote");
        if (!store.HasCheckpoint)
            throw new BadInputException(options.CheckpointFolder, "CheckpointFolder", "holds no checkpoint (no LATEST file)",
                "point at a run folder that has finished at least one checkpoint");
        var device = Devices.Resolve(options.Device);
        var model = new Gpt(options.Model);
        try
        {
            var state = store.Load(expectedRunId: null, model, optimizer: null);
            model.to(device);
            model.eval();
            return new CausalLmTransformer(options, model, device, tokenizer, family, state);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Generates a completion of one prompt: what every output row is computed from. Public so that callers can
    /// check the transformer against the model without going through a data view.
    /// </summary>
    public CausalLmCompletion Complete(string prompt, long rowIndex = 0)
    {
        var promptTokens = Tokenizer.Encode(prompt);
        if (promptTokens.Length == 0)
            throw new BadInputException("input data view", $"row {rowIndex}: {CausalLmColumns.Prompt}", "is empty", "give every row a non-empty prompt");
        int room = Math.Min(Options.MaxNewTokens, Options.Model.ContextLength - promptTokens.Length);
        if (room <= 0)
            throw new BadInputException("input data view", $"row {rowIndex}: {CausalLmColumns.Prompt}",
                $"has {promptTokens.Length} tokens, which leaves no room in the model's context of {Options.Model.ContextLength}",
                "shorten the prompt or use a model with a longer context");
        lock (_modelLock)
        {
            using var rng = Options.Temperature > 0 ? new Generator((ulong)SplitMix64.Combine(Options.Seed, rowIndex), _device) : null;
            var generation = Sampler.Generate(_model, new[] { promptTokens },
                new SamplingOptions(room, Options.Temperature, StopSequences: _codec.StopSequences), rng);
            var completionTokens = generation.Tokens[0];
            float logProbability = SumLogProbability(promptTokens, completionTokens);
            return new CausalLmCompletion(completionTokens, _codec.DecodeCompletion(completionTokens), logProbability);
        }
    }

    /// <summary>
    /// The verifier's reward for a completion. The problem is regenerated from (seed, difficulty) when that
    /// reproduces the row's prompt, because some families (code) verify against hidden tests that only the generated
    /// problem carries; otherwise it is rebuilt from the prompt and answer alone.
    /// </summary>
    internal float Reward(long rowIndex, string prompt, string answer, string rowFamily, int? difficulty, long? seed, string completion)
    {
        var family = _family ?? throw new InvalidOperationException("no task family was configured");
        // Scoring a row with another family's verifier would yield a plausible-looking but meaningless reward.
        if (rowFamily.Length > 0 && rowFamily != family.Name)
            throw new BadInputException("input data view", $"row {rowIndex}: {CausalLmColumns.Family}",
                $"is '{rowFamily}', but the options score with task family '{family.Name}'",
                "filter the data to one family (e.g. mlContext.Data.FilterByCustomPredicate) or set TaskFamily to match");
        var problem = Regenerate(family, difficulty, seed, prompt) is { } generated
            ? generated with { Answer = answer }
            : new TaskProblem(family.Name, difficulty ?? 1, seed ?? rowIndex, prompt, "", answer);
        try
        {
            return (float)family.Score(problem, completion).Reward;
        }
        catch (ArgumentException e)
        {
            throw new BadInputException("input data view", $"row {rowIndex}", $"task family '{family.Name}' cannot score it from prompt and answer alone: {e.Message}",
                $"give the {CausalLmColumns.Difficulty} and {CausalLmColumns.Seed} columns of a prompt set from TaskDataViews.FromFamily", e);
        }
    }

    internal static TaskProblem? Regenerate(ITaskFamily family, int? difficulty, long? seed, string prompt)
    {
        if (difficulty is not { } d || seed is not { } s) return null;
        if (family is Gsm8kFamily gsm8k)
            return s >= 0 && s < gsm8k.Problems.Count && gsm8k.Problems[(int)s].Prompt == prompt ? gsm8k.Problems[(int)s] : null;
        if (d < 1 || d > family.MaxDifficulty) return null;
        var generated = family.Generate(s, d);
        return generated.Prompt == prompt ? generated : null;
    }

    private float SumLogProbability(int[] promptTokens, int[] completionTokens)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int length = promptTokens.Length + completionTokens.Length;
        var sequence = tensor(promptTokens.Concat(completionTokens).Select(t => (long)t).ToArray(), device: _device).view(1, length);
        var logits = _model.forward(sequence.narrow(1, 0, length - 1)).to_type(ScalarType.Float32);
        var taken = F.log_softmax(logits, -1).gather(-1, sequence.narrow(1, 1, length - 1).unsqueeze(-1)).view(-1);
        // Position t predicts token t+1, so the completion's tokens are predicted at positions p−1 .. p+c−2.
        return taken.narrow(0, promptTokens.Length - 1, completionTokens.Length).sum().item<float>();
    }

    /// <summary>The input schema plus the output columns; throws when the input lacks a needed column.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema, Options);
        return OutputSchema(inputSchema, Options);
    }

    public IDataView Transform(IDataView input)
    {
        CheckInput(input.Schema, Options);
        return new CausalLmDataView(this, input, OutputSchema(input.Schema, Options));
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("CausalLmTransformer is not a row-to-row mapper (IsRowToRowMapper is false): use Transform.");

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            "CausalLmTransformer cannot be saved into an ML.NET model file: the checkpoint folder already is the saved model. " +
            "Save the options (checkpoint folder and model config) and re-create the transformer with CausalLmEstimator.Fit. See docs/mlnet.md.");

    public void Dispose() => _model.Dispose();

    internal bool HasReward => Options.TaskFamily is not null;

    internal static void CheckInput(DataViewSchema schema, CausalLmOptions options)
    {
        RequireText(schema, CausalLmColumns.Prompt, "a Prompt text column (e.g. from TaskDataViews.FromFamily)");
        if (options.TaskFamily is null) return;
        RequireText(schema, CausalLmColumns.Answer,
            $"an Answer text column, because the options name task family '{options.TaskFamily}' (drop TaskFamily to skip rewards)");
        // The optional columns that locate a problem for the verifier must have the types TaskDataViews gives them.
        foreach (var (name, type) in new (string, DataViewType)[]
        {
            (CausalLmColumns.Family, TextDataViewType.Instance),
            (CausalLmColumns.Difficulty, NumberDataViewType.Int32),
            (CausalLmColumns.Seed, NumberDataViewType.Int64),
        })
        {
            if (schema.GetColumnOrNull(name) is { } column && !column.Type.Equals(type))
                throw new BadInputException("input data view", name, $"has type {column.Type}, not {type}", $"convert {name} to {type} or drop it");
        }
    }

    private static void RequireText(DataViewSchema schema, string name, string need)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new BadInputException("input data view", name, $"there is no column '{name}' (columns: {string.Join(", ", schema.Select(c => c.Name))})", $"give the data {need}");
        if (column.Type is not TextDataViewType)
            throw new BadInputException("input data view", name, $"has type {column.Type}, not text", $"give the data {need}");
    }

    internal static DataViewSchema OutputSchema(DataViewSchema inputSchema, CausalLmOptions options)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(CausalLmColumns.Completion, TextDataViewType.Instance);
        builder.AddColumn(CausalLmColumns.LogProbability, NumberDataViewType.Single);
        if (options.TaskFamily is not null) builder.AddColumn(CausalLmColumns.Reward, NumberDataViewType.Single);
        return builder.ToSchema();
    }

    private static ITaskFamily? ResolveFamily(CausalLmOptions options)
    {
        if (options.TaskFamily is null) return null;
        if (options.TaskFamily == "gsm8k")
            return options.TaskFile is { } file
                ? Gsm8kFamily.Load(file)
                : throw new BadInputException("causal LM options", "TaskFile", "is missing; task family 'gsm8k' verifies against the JSONL it was loaded from",
                    "set TaskFile to the GSM8K-style JSONL the prompts came from");
        return TaskRegistry.Get(options.TaskFamily);
    }
}
