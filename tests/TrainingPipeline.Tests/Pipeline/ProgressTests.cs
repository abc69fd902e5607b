using TrainingPipeline.Pipeline;

namespace TrainingPipeline.Tests.Pipeline;

public sealed class ProgressTests
{
    [Fact]
    public void Eta_uses_the_pace_of_every_step_done_this_session_even_when_lines_are_throttled()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var output = new StringWriter();
        var progress = new LineProgress(output, TimeSpan.FromSeconds(5), () => now);
        progress.Started("r", "pretrain_narrow", 400, "test");

        // A resumed run: this session starts at step 101 and does 10 steps per second.
        for (int step = 101; step <= 200; step++)
        {
            now = now.AddSeconds(0.1);
            progress.Update(new ProgressUpdate("r", "pretrain_narrow", step, 400, "loss", 1.0, 1000,
                TimeSpan.FromSeconds((step - 100) * 0.1)));
        }

        // 100 steps took 10 s, so the 200 remaining take 20 s.
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var last = lines[^1];
        Assert.Contains("step 200/400", last);
        Assert.EndsWith("eta 00:00:20", last.TrimEnd());
    }

    [Fact]
    public void Updates_between_intervals_are_not_printed_but_the_last_step_always_is()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var output = new StringWriter();
        var progress = new LineProgress(output, TimeSpan.FromSeconds(5), () => now);
        progress.Started("r", "rl", 10, "test");
        for (int step = 1; step <= 10; step++)
        {
            now = now.AddSeconds(1);
            progress.Update(new ProgressUpdate("r", "rl", step, 10, "reward", 0.5, 100, TimeSpan.FromSeconds(step)));
        }

        var steps = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains(" step ")).Select(l => l.Split(' ')[3]).ToArray();
        Assert.Equal(["5/10", "10/10"], steps);
    }
}
