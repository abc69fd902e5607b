using TrainingPipeline.Model;

namespace TrainingPipeline.Bench;

/// <summary>Command-line options. Plain parsing on purpose: the program is run by hand and by bench/compare.sh.</summary>
public sealed record BenchOptions(
    IReadOnlySet<string> Only,
    int? Steps,
    int Threads,
    AttentionKernel Attention,
    int Seed,
    Precision Precision = Precision.Fp32,
    double Minutes = 60)
{
    /// <summary>Measurements run when no --only is given. <c>memory</c> (1,000 steps) and <c>soak</c> (an hour) run on request only.</summary>
    public static readonly string[] DefaultMeasurements =
        ["matmul_gflops", "loader", "train_S", "mfu_S", "train_M", "mfu_M", "sample_S_nocache", "sample_S_kv", "kv_speedup"];

    public static readonly string[] AllMeasurements = [.. DefaultMeasurements, "memory", "soak", "profile_S", "profile_M"];

    public const string Usage = """
        usage: dotnet run -c Release --project bench/TrainingPipeline.Bench -- [options]
          --only NAME[,NAME…]   measurements to run (default: all but memory, soak and profile_*):
                                matmul_gflops loader train_S mfu_S train_M mfu_M sample_S_nocache sample_S_kv
                                kv_speedup memory soak profile_S profile_M
          --steps N             timed training steps (default 20 for S, 8 for M, 1000 for memory)
          --threads N           intra-op threads (default 2)
          --attention KIND      sdpa | manual (default sdpa, the pipeline's default)
          --precision P         fp32 | bf16 (default fp32; TorchSharp side only: the Python peer is fp32)
          --minutes M           how long soak trains (default 60)
          --seed N              seed for weights and random tokens (default 1)
        Prints one JSON line per measurement on stdout.
        """;

    public bool Wants(string name) => Only.Contains(name);

    public static BenchOptions Parse(string[] args)
    {
        var only = new HashSet<string>(DefaultMeasurements, StringComparer.Ordinal);
        int? steps = null;
        int threads = 2, seed = 1;
        var attention = AttentionKernel.Sdpa;
        var precision = Precision.Fp32;
        double minutes = 60;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "--only":
                    only = new HashSet<string>(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
                    var unknown = only.Except(AllMeasurements).ToList();
                    if (unknown.Count > 0) throw new ArgumentException($"unknown measurement(s) {string.Join(", ", unknown)}\n{Usage}");
                    break;
                case "--steps": steps = PositiveInt("--steps", Value()); break;
                case "--threads": threads = PositiveInt("--threads", Value()); break;
                case "--seed": seed = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--attention":
                    attention = Value().ToLowerInvariant() switch
                    {
                        "sdpa" => AttentionKernel.Sdpa,
                        "manual" => AttentionKernel.Manual,
                        var other => throw new ArgumentException($"--attention must be sdpa or manual, not '{other}'"),
                    };
                    break;
                case "--precision":
                    string name = Value();
                    precision = Precisions.Parse(name) ?? throw new ArgumentException($"--precision must be fp32 or bf16, not '{name}'");
                    break;
                case "--minutes":
                    string text = Value();
                    minutes = double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) && m > 0
                        ? m
                        : throw new ArgumentException($"--minutes must be a positive number, not '{text}'");
                    break;
                case "-h" or "--help": throw new ArgumentException(Usage);
                default: throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }
        return new BenchOptions(only, steps, threads, attention, seed, precision, minutes);
    }

    private static int PositiveInt(string flag, string text) =>
        int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{flag} must be a positive integer, not '{text}'");
}
