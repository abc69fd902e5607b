using Microsoft.ML;
using Microsoft.ML.Data;
using TrainingPipeline.Config;
using TrainingPipeline.MLNet;
using TrainingPipeline.Results;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.MLNet;

public sealed class TaskDataViewsTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void FamilyPromptSetHasTheDocumentedColumnsAndTheGeneratedProblems()
    {
        var view = TaskDataViews.FromFamily(_ml, "addition", count: 4, difficulty: 2, firstSeed: 10);

        Assert.Equal(new[] { "Prompt", "Answer", "Family", "Difficulty", "Seed" }, view.Schema.Select(c => c.Name));
        Assert.IsType<TextDataViewType>(view.Schema["Prompt"].Type);
        Assert.IsType<TextDataViewType>(view.Schema["Answer"].Type);
        Assert.Equal(NumberDataViewType.Int32, view.Schema["Difficulty"].Type);
        Assert.Equal(NumberDataViewType.Int64, view.Schema["Seed"].Type);

        var rows = _ml.Data.CreateEnumerable<TaskPromptRow>(view, reuseRowObject: false).ToList();
        var family = TaskRegistry.Get("addition");
        Assert.Equal(4, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var expected = family.Generate(10 + i, 2);
            Assert.Equal((expected.Prompt, expected.Answer, "addition", 2, 10L + i),
                (rows[i].Prompt, rows[i].Answer, rows[i].Family, rows[i].Difficulty, rows[i].Seed));
        }
    }

    [Fact]
    public void Gsm8kPromptSetHoldsEveryLineInFileOrder()
    {
        var path = Path.Combine(Path.GetTempPath(), "tp-mlnet-gsm8k-" + Guid.NewGuid().ToString("N")[..8] + ".jsonl");
        File.WriteAllLines(path,
        [
            """{"question": "Tom has 3 apples and buys 4. How many?", "answer": "3+4=<<3+4=7>>7\nHe has 7.\n#### 7"}""",
            """{"question": "Ann had 1,000 pens and gave away 1. How many are left?", "answer": "1000-1=999\nShe has 999.\n#### 999"}""",
        ]);
        try
        {
            var rows = _ml.Data.CreateEnumerable<TaskPromptRow>(TaskDataViews.FromGsm8k(_ml, path), reuseRowObject: false).ToList();

            Assert.Equal(new[] { "7", "999" }, rows.Select(r => r.Answer));
            Assert.Equal(new[] { 0L, 1L }, rows.Select(r => r.Seed));
            Assert.All(rows, r => Assert.Equal("gsm8k", r.Family));
            Assert.Equal("Tom has 3 apples and buys 4. How many?\n", rows[0].Prompt);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EvalTextsFromADomainAreItsFirstDocuments()
    {
        var view = TaskDataViews.EvalTextsFromDomain(_ml, "arith-add", count: 3, seed: 7);

        Assert.Equal(new[] { "Text" }, view.Schema.Select(c => c.Name));
        var texts = _ml.Data.CreateEnumerable<EvalTextRow>(view, reuseRowObject: false).Select(r => r.Text).ToList();
        Assert.Equal(SpecResolver.ResolveDomain("arith-add").Documents(7).Take(3), texts);
        Assert.All(texts, t => Assert.False(string.IsNullOrEmpty(t)));
    }

    [Fact]
    public void BadCountsAndDifficultiesAreBadInput()
    {
        Assert.Equal("count", Assert.Throws<BadInputException>(() => TaskDataViews.FromFamily(_ml, "addition", 0, 1)).Field);
        Assert.Equal("difficulty", Assert.Throws<BadInputException>(() => TaskDataViews.FromFamily(_ml, "addition", 2, 99)).Field);
        Assert.Throws<BadInputException>(() => TaskDataViews.FromFamily(_ml, "no-such-family", 2, 1));
        Assert.Throws<BadInputException>(() => TaskDataViews.FromGsm8k(_ml, "/nonexistent/gsm8k.jsonl"));
    }
}
