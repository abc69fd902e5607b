using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests;

/// <summary>The report states the contamination check's count (AnalysisStage.ContaminationNote).</summary>
public class ContaminationNoteTests
{
    private static ContaminationRow Row(string run, string family, long prompts, long contaminated) =>
        new(run, family, "in_distribution", prompts, contaminated, DateTime.UtcNow);

    [Fact]
    public void ACleanCheckIsStatedWithItsCount()
    {
        var note = AnalysisStage.ContaminationNote([Row("a", "addition", 500, 0), Row("b", "addition", 500, 0)]);
        Assert.Equal("contamination: 0 of 1,000 evaluation prompts (2 RL runs) occur in training data", note);
    }

    [Fact]
    public void ContaminatedFamiliesAreNamed()
    {
        var note = AnalysisStage.ContaminationNote([Row("a", "addition", 500, 0), Row("a", "sorting", 500, 49)]);
        Assert.Contains("49 of 1,000", note);
        Assert.Contains("sorting (49)", note);
        Assert.Contains("not clean", note);
    }

    [Fact]
    public void TheEvalVerbsChecksAreNotTheRlRunsCount()
    {
        // The eval verb checked other problems of the same run (stage eval): the laws do not fit those rows.
        var note = AnalysisStage.ContaminationNote([Row("a", "addition", 500, 0), Row("a", "addition", 3, 3) with { Stage = RunStage.Eval }]);
        Assert.Equal("contamination: 0 of 500 evaluation prompts (1 RL runs) occur in training data", note);
    }

    [Fact]
    public void DatasetsWithoutTheCheckSaySo()
    {
        Assert.Contains("no contamination check is recorded", AnalysisStage.ContaminationNote([]));
        // A pre-training-only dataset has nothing to check; it is not mistaken for old results.
        Assert.StartsWith("contamination: no RL runs, so no task prompts to check", AnalysisStage.ContaminationNote([], hasRlRuns: false));
    }
}
