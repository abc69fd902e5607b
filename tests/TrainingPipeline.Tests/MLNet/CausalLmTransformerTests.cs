using Microsoft.ML;
using Microsoft.ML.Data;
using TrainingPipeline.Data;
using TrainingPipeline.MLNet;
using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TrainingPipeline.Tests.MLNet;

[Collection(TinyCheckpoint.Collection)]
public sealed class CausalLmTransformerTests(TinyCheckpoint checkpoint)
{
    private const int MaxNewTokens = 12;
    private const int Rows = 4;
    private readonly MLContext _ml = new(seed: 1);

    /// <summary>What an ML.NET user reads back: the input columns and the transformer's outputs.</summary>
    private sealed class ScoredRow
    {
        public string Prompt { get; set; } = "";
        public string Answer { get; set; } = "";
        public int Difficulty { get; set; }
        public long Seed { get; set; }
        public string Completion { get; set; } = "";
        public float LogProbability { get; set; }
        public float Reward { get; set; }
    }

    private CausalLmOptions Options(double temperature = 0, string? family = TinyCheckpoint.Family) =>
        new(checkpoint.Folder, checkpoint.Config, MaxNewTokens, temperature, Seed: 3, TaskFamily: family);

    private IDataView Prompts() =>
        TaskDataViews.FromFamily(_ml, TinyCheckpoint.Family, Rows, TinyCheckpoint.Difficulty, TinyCheckpoint.MemorizedSeed);

