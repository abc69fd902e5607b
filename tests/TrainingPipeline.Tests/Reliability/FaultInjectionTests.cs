using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using TrainingPipeline.Config;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;
using TrainingPipeline.Training;
using Xunit.Abstractions;
using TrainingPipeline.Tests.Config;

namespace TrainingPipeline.Tests.Reliability;

/// <summary>
/// Issue 5 and 9: a run killed with SIGKILL or SIGTERM at any point, then re-run, ends with exactly the results of
/// an uninterrupted run. A tiny pipeline (narrow → broad pre-training, 6 RL steps, loss and pass@k evaluations) runs
/// in child processes of the built CLI that are stopped at seeded random points: at the n-th time they reach a
/// <see cref="FaultInjection"/> site (Parquet part written but not renamed, part renamed, checkpoint half written,
/// checkpoint not yet published, pre-training step, between RL sampling and update, inside a loss or task
/// evaluation) or after a random wall-clock delay. Several stops share an output folder (a resumed run is stopped
/// again), then the folder is run to completion and compared with the uninterrupted run. TP_FAULT_POINTS sets the
/// number of stops (default 20).
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output) : IDisposable
{
    internal const string Pipeline = """
        {
          "name": "fault-tiny",
          "seed": 7,
          "threads": 1,
          "corpora": {
            "narrow": { "domains": { "task:addition": 1 } },
            "broad": { "domains": { "task:addition": 1, "sort-trace": 1 } }
          },
          "held_out_domains": ["kv-records"],
          "model": { "preset": "nano-50k", "n_layer": 1, "d_model": 16, "context_length": 32 },
          "pretrain": {
            "batch_size": 4, "lr": 0.01, "warmup_steps": 2, "eval_every": 4, "eval_batches": 1, "checkpoint_every": 3,
            "phases": [
              { "name": "narrow", "corpus": "narrow", "tokens": 1280 },
              { "name": "broad", "corpus": "broad", "tokens": 1280 }
            ]
          },
          "rl": { "tasks": { "addition": 1 }, "held_out_tasks": ["subtraction"], "steps": 6, "prompts_per_step": 2,
                  "group_size": 2, "max_new_tokens": 4, "eval_every": 3, "eval_problems": 2, "pass_k": 1, "checkpoint_every": 2 }
        }
        """;

    private const int Seed = 20_251_123;
    private const int StopsPerFolder = 4;

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static int PointCount =>
        int.TryParse(Environment.GetEnvironmentVariable("TP_FAULT_POINTS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 20;

    [Fact]
    public void RunsStoppedAtRandomPointsResumeToExactlyTheUninterruptedResults()
    {
        var clock = Stopwatch.StartNew();
        var harness = new KillHarness(Pipeline, _workspace.Root);
        var plan = TestPlans.RealPlan(Pipeline);
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();

        // The uninterrupted run, which also counts how often it reaches each site.
        string reference = Path.Combine(_workspace.Root, "reference");
        var trace = harness.Trace(reference);
        Assert.True(trace.ExitCode == 0, trace.Output);
        Assert.All(FaultInjection.Sites.All, site => Assert.True(trace.Reached.GetValueOrDefault(site) > 0, $"the pipeline never reaches {site}"));
        var expectedSteps = TableSnapshot.Read(db, KillHarness.Results(reference), ResultTables.Steps);
        var expectedEvals = TableSnapshot.Read(db, KillHarness.Results(reference), ResultTables.Evals);
        Assert.Equal(10 + 10 + 6, expectedSteps.Rows.Count);
        output.WriteLine($"reference run: {trace.Work.TotalSeconds:F1} s after its first line; sites reached: " +
            string.Join(", ", trace.Reached.Select(r => $"{r.Key} ×{r.Value}")));

        var rng = new Random(Seed);
        var pending = new List<KillPoint>(Points(rng, PointCount, trace.Reached, trace.Work));
        var stops = new List<KillOutcome>();
        int checkpointsSeen = 0;
        for (int folder = 0; pending.Count > 0; folder++)
        {
            Assert.True(folder < 4 * PointCount, "too many stop points were missed; the run finished before each");
            string workspace = Path.Combine(_workspace.Root, $"folder-{folder}");
            bool completed = false;
            for (int attempt = 0; attempt < StopsPerFolder && pending.Count > 0 && !completed; attempt++)
            {
                var point = attempt == 0 ? pending[0] : pending.FirstOrDefault(p => StillAhead(p, workspace, plan)) ?? pending[0];
                pending.Remove(point);
                // A resumed process has less left to do, and so reaches each site fewer times.
                if (attempt > 0 && point.Site is not null) point = point with { Reach = 1 + rng.Next((point.Reach + 1) / 2) };
                var outcome = harness.RunUntil(workspace, point);
                output.WriteLine($"folder {folder}: {point}: exit {outcome.ExitCode} after {outcome.Elapsed.TotalSeconds:F1} s");
                if (outcome.Stopped)
                {
                    stops.Add(outcome);
                    checkpointsSeen += CheckStopped(db, workspace, plan, outcome);
                    continue;
                }
                // It finished first: the point was too late for this folder. Try it earlier, in a fresh folder.
                completed = true;
                pending.Add(point.Site is null ? point with { Delay = point.Delay / 2 } : point with { Reach = Math.Max(1, point.Reach / 2) });
            }
            if (!completed)
            {
                var (code, printed) = harness.Complete(workspace);
                Assert.True(code == 0, $"folder {folder}: the re-run after the stops failed (exit {code}):\n{printed}");
            }
            CheckCompleted(db, workspace, plan, expectedSteps, expectedEvals);
        }

        Assert.Equal(PointCount, stops.Count);
        if (PointCount >= 2 * FaultInjection.Sites.All.Count)
        {
            // Every site was a stop point, and so were wall-clock SIGKILLs and SIGTERMs.
            Assert.All(FaultInjection.Sites.All, site => Assert.Contains(stops, s => s.Point.Site == site));
            Assert.Contains(stops, s => s.Point.Site is null && s.Point.Signal == StopSignal.Kill);
            Assert.Contains(stops, s => s.Point.Site is null && s.Point.Signal == StopSignal.Term);
            Assert.Contains(stops, s => s.Point.Signal == StopSignal.Term && s.ExitCode == 1);
            Assert.True(checkpointsSeen > 0, "no SIGTERM stop was checked against the checkpoint it wrote");
        }
        output.WriteLine($"{stops.Count} stops ({stops.Count(s => s.Point.Signal == StopSignal.Kill)} SIGKILL, " +
            $"{stops.Count(s => s.Point.Signal == StopSignal.Term)} SIGTERM; {checkpointsSeen} SIGTERM checkpoints checked), " +
            $"{harness.Processes} processes, {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void AnUnknownFaultSiteIsBadInput()
    {
        var harness = new KillHarness(Pipeline, _workspace.Root);
        var outcome = harness.RunUntil(Path.Combine(_workspace.Root, "bad"), new KillPoint(StopSignal.Kill, "results.nowhere", 1, TimeSpan.Zero));
        Assert.True(outcome.ExitCode == 2, outcome.Output);
        Assert.Contains("TP_FAULT: environment variable: 'results.nowhere:1:kill' is not a fault to inject", outcome.Output, StringComparison.Ordinal);
        Assert.Contains(FaultInjection.Sites.CheckpointUnpublished, outcome.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Seeded stop points: two in three at a fault site (every site in turn, in a shuffled order, at a random one of
    /// the times the uninterrupted run reaches it), one in three after a random share of the uninterrupted run's
    /// working time; SIGKILL and SIGTERM alternate.
    /// </summary>
    private static List<KillPoint> Points(Random rng, int count, IReadOnlyDictionary<string, int> reached, TimeSpan work)
    {
        var sites = FaultInjection.Sites.All.OrderBy(_ => rng.Next()).ToList();
        var points = new List<KillPoint>();
        for (int i = 0, hooked = 0; i < count; i++)
        {
            var signal = i % 2 == 0 ? StopSignal.Kill : StopSignal.Term;
            if (i % 3 == 2)
            {
                points.Add(new KillPoint(signal, null, 0, rng.NextDouble() * work));
                continue;
            }
            string site = sites[hooked++ % sites.Count];
            points.Add(new KillPoint(signal, site, 1 + rng.Next(reached[site]), TimeSpan.Zero));
        }
        return points;
    }

    /// <summary>Whether a stop point can still be met in a folder: its stage has a run that is not complete.</summary>
    private static bool StillAhead(KillPoint point, string workspace, RunPlan plan)
    {
        StageKind? stage = point.Site switch
        {
            FaultInjection.Sites.PretrainStep or FaultInjection.Sites.EvalLoss => StageKind.Pretrain,
            FaultInjection.Sites.RlSampled or FaultInjection.Sites.EvalTask => StageKind.Rl,
            _ => null,
        };
        return stage is null || plan.Runs.Any(r => r.Stage.Kind == stage
            && RunLedger.LatestStatus(KillHarness.Results(workspace), r.Id) != RunStatus.Completed);
    }

    /// <summary>
    /// What must hold right after any stop: readable files; after a SIGTERM, a checkpoint of everything done. Returns
    /// how many such checkpoints it checked.
    /// </summary>
    private static int CheckStopped(DuckDBConnection db, string workspace, RunPlan plan, KillOutcome outcome)
    {
        string results = KillHarness.Results(workspace);
        var hidden = ResultFilesCheck.AssertEveryPartReadable(db, results);
        Assert.All(hidden, f => Assert.EndsWith(".tmp", f, StringComparison.Ordinal));
        string context = $"{outcome.Point}: exit {outcome.ExitCode}\n{outcome.Output}";
        Assert.DoesNotContain("error:", outcome.Output, StringComparison.Ordinal);
        if (outcome.Point.Signal == StopSignal.Kill)
        {
            Assert.True(outcome.ExitCode == 137, context);
            return 0;
        }
        // SIGTERM (always after the CLI installed its handler: stops come after its first line): checkpoint, exit 1.
        Assert.True(outcome.ExitCode == 1, context);
        Assert.Contains("SIGTERM: writing a checkpoint", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("interrupted: the last checkpoint is saved", outcome.Output, StringComparison.Ordinal);
        var saved = Regex.Matches(outcome.Output, @"\[(\S+) ([0-9a-f]{16})\] interrupted: steps and checkpoint saved through step (\d+)");
        foreach (Match m in saved)
        {
            string runId = m.Groups[2].Value;
            long step = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            var store = new CheckpointStore(Path.Combine(KillHarness.Models(workspace), plan.Experiment, runId));
            Assert.True(store.ReadState().Step == step, context);
            Assert.Equal(step, MaxStep(db, results, runId));
            Assert.Equal(RunStatus.Interrupted, RunLedger.LatestStatus(results, runId));
        }
        return saved.Count;
    }

    /// <summary>After the final re-run: the uninterrupted run's rows, each exactly once, and nothing left over.</summary>
    private static void CheckCompleted(DuckDBConnection db, string workspace, RunPlan plan, TableSnapshot expectedSteps, TableSnapshot expectedEvals)
    {
        string results = KillHarness.Results(workspace);
        var hidden = ResultFilesCheck.AssertEveryPartReadable(db, results);
        Assert.True(hidden.Count == 0, "temporary files left after a completed run: " + string.Join(", ", hidden));
        foreach (var expected in new[] { expectedSteps, expectedEvals })
        {
            var actual = TableSnapshot.Read(db, results, expected.Table);
            Assert.True(actual.FirstDifference(expected) is null, $"{workspace}: {actual.FirstDifference(expected)}");
            Assert.True(actual.RawRows == actual.Rows.Count,
                $"{workspace}: {expected.Table} holds {actual.RawRows - actual.Rows.Count} superseded rows that readers must drop:\n" +
                TableSnapshot.Duplicates(db, results, expected.Table));
        }
        Assert.All(plan.Runs, run => Assert.Equal(RunStatus.Completed, RunLedger.LatestStatus(results, run.Id)));
        var temporary = Directory.EnumerateFileSystemEntries(KillHarness.Models(workspace), "*.tmp", SearchOption.AllDirectories).ToList();
        Assert.True(temporary.Count == 0, "temporary checkpoint files left after a completed run: " + string.Join(", ", temporary));
    }

    private static long MaxStep(DuckDBConnection db, string results, string runId)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"select coalesce(max(step), 0) from read_parquet('{results}/steps/run_id={runId}/*.parquet')";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
