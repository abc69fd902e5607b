using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TrainingPipeline.Model;

namespace TrainingPipeline.Bench;

/// <summary>
/// Command-line options, parsed by System.CommandLine like the pipeline's own CLI. The flags are shared with the
/// Python peer (bench/reference/gpt_bench.py) through bench/compare.sh, so their names and meanings must not change.
/// </summary>
public sealed record BenchOptions(
    IReadOnlySet<string> Only,
    int? Steps,
    int Threads,
    AttentionKernel Attention,
    int Seed,
    Precision Precision = Precision.Fp32,
    double Minutes = 60)
{
    /// <summary>
    /// Measurements run when no --only is given. <c>memory</c> and <c>memory_rl</c> (1,000 steps each) and <c>soak</c>
    /// (an hour) run on request only.
    /// </summary>
    public static readonly string[] DefaultMeasurements =
        ["matmul_gflops", "loader", "train_S", "mfu_S", "train_M", "mfu_M", "sample_S_nocache", "sample_S_kv", "kv_speedup", "rl_step_S", "eval_S"];

    public static readonly string[] AllMeasurements = [.. DefaultMeasurements, "memory", "memory_rl", "soak", "profile_S", "profile_M"];

    private static readonly Option<string?> OnlyOption = new("--only")
    {
        HelpName = "NAME[,NAME…]",
        Description = "measurements to run (default: all but memory, memory_rl, soak and profile_*): " + string.Join(' ', AllMeasurements),
    };

    private static readonly Option<int?> StepsOption = new("--steps")
    {
        CustomParser = result => PositiveInt(result, "--steps"),
        HelpName = "N",
        Description = "timed steps (default 20 for train_S, 8 for train_M, 5 for rl_step_S, 1000 for memory and memory_rl)",
    };

    private static readonly Option<int> ThreadsOption = new("--threads")
    {
        CustomParser = result => PositiveInt(result, "--threads"),
        HelpName = "N",
        Description = "intra-op threads",
        DefaultValueFactory = _ => 2,
    };

    private static readonly Option<string> AttentionOption = new("--attention")
    {
        HelpName = "KIND",
        Description = "sdpa | manual (sdpa is the pipeline's default)",
        DefaultValueFactory = _ => "sdpa",
    };

    private static readonly Option<string> PrecisionOption = new("--precision")
    {
        HelpName = "P",
        Description = "fp32 | bf16 (TorchSharp side only: the Python peer is fp32)",
        DefaultValueFactory = _ => "fp32",
    };

    private static readonly Option<double> MinutesOption = new("--minutes")
    {
        CustomParser = PositiveMinutes,
        HelpName = "M",
        Description = "how long soak trains, in minutes",
        DefaultValueFactory = _ => 60,
    };

    private static readonly Option<int> SeedOption = new("--seed")
    {
        HelpName = "N",
        Description = "seed for weights and random tokens",
        DefaultValueFactory = _ => 1,
    };

    static BenchOptions()
    {
        OnlyOption.Validators.Add(result =>
        {
            var unknown = Measurements(result.GetValueOrDefault<string?>()).Except(AllMeasurements).ToList();
            if (unknown.Count > 0) result.AddError($"unknown measurement(s) {string.Join(", ", unknown)}");
        });
        AttentionOption.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (AttentionKernelOf(name) is null) result.AddError($"--attention must be sdpa or manual, not '{name}'");
        });
        PrecisionOption.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (Precisions.Parse(name) is null) result.AddError($"--precision must be fp32 or bf16, not '{name}'");
        });
    }

    /// <summary>The command line, for parsing and for <c>--help</c>.</summary>
    public static RootCommand Command()
    {
        var root = new RootCommand("TorchSharp side of the benchmarks (bench/compare.sh runs it beside the Python peer). " +
            "Prints one JSON line per measurement on stdout.");
        foreach (var option in new Option[] { OnlyOption, StepsOption, ThreadsOption, AttentionOption, PrecisionOption, MinutesOption, SeedOption })
            root.Options.Add(option);
        return root;
    }

    public bool Wants(string name) => Only.Contains(name);

    /// <summary>The options of a parse without errors (see <see cref="Command"/>); bad options are an <see cref="ArgumentException"/>.</summary>
    public static BenchOptions Parse(string[] args) => From(Command().Parse(args));

    public static BenchOptions From(ParseResult parsed)
    {
        if (parsed.Errors.Count > 0)
            throw new ArgumentException(string.Join('\n', parsed.Errors.Select(e => e.Message)) + "\nRun with --help for usage.");
        var only = parsed.GetValue(OnlyOption) is { } list ? Measurements(list) : DefaultMeasurements;
        return new BenchOptions(new HashSet<string>(only, StringComparer.Ordinal), parsed.GetValue(StepsOption), parsed.GetValue(ThreadsOption),
            AttentionKernelOf(parsed.GetValue(AttentionOption)!)!.Value, parsed.GetValue(SeedOption),
            Precisions.Parse(parsed.GetValue(PrecisionOption)!)!.Value, parsed.GetValue(MinutesOption));
    }

    private static int PositiveInt(ArgumentResult result, string flag)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n > 0) return n;
        result.AddError($"{flag} must be a positive integer, not '{text}'");
        return 0;
    }

    private static double PositiveMinutes(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && minutes > 0 && double.IsFinite(minutes))
            return minutes;
        result.AddError($"--minutes must be a positive number, not '{text}'");
        return 0;
    }

    private static string[] Measurements(string? list) =>
        list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static AttentionKernel? AttentionKernelOf(string? name) => name?.ToLower(CultureInfo.InvariantCulture) switch
    {
        "sdpa" => AttentionKernel.Sdpa,
        "manual" => AttentionKernel.Manual,
        _ => null,
    };
}
