using TrainingPipeline.Data;
using TrainingPipeline.Model;
using TrainingPipeline.Tasks;
using TrainingPipeline.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.MLNet;

/// <summary>
/// A real checkpoint folder holding a tiny GPT that has memorized one addition problem's solution, so greedy
/// decoding earns reward 1 on that problem and (almost surely) 0 on others: the Reward column is exercised with both
/// values, not only with a random model's zeros. Trained once and shared by every test class of the collection.
/// </summary>
public sealed class TinyCheckpoint : IDisposable
{
    public const string Collection = "MLNet tiny checkpoint";
    public const string RunId = "mlnet-test-run";
    public const string Family = "addition";
    public const int Difficulty = 1;
    /// <summary>The seed of the memorized problem; prompt sets start here so it is row 0.</summary>
    public const long MemorizedSeed = 0;

    public ModelConfig Config { get; } = new(NLayer: 1, NHead: 2, DModel: 32, ContextLength: 32, VocabSize: ByteTokenizer.Instance.VocabSize);
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "tp-mlnet-" + Guid.NewGuid().ToString("N")[..12], "models", "exp", RunId);
    /// <summary>The train-split problem at the seed, as <c>TaskDataViews.FromFamily</c> draws it.</summary>
    public TaskProblem Memorized { get; } = ProblemSplits.Generate(TaskRegistry.Get(Family), MemorizedSeed, Difficulty, ProblemSplit.Train);

    public TinyCheckpoint()
    {
        random.manual_seed(1234);
        using var model = new Gpt(Config);
        // Prompt + solution + the blank line that ends an answer (the stop sequence).
        var document = ByteTokenizer.Instance.Encode(Memorized.Prompt + Memorized.Solution + "\n");
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.02);
        using (var sequence = tensor(document.Select(t => (long)t).ToArray()).view(1, -1))
        {
            var inputs = sequence.narrow(1, 0, document.Length - 1);
            var targets = sequence.narrow(1, 1, document.Length - 1);
            model.train();
            for (int step = 0; step < 200; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var logits = model.forward(inputs);
                var loss = nn.functional.cross_entropy(logits.view(-1, Config.VocabSize), targets.reshape(-1));
                loss.backward();
                optimizer.step();
            }
        }
        new CheckpointStore(Folder).Save(new TrainingState(RunId, 200, 0, 0, 0, 0, 0, null, "unused"), model, null);
    }

    /// <summary>A fresh model with the checkpoint's weights, loaded without the ML.NET surface.</summary>
    public Gpt LoadModel()
    {
        var model = new Gpt(Config);
        new CheckpointStore(Folder).Load(RunId, model, optimizer: null);
        model.eval();
        return model;
    }

    public void Dispose()
    {
        var root = Path.GetFullPath(Path.Combine(Folder, "..", "..", ".."));
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}

[CollectionDefinition(TinyCheckpoint.Collection)]
public sealed class TinyCheckpointCollection : ICollectionFixture<TinyCheckpoint>;
