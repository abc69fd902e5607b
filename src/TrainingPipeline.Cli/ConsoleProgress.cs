using Spectre.Console;
using TrainingPipeline.Pipeline;

namespace TrainingPipeline.Cli;

/// <summary>
/// Live progress bars (step, loss or reward, tokens/s, ETA) on an interactive terminal; plain log lines when output is
/// redirected or <c>CI</c> is set, so logs stay greppable.
/// </summary>
internal static class ConsoleProgress
{
    public static bool Interactive =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a progress sink suited to this console.</summary>
    public static T Run<T>(Func<IProgressSink, T> work)
    {
        if (!Interactive) return work(new LineProgress(Console.Out));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => result = work(new SpectreSink(context)));
        return result;
    }

    private sealed class SpectreSink(ProgressContext context) : IProgressSink
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new();

        public void Started(string runId, string stage, long totalSteps, string description)
        {
            var task = context.AddTask(Markup.Escape($"{stage} {runId}"), maxValue: totalSteps);
            _tasks[runId] = task;
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape($"{stage} {runId}: {description}")}[/]");
        }

        public void Update(ProgressUpdate u)
        {
            if (!_tasks.TryGetValue(u.RunId, out var task)) return;
            task.Value = u.Step;
            task.Description = Markup.Escape(FormattableString.Invariant(
                $"{u.Stage} {u.RunId} {u.MetricName} {u.Metric:F3} {u.TokensPerSecond:F0} tok/s"));
        }

        public void Finished(string runId, string stage, string summary)
        {
            if (_tasks.TryGetValue(runId, out var task)) task.Value = task.MaxValue;
            AnsiConsole.MarkupLine($"[green]{Markup.Escape($"{stage} {runId} done: {summary}")}[/]");
        }

        public void Log(string message) => AnsiConsole.MarkupLine(Markup.Escape(message));
    }
}
