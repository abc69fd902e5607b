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
            var expected = ProblemSplits.Generate(family, 10 + i, 2, ProblemSplit.Train);
            Assert.Equal((expected.Prompt, expected.Answer, "addition", 2, expected.Seed),
                (rows[i].Prompt, rows[i].Answer, rows[i].Family, rows[i].Difficulty, rows[i].Seed));
        }
    }

    [Fact]
    public void TrainAndEvalPromptSetsOfAFamilyAreDisjoint()
    {
        // Addition at difficulty 2 has 8,100 problems: 2,000 train draws without the split would share prompts with
        // 300 eval draws (the old FromFamily drew every problem of the space, so both sides held eval problems).
        var train = Prompts(TaskDataViews.FromFamily(_ml, "addition", count: 2000, difficulty: 2));
        var eval = Prompts(TaskDataViews.FromFamily(_ml, "addition", count: 300, difficulty: 2, split: ProblemSplit.Eval));
        Assert.Equal(300, eval.Distinct().Count());
        Assert.Empty(train.Intersect(eval));
        Assert.All(train, p => Assert.Equal(ProblemSplit.Train, ProblemSplits.Of(p)));
        Assert.All(eval, p => Assert.Equal(ProblemSplit.Eval, ProblemSplits.Of(p)));
        // An eval split too small for the count is bad input naming the count.
        Assert.Equal("count", Assert.Throws<BadInputException>(() =>
            TaskDataViews.FromFamily(_ml, "addition", count: 500, difficulty: 1, split: ProblemSplit.Eval)).Field);
    }

    private List<string> Prompts(IDataView view) =>
        [.. _ml.Data.CreateEnumerable<TaskPromptRow>(view, reuseRowObject: false).Select(r => r.Prompt)];

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
        // arith-add renders addition problems: its evaluation stream holds eval problems only.
        Assert.Equal(SpecResolver.ResolveDomain("arith-add").Documents(7, TrainingPipeline.Data.CorpusRole.Evaluation).Take(3), texts);
        Assert.All(texts, t => Assert.Equal(ProblemSplit.Eval, ProblemSplits.Of(t[..t.IndexOf('\n')])));
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