    [Fact]
    public void OutputSchemaAppendsCompletionLogProbabilityAndRewardAfterTheInputColumns()
    {
        var prompts = Prompts();
        using var transformer = _ml.Transforms.CausalLm(Options()).Fit(prompts);
        var scored = transformer.Transform(prompts);

        var names = scored.Schema.Select(c => c.Name).ToList();
        Assert.Equal(prompts.Schema.Select(c => c.Name).Concat(["Completion", "LogProbability", "Reward"]), names);
        Assert.IsType<TextDataViewType>(scored.Schema["Completion"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["LogProbability"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Reward"].Type);
        Assert.Equal(names, transformer.GetOutputSchema(prompts.Schema).Select(c => c.Name));
        Assert.Equal(Rows, scored.GetRowCount());
        Assert.False(transformer.IsRowToRowMapper);
        Assert.Equal((TinyCheckpoint.RunId, 200L), (transformer.RunId, transformer.Step));
    }

    [Fact]
    public void GreedyRowsMatchTheSamplerTheirLogProbabilitiesAndTheVerifier()
    {
        var prompts = Prompts();
        using var transformer = _ml.Transforms.CausalLm(Options()).Fit(prompts);
        var rows = _ml.Data.CreateEnumerable<ScoredRow>(transformer.Transform(prompts), reuseRowObject: false).ToList();
        Assert.Equal(Rows, rows.Count);

        using var model = checkpoint.LoadModel();
        var codec = new TaskCodec(ByteTokenizer.Instance);
        var family = TaskRegistry.Get(TinyCheckpoint.Family);
        foreach (var row in rows)
        {
            var promptTokens = ByteTokenizer.Instance.Encode(row.Prompt);
            var expected = Sampler.Generate(model, [promptTokens],
                new SamplingOptions(MaxNewTokens, Temperature: 0, StopSequences: codec.StopSequences), null).Tokens[0];
            Assert.Equal(codec.DecodeCompletion(expected), row.Completion);
            Assert.Equal(LogProbabilityOf(model, promptTokens, expected), row.LogProbability, 1e-4f);
            Assert.True(row.LogProbability < 0);
            var problem = family.Generate(row.Seed, row.Difficulty);
            Assert.Equal((float)family.Score(problem, row.Completion).Reward, row.Reward);
        }
        // The memorized problem is solved, so the reward column carries real verdicts, not only zeros.
        Assert.Equal(checkpoint.Memorized.Solution + "\n", rows[0].Completion);
        Assert.Equal(1f, rows[0].Reward);
    }

    [Fact]
    public void SampledRowsAreReproducibleAcrossPassesAndScoredUnderTheModel()
    {
        var prompts = Prompts();
        using var transformer = _ml.Transforms.CausalLm(Options(temperature: 1.5)).Fit(prompts);
        var scored = transformer.Transform(prompts);
        var first = _ml.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false).ToList();
        var second = _ml.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false).ToList();

        Assert.Equal(first.Select(r => (r.Completion, r.LogProbability)), second.Select(r => (r.Completion, r.LogProbability)));
        using var model = checkpoint.LoadModel();
        for (int i = 0; i < first.Count; i++)
        {
            // Sampled bytes need not be valid UTF-8, so take the tokens from Complete (same row seed) rather than
            // re-encoding the decoded text; the log-probability is still recomputed independently.
            var again = transformer.Complete(first[i].Prompt, rowIndex: i);
            Assert.Equal(first[i].Completion, again.Completion);
            Assert.Equal(LogProbabilityOf(model, ByteTokenizer.Instance.Encode(first[i].Prompt), again.CompletionTokens), first[i].LogProbability, 1e-4f);
        }
    }

    [Fact]
    public void WithoutATaskFamilyThereIsNoRewardColumnAndAnswerIsOptional()
    {
        var prompts = _ml.Data.LoadFromEnumerable(new[] { new EvalTextRow { Text = "What is 1 + 2?\n" } });
        var renamed = _ml.Transforms.CopyColumns("Prompt", "Text").Fit(prompts).Transform(prompts);
        using var transformer = _ml.Transforms.CausalLm(Options(family: null)).Fit(renamed);
        var scored = transformer.Transform(renamed);

        Assert.Null(scored.Schema.GetColumnOrNull("Reward"));
        using var cursor = scored.GetRowCursor(scored.Schema);
        var completion = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Completion"]);
        Assert.True(cursor.MoveNext());
        var text = default(ReadOnlyMemory<char>);
        completion(ref text);
        Assert.Equal(transformer.Complete("What is 1 + 2?\n").Completion, text.ToString());
        Assert.False(cursor.MoveNext());
    }

    [Fact]
    public void AMissingPromptColumnIsAClearError()
    {
        var prompts = Prompts();
        using var transformer = _ml.Transforms.CausalLm(Options()).Fit(prompts);
        var texts = TaskDataViews.EvalTexts(_ml, ["no prompt column here"]);

        var error = Assert.Throws<BadInputException>(() => transformer.Transform(texts));
        Assert.Equal("Prompt", error.Field);
        Assert.Contains("no column 'Prompt'", error.Message);
        Assert.Equal("Prompt", Assert.Throws<BadInputException>(() => transformer.GetOutputSchema(texts.Schema)).Field);
    }

    [Fact]
    public void ARowOfAnotherFamilyIsNotScoredWithTheConfiguredVerifier()
    {
        var subtraction = TaskDataViews.FromFamily(_ml, "subtraction", 1, 1);
        using var transformer = _ml.Transforms.CausalLm(Options()).Fit(subtraction);
        var scored = transformer.Transform(subtraction);
        using var cursor = scored.GetRowCursor(scored.Schema);
        var reward = cursor.GetGetter<float>(scored.Schema["Reward"]);
        Assert.True(cursor.MoveNext());
        float value = 0;

        var error = Assert.Throws<BadInputException>(() => reward(ref value));
        Assert.Equal("row 0: Family", error.Field);
        Assert.Contains("'subtraction'", error.Message);
    }

    [Fact]
    public void APromptThatFillsTheContextIsBadInputNamingTheRow()
    {
        using var transformer = CausalLmTransformer.Load(Options(family: null));
        var error = Assert.Throws<BadInputException>(() => transformer.Complete(new string('x', checkpoint.Config.ContextLength), rowIndex: 5));
        Assert.Contains("row 5", error.Field);
    }

    [Fact]
    public void SavingAsAnMLNetModelFileIsRefusedWithTheReason()
    {
        var prompts = Prompts();
        using var transformer = _ml.Transforms.CausalLm(Options()).Fit(prompts);
        using var stream = new MemoryStream();
        var error = Assert.Throws<NotSupportedException>(() => _ml.Model.Save(transformer, prompts.Schema, stream));
        Assert.Contains("checkpoint folder already is the saved model", error.Message);
    }

    /// <summary>Sum of log p(completion token | preceding tokens), recomputed from one full forward pass.</summary>
    private static float LogProbabilityOf(Gpt model, int[] prompt, int[] completion)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = prompt.Concat(completion).Select(t => (long)t).ToArray();
        var logSoftmax = F.log_softmax(model.forward(tensor(tokens).view(1, -1)), -1)[0];
        float total = 0;
        for (int i = 0; i < completion.Length; i++)
            total += logSoftmax[prompt.Length - 1 + i, completion[i]].item<float>();
        return total;
    }
}
