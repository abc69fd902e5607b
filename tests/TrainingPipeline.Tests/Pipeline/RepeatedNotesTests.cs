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
