using Microsoft.ML;
using TrainingPipeline.MLNet;

namespace TrainingPipeline.Tests.MLNet;

[Collection(TinyCheckpoint.Collection)]
public sealed class MLContextExtensionsTests(TinyCheckpoint checkpoint)
{
    private sealed class Question
    {
        public string Text { get; set; } = "";
        public string Answer { get; set; } = "";
    }

    private sealed class Scored
    {
        public string Prompt { get; set; } = "";
        public string Completion { get; set; } = "";
        public float Reward { get; set; }
    }

    [Fact]
    public void CausalLmRunsAsOneStepOfAnMLNetPipeline()
    {
        var ml = new MLContext(seed: 1);
        var memorized = checkpoint.Memorized;
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new Question { Text = memorized.Prompt, Answer = memorized.Answer },
            new Question { Text = memorized.Prompt, Answer = memorized.Answer + "1" },
        });
        var pipeline = ml.Transforms.CopyColumns("Prompt", "Text")
            .Append(ml.Transforms.CausalLm(new CausalLmOptions(checkpoint.Folder, checkpoint.Config, MaxNewTokens: 12, TaskFamily: TinyCheckpoint.Family)));

        var model = pipeline.Fit(data);
        var rows = ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).ToList();
        model.LastTransformer.Dispose();

        // The same prompt, once with the right answer and once with a wrong one: the verifier decides the reward.
        Assert.Equal(rows[0].Completion, rows[1].Completion);
        Assert.Equal(new[] { 1f, 0f }, rows.Select(r => r.Reward));
    }
}
