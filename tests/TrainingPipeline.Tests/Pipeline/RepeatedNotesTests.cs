using TrainingPipeline.Pipeline;
using TrainingPipeline.Training;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>A note every run repeats is printed once and summarised with a count (issue 17: 16 identical log notes).</summary>
public sealed class RepeatedNotesTests
{
    [Fact]
    public void SixteenNotesOfFourDomainsBecomeTheFirstNoteAndOneCountedLine()
    {
        var output = new StringWriter();
        var notes = new RepeatedNotes(new LineProgress(output));
        string[] domains = ["task:addition@2", "task:subtraction@2", "task:code-trace@2", "task:list-ops"];
        for (var run = 0; run < 4; run++)
        {
            notes.Log($"[pretrain_narrow run{run}] done");
            foreach (var domain in domains)
                notes.Note(PretrainStage.TooFewDocumentsNote, domain, $"note: domain '{domain}' has too few distinct documents");
        }
        notes.Flush();

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var noteLines = lines.Where(l => l.StartsWith("note:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, noteLines.Count);
        Assert.StartsWith("note: domain 'task:addition@2' has too few distinct documents (repeats of this note are counted", noteLines[0]);
        Assert.Equal($"note: {PretrainStage.TooFewDocumentsNote} (×16): task:addition@2 (×4), task:subtraction@2 (×4), task:code-trace@2 (×4), task:list-ops (×4)",
            noteLines[1]);
        Assert.Equal(4, lines.Count(l => l.EndsWith("done", StringComparison.Ordinal))); // other lines pass through
    }

    [Fact]
    public void ANoteSeenOnceIsNotSummarisedAgain()
    {
        var output = new StringWriter();
        var notes = new RepeatedNotes(new LineProgress(output));
        notes.Note("h", "only", "note: once");
        notes.Flush();
        Assert.Equal(["note: once (repeats of this note are counted and summarised at the end)"], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void PlainSinksLogTheNoteAsBefore()
    {
        var output = new StringWriter();
        IProgressSink sink = new LineProgress(output);
        sink.Note("h", "s", "note: message");
        Assert.Equal("note: message", output.ToString().Trim());
    }
}

/// <summary>The runner prints a small domain's evaluation note once per invocation, not once per run.</summary>
public sealed class RepeatedNotesInTheRunnerTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    // Two phases that both evaluate task:addition@1 (100 problems: too few for a disjoint evaluation set of 40 batches).
    private const string Spec = """
        {
          "name": "notes",
          "seed": 5,
          "threads": 1,
          "corpora": { "narrow": { "domains": { "task:addition@1": 1 } }, "broad": { "domains": { "task:addition@1": 1, "sort-trace": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 16, "context_length": 16 },
          "pretrain": { "batch_size": 2, "eval_batches": 40, "phases": [
            { "name": "narrow", "corpus": "narrow", "tokens": 64 }, { "name": "broad", "corpus": "broad", "tokens": 64 } ] }
        }
        """;

    [Fact]
    public void ASmallDomainNotedByEveryRunIsPrintedOnceWithACount()
    {
        var output = new StringWriter();
        var env = _workspace.Environment(new LineProgress(output));

        new PipelineRunner(env).Run(Config.TestPlans.RealPlan(Spec));

        var notes = output.ToString().Split('\n').Where(l => l.StartsWith("note:", StringComparison.Ordinal)).ToList();
        Assert.Single(notes, l => l.StartsWith("note: domain 'task:addition@1' has too few distinct documents", StringComparison.Ordinal));
        Assert.Single(notes, l => l.StartsWith($"note: {PretrainStage.TooFewDocumentsNote} (×", StringComparison.Ordinal) && l.Contains("task:addition@1 (×2)"));
    }
}
