using TrainingPipeline.Bench;
using TrainingPipeline.Model;
using static TorchSharp.torch;

var parsed = BenchOptions.Command().Parse(args);
if (parsed.Errors.Count == 0 && parsed.Action is System.CommandLine.Help.HelpAction) return parsed.Invoke(); // --help, -h
BenchOptions options;
try
{
    options = BenchOptions.From(parsed);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

Devices.SetThreads(options.Threads);
string attention = options.Attention.ToString().ToLowerInvariant();
string precision = Precisions.Name(options.Precision);
Console.Error.WriteLine($"torchsharp bench: threads {get_num_threads()}, attention {attention}, precision {precision}, measurements {string.Join(",", options.Only)}");

double? matmulGflops = null;
if (options.Wants("matmul_gflops") || options.Wants("mfu_S") || options.Wants("mfu_M"))
{
    matmulGflops = MatmulThroughput.MeasureGflops();
    JsonLine.Write("matmul_gflops", new Dictionary<string, object?> { ["value"] = matmulGflops, ["threads"] = options.Threads });
}

if (options.Wants("loader"))
{
    var loader = LoaderThroughputMeasurement.Measure();
    JsonLine.Write("loader", new Dictionary<string, object?>
    {
        ["tokens_per_s"] = loader.TokensPerSecond,
        ["batches"] = loader.Batches,
        ["seconds"] = loader.Seconds,
    });
}

double? kvSpeedupNumerator = null, kvSpeedupDenominator = null;
foreach (var shape in new[] { BenchShape.S, BenchShape.M })
{
    if (!options.Wants($"train_{shape.Name}") && !options.Wants($"mfu_{shape.Name}")) continue;
    int steps = options.Steps ?? (shape == BenchShape.S ? 20 : 8);
    var train = TrainingThroughput.Measure(shape, options.Attention, steps, options.Seed, options.Precision);
    JsonLine.Write($"train_{shape.Name}", new Dictionary<string, object?>
    {
        ["tokens_per_s"] = train.TokensPerSecond,
        ["steps"] = train.Steps,
        ["seconds"] = train.Seconds,
        ["first_loss"] = (double)train.FirstLoss,
        ["last_loss"] = (double)train.LastLoss,
        ["attention"] = attention,
        ["precision"] = precision,
        ["threads"] = options.Threads,
    });
    if (options.Wants($"mfu_{shape.Name}") && matmulGflops is double roofline)
    {
        // Model FLOPs utilisation against the measured matmul rate, not a datasheet peak: the fraction of what this
        // machine's BLAS can do on a big square matmul that training actually achieves.
        double achievedGflops = train.TokensPerSecond * train.TrainingFlopsPerToken / 1e9;
        JsonLine.Write($"mfu_{shape.Name}", new Dictionary<string, object?>
        {
            ["value"] = achievedGflops / roofline,
            ["achieved_gflops"] = achievedGflops,
            ["matmul_gflops"] = roofline,
        });
    }
}

foreach (bool useKvCache in new[] { false, true })
{
    string name = useKvCache ? "sample_S_kv" : "sample_S_nocache";
    if (!options.Wants(name) && !options.Wants("kv_speedup")) continue;
    var sample = SamplingThroughput.Measure(BenchShape.S, options.Attention, useKvCache, options.Seed, precision: options.Precision);
    JsonLine.Write(name, new Dictionary<string, object?>
    {
        ["tokens_per_s"] = sample.TokensPerSecond,
        ["rounds"] = sample.Rounds,
        ["seconds"] = sample.Seconds,
        ["first_tokens"] = string.Join(' ', sample.FirstRow.Take(8)),
        ["attention"] = attention,
        ["precision"] = precision,
    });
    if (useKvCache) kvSpeedupNumerator = sample.TokensPerSecond; else kvSpeedupDenominator = sample.TokensPerSecond;
}
if (options.Wants("kv_speedup") && kvSpeedupNumerator is double cached && kvSpeedupDenominator is double uncached)
    JsonLine.Write("kv_speedup", new Dictionary<string, object?> { ["value"] = cached / uncached });

if (options.Wants("rl_step_S"))
{
    var rl = RlStepThroughput.Measure(options.Attention, options.Steps ?? RlStepThroughput.DefaultTimedSteps, options.Seed, options.Precision);
    JsonLine.Write("rl_step_S", new Dictionary<string, object?>
    {
        ["value"] = rl.SamplesPerSecond,
        ["unit"] = "samples/s",
        ["median_step_s"] = rl.MedianStepSeconds,
        ["median_sample_s"] = rl.MedianSampleSeconds,
        ["median_update_s"] = rl.MedianUpdateSeconds,
        ["steps"] = rl.Steps,
        ["first_mean_reward"] = rl.FirstMeanReward,
        ["attention"] = attention,
        ["precision"] = precision,
    });
}

if (options.Wants("eval_S"))
{
    var eval = EvalThroughput.Measure(options.Attention, options.Seed, options.Precision);
    JsonLine.Write("eval_S", new Dictionary<string, object?>
    {
        ["value"] = eval.ProblemsPerSecond,
        ["unit"] = "problems/s",
        ["problems"] = eval.Problems,
        ["samples"] = EvalThroughput.Samples,
        ["max_new_tokens"] = EvalThroughput.MaxNewTokens,
        ["seconds"] = eval.Seconds,
        ["pass_at_1"] = eval.PassAt1,
        ["greedy_accuracy"] = eval.GreedyAccuracy,
        ["attention"] = attention,
        ["precision"] = precision,
    });
}

foreach (var shape in new[] { BenchShape.S, BenchShape.M })
{
    if (!options.Wants($"profile_{shape.Name}")) continue;
    foreach (var phase in PhaseProfile.Measure(shape, options.Attention, options.Steps ?? 5, options.Seed))
        JsonLine.Write($"profile_{shape.Name}", phase);
}

if (options.Wants("memory"))
{
    var memory = MemoryGrowth.Measure(options.Attention, options.Steps ?? 1000, options.Seed);
    JsonLine.Write("memory", new Dictionary<string, object?>
    {
        ["value"] = memory.RssEndMb - memory.RssWarmMb,
        ["unit"] = "MB",
        ["rss_warm_mb"] = memory.RssWarmMb,
        ["rss_end_mb"] = memory.RssEndMb,
        ["rss_checkpoints_mb"] = memory.RssAtCheckpointsMb.Select(m => Math.Round(m, 1)).ToArray(),
        ["live_tensors_warm"] = memory.LiveTensorsWarm,
        ["live_tensors_end"] = memory.LiveTensorsEnd,
        ["steps"] = memory.Steps,
        ["seconds"] = memory.Seconds,
    });
}

if (options.Wants("memory_rl"))
{
    var memory = MemoryGrowth.MeasureRl(options.Attention, options.Steps ?? 1000, options.Seed, options.Precision);
    JsonLine.Write("memory_rl", new Dictionary<string, object?>
    {
        ["value"] = memory.RssEndMb - memory.RssWarmMb,
        ["unit"] = "MB",
        ["rss_warm_mb"] = memory.RssWarmMb,
        ["rss_end_mb"] = memory.RssEndMb,
        ["rss_checkpoints_mb"] = memory.RssAtCheckpointsMb.Select(m => Math.Round(m, 1)).ToArray(),
        ["live_tensors_warm"] = memory.LiveTensorsWarm,
        ["live_tensors_end"] = memory.LiveTensorsEnd,
        ["steps"] = memory.Steps,
        ["seconds"] = memory.Seconds,
    });
}

if (options.Wants("soak"))
{
    var summary = Soak.Run(options.Attention, options.Precision, options.Minutes, options.Seed, sample =>
        JsonLine.Write("soak", new Dictionary<string, object?>
        {
            ["minute"] = Math.Round(sample.Minute, 2),
            ["rss_mb"] = Math.Round(sample.RssMb, 1),
            ["managed_mb"] = Math.Round(sample.ManagedMb, 1),
            ["live_tensors"] = sample.LiveTensors,
            ["steps"] = sample.Steps,
            ["rl_steps"] = sample.RlSteps,
            ["loss"] = sample.Loss,
            ["reward"] = sample.Reward,
        }));
    JsonLine.Write("soak_summary", new Dictionary<string, object?>
    {
        ["value"] = Math.Round(summary.GrowthMb, 1),
        ["unit"] = "MB",
        ["warmup_minute"] = Math.Round(summary.WarmupMinute, 2),
        ["rss_warm_mb"] = Math.Round(summary.RssWarmMb, 1),
        ["rss_end_mb"] = Math.Round(summary.RssEndMb, 1),
        ["rss_max_mb"] = Math.Round(summary.RssMaxMb, 1),
        ["slope_mb_per_hour"] = Math.Round(summary.SlopeMbPerHour, 2),
        ["managed_warm_mb"] = Math.Round(summary.ManagedWarmMb, 1),
        ["managed_end_mb"] = Math.Round(summary.ManagedEndMb, 1),
        ["live_tensors_warm"] = summary.LiveTensorsWarm,
        ["live_tensors_end"] = summary.LiveTensorsEnd,
        ["minutes"] = Math.Round(summary.Minutes, 2),
        ["steps"] = summary.Steps,
        ["rl_steps"] = summary.RlSteps,
        ["precision"] = precision,
        ["attention"] = attention,
    });
}
return 0;
