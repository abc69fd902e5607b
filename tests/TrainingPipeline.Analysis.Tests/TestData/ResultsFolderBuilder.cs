using Parquet.Schema;
using Parquet.Serialization;

namespace TrainingPipeline.Analysis.Tests.TestData;

/// <summary>
/// Writes a results folder as docs/results-schema.md describes it: <c>&lt;table&gt;/run_id=&lt;id&gt;/part-*.parquet</c>,
/// full column sets, run_id in the path only. Rows accumulate until <see cref="Flush"/>, which writes one part file
/// per (table, run), so tests can also write several parts for one run (as a resumed run does).
/// </summary>
internal sealed class ResultsFolderBuilder(string resultsDirectory)
{
    private static readonly DateTime Epoch = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly Dictionary<(string Table, string RunId), List<IDictionary<string, object?>>> _pending = [];
    private int _sequence;
    private int _clock;

    public string Directory { get; } = resultsDirectory;

    /// <summary>A monotonically increasing write time, so later calls supersede earlier ones.</summary>
    public DateTime Tick() => Epoch.AddSeconds(++_clock);

    public static ParquetSchema RunsSchema { get; } = new(
        new DataField<string>("experiment"), new DataField<string>("stage"), new DataField<string?>("parent_run_id"),
        new DataField<string>("config_json"), new DataField<string>("config_hash"), new DataField<long>("seed"),
        new DataField<int>("n_layer"), new DataField<int>("n_head"), new DataField<int>("d_model"),
        new DataField<int>("context_length"), new DataField<int>("vocab_size"), new DataField<long>("params_total"),
        new DataField<long>("params_non_embedding"), new DataField<string>("data_mixture"), new DataField<string>("git_commit"),
        new DataField<string>("package_versions"), new DataField<string>("machine"), new DataField<string>("device"),
        new DataField<DateTime>("started_at"), new DataField<DateTime?>("ended_at"), new DataField<string>("status"),
        new DataField<DateTime>("written_at"));

    public static ParquetSchema StepsSchema { get; } = new(
        new DataField<string>("stage"), new DataField<long>("step"), new DataField<long>("tokens"), new DataField<double>("flops"),
        new DataField<double>("run_flops"), new DataField<double>("wall_seconds"), new DataField<double>("lr"),
        new DataField<double>("loss"), new DataField<double>("grad_norm"), new DataField<double>("tokens_per_second"),
        new DataField<double?>("reward_mean"), new DataField<double?>("pass_rate"), new DataField<DateTime>("written_at"));

    public static ParquetSchema EvalsSchema { get; } = new(
        new DataField<string>("stage"), new DataField<long>("step"), new DataField<double>("flops"), new DataField<double>("run_flops"),
        new DataField<string>("eval_set"), new DataField<string>("split"), new DataField<string>("metric"),
        new DataField<double>("value"), new DataField<long>("n"), new DataField<double>("stderr"), new DataField<DateTime>("written_at"));

    public ResultsFolderBuilder Run(string runId, string stage, long paramsNonEmbedding, string status = "completed",
        string? parent = null, string configJson = "{}", long seed = 0)
    {
        var now = Tick();
        Add("runs", runId, new Dictionary<string, object?>
        {
            ["experiment"] = "test",
            ["stage"] = stage,
            ["parent_run_id"] = parent,
            ["config_json"] = configJson,
            ["config_hash"] = runId,
            ["seed"] = seed,
            ["n_layer"] = 2,
            ["n_head"] = 2,
            ["d_model"] = 64,
            ["context_length"] = 128,
            ["vocab_size"] = 256,
            ["params_total"] = paramsNonEmbedding + 20_000,
            ["params_non_embedding"] = paramsNonEmbedding,
            ["data_mixture"] = "{}",
            ["git_commit"] = "unknown",
            ["package_versions"] = "{}",
            ["machine"] = "test",
            ["device"] = "cpu",
            ["started_at"] = Epoch,
            ["ended_at"] = status == "running" ? null : now,
            ["status"] = status,
            ["written_at"] = now,
        });
        return this;
    }

    public ResultsFolderBuilder Step(string runId, string stage, long step, long tokens, double flops, double runFlops, double loss = 3.0)
    {
        Add("steps", runId, new Dictionary<string, object?>
        {
            ["stage"] = stage,
            ["step"] = step,
            ["tokens"] = tokens,
            ["flops"] = flops,
            ["run_flops"] = runFlops,
            ["wall_seconds"] = step * 0.1,
            ["lr"] = 1e-3,
            ["loss"] = loss,
            ["grad_norm"] = 1.0,
            ["tokens_per_second"] = 1000.0,
            ["reward_mean"] = stage == "rl" ? 0.5 : null,
            ["pass_rate"] = stage == "rl" ? 0.5 : null,
            ["written_at"] = Tick(),
        });
        return this;
    }

    public ResultsFolderBuilder Eval(string runId, string stage, long step, double flops, double runFlops,
        string evalSet, string split, string metric, double value)
    {
        Add("evals", runId, new Dictionary<string, object?>
        {
            ["stage"] = stage,
            ["step"] = step,
            ["flops"] = flops,
            ["run_flops"] = runFlops,
            ["eval_set"] = evalSet,
            ["split"] = split,
            ["metric"] = metric,
            ["value"] = value,
            ["n"] = 100L,
            ["stderr"] = 0.01,
            ["written_at"] = Tick(),
        });
        return this;
    }

    public ResultsFolderBuilder Flush()
    {
        foreach (var ((table, runId), rows) in _pending)
        {
            var folder = Path.Combine(Directory, table, $"run_id={runId}");
            System.IO.Directory.CreateDirectory(folder);
            var schema = table switch { "runs" => RunsSchema, "steps" => StepsSchema, _ => EvalsSchema };
            using var stream = File.Create(Path.Combine(folder, $"part-{_sequence++:D5}-test.parquet"));
            ParquetSerializer.SerializeUntypedAsync(rows, schema, stream).GetAwaiter().GetResult();
        }
        _pending.Clear();
        return this;
    }

    private void Add(string table, string runId, Dictionary<string, object?> row)
    {
        if (!_pending.TryGetValue((table, runId), out var rows)) _pending[(table, runId)] = rows = [];
        rows.Add(row);
    }
}
