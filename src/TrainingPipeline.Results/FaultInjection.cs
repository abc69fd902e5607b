using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace TrainingPipeline.Results;

/// <summary>
/// Fault injection for the crash tests (docs/reliability.md). Named sites in the writers and stages call
/// <see cref="At"/>. With the environment variable <c>TP_FAULT=&lt;site&gt;:&lt;n&gt;</c> the process kills itself with
/// SIGKILL the n-th time it reaches that site (<c>&lt;site&gt;:&lt;n&gt;:term</c> sends itself SIGTERM instead, as a
/// preemption would, and carries on; <c>&lt;site&gt;:&lt;n&gt;:stall</c> sends itself SIGTERM and then never returns, a
/// step that never reaches its end, for the stop watchdog); <c>TP_FAULT=trace</c> prints every site reached to stderr. Unset (always, outside
/// tests), <see cref="At"/> is one check of a static field. The variable is read once, at the first site reached.
/// </summary>
public static class FaultInjection
{
    public const string Variable = "TP_FAULT";

    /// <summary>The sites: where in a run a crash is most likely to leave something half done.</summary>
    public static class Sites
    {
        /// <summary>A Parquet part file is written under its temporary name and not yet renamed into place.</summary>
        public const string PartWritten = "results.part-written";
        /// <summary>A Parquet part file was just renamed into place (the rest of its flush is still to come).</summary>
        public const string PartPublished = "results.part-published";
        /// <summary>A checkpoint's model.bin is written into its temporary folder; the optimizer and state.json are not.</summary>
        public const string CheckpointModelWritten = "checkpoint.model-written";
        /// <summary>A checkpoint folder is complete and renamed, but <c>LATEST</c> still points at the previous one.</summary>
        public const string CheckpointUnpublished = "checkpoint.unpublished";
        /// <summary>A pre-training optimizer step is taken and its row not yet recorded.</summary>
        public const string PretrainStep = "pretrain.step";
        /// <summary>An RL step's completions are sampled and scored; the policy update has not run.</summary>
        public const string RlSampled = "rl.sampled";
        /// <summary>Inside a loss evaluation, after one batch.</summary>
        public const string EvalLoss = "eval.loss";
        /// <summary>Inside a task evaluation (pass@k), after one problem.</summary>
        public const string EvalTask = "eval.task";

        public static IReadOnlyList<string> All { get; } =
            [PartWritten, PartPublished, CheckpointModelWritten, CheckpointUnpublished, PretrainStep, RlSampled, EvalLoss, EvalTask];
    }

    private static readonly Injection? Armed = Injection.Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Marks that the process reached <paramref name="site"/> (one of <see cref="Sites"/>).</summary>
    public static void At(string site)
    {
        if (Armed is null) return;
        Armed.Reach(site);
    }

    private enum Stop { Kill, Term, Stall }

    private sealed class Injection(string? site, int n, Stop stop, bool trace, string? error)
    {
        private readonly Dictionary<string, int> _reached = new(StringComparer.Ordinal);
        private readonly object _gate = new();

        public static Injection? Parse(string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (value == "trace") return new Injection(null, 0, Stop.Kill, true, null);
            var parts = value.Split(':');
            if (parts.Length is 2 or 3 && Sites.All.Contains(parts[0])
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0
                && (parts.Length == 2 || parts[2] is "kill" or "term" or "stall"))
                return new Injection(parts[0], count, parts.Length == 2 ? Stop.Kill : Enum.Parse<Stop>(parts[2], ignoreCase: true), false, null);
            return new Injection(null, 0, Stop.Kill, false, value);
        }

        public void Reach(string reached)
        {
            if (error is not null)
                throw new BadInputException(Variable, "environment variable", $"'{error}' is not a fault to inject",
                    $"use trace or <site>:<n>[:kill|:term|:stall] with a site of {string.Join(", ", Sites.All)}, or unset it");
            int count;
            lock (_gate) _reached[reached] = count = _reached.GetValueOrDefault(reached) + 1;
            if (trace)
            {
                Console.Error.WriteLine($"{Variable}: reached {reached} #{count.ToString(CultureInfo.InvariantCulture)}");
                return;
            }
            if (reached != site || count != n) return;
            Console.Error.WriteLine($"{Variable}: {(stop == Stop.Kill ? "SIGKILL" : "SIGTERM")}{(stop == Stop.Stall ? " and stall" : "")} " +
                $"at {reached} #{count.ToString(CultureInfo.InvariantCulture)}");
            Console.Error.Flush();
            switch (stop)
            {
                case Stop.Term:
                    SendSelf(Signals.Term);
                    break;
                case Stop.Stall:
                    SendSelf(Signals.Term);
                    Thread.Sleep(Timeout.Infinite); // a step that never ends: only the stop watchdog can end the process
                    break;
                default:
                    SendSelf(Signals.Kill);
                    Thread.Sleep(Timeout.Infinite); // the signal is delivered before kill(2) returns; never carry on
                    break;
            }
        }

        private static void SendSelf(int signal)
        {
            if (OperatingSystem.IsLinux())
            {
                _ = Signals.kill(Environment.ProcessId, signal);
                return;
            }
            if (signal != Signals.Kill) throw new PlatformNotSupportedException($"{Variable} ':term' is implemented on Linux only");
            Process.GetCurrentProcess().Kill();
        }
    }

    private static class Signals
    {
        public const int Kill = 9;
        public const int Term = 15;

        [DllImport("libc.so.6", SetLastError = true)]
        internal static extern int kill(int pid, int signal);
    }
}
