using TrainingPipeline.Data;
using TrainingPipeline.Evaluation;
using TrainingPipeline.Model;
using TrainingPipeline.Tests.Data;
using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Evaluation;

/// <summary>Loss in nats per token and in bits per byte of the evaluated text (what compares tokenizers).</summary>
public sealed class LossEvaluatorTests : IDisposable
{
    private readonly TemporaryDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    private static readonly CorpusSpec Story = new("story", [new DomainWeight("nl-story", 1)], 4_000, 5);

    private static LossEstimate Evaluate(ITextTokenizer tokenizer, TokenCorpus corpus)
    {
        manual_seed(11);
        using var model = new Gpt(new ModelConfig(1, 2, 16, 32, tokenizer.VocabSize));
        return LossEvaluator.Evaluate(model, corpus, TokenBytes.Lengths(tokenizer), batchSize: 3, contextLength: 32, batches: 4, CPU);
    }

    [Fact]
    public void ForTheByteTokenizerBitsPerByteIsNatsPerTokenOverLnTwo()
    {
        var estimate = Evaluate(ByteTokenizer.Instance, TokenCorpus.Materialize(Story, ByteTokenizer.Instance, _cache.Path));
        Assert.Equal(estimate.Tokens, estimate.Bytes);
        Assert.Equal(estimate.Loss / Math.Log(2), estimate.BitsPerByte, 12);
        Assert.Equal(estimate.Stderr / Math.Log(2), estimate.BitsPerByteStderr, 12);
        Assert.True(estimate.Stderr > 0);
    }

    [Fact]
    public void ForABpeTokenizerBitsPerByteDividesTheTotalNatsByTheBytesOfTheTargets()
    {
        var tokenizer = CorpusTokenizers.Bpe(Story with { TokenBudget = 40_000 }, 400, _cache.Path, trainingChars: 40_000);
        var corpus = TokenCorpus.Materialize(Story, tokenizer, _cache.Path);
        var estimate = Evaluate(tokenizer, corpus);

        // The same windows the evaluator reads, counted by hand: bytes of every target token, <eod> as one.
        var loader = new BatchLoader(corpus, 3, 32, 1234);
        var inputs = new long[3 * 32];
        var targets = new long[3 * 32];
        long bytes = 0;
        for (int b = 0; b < 4; b++)
        {
            loader.Next(inputs, targets);
            // nl-story is ASCII, so each token decodes on its own to whole characters.
            bytes += targets.Sum(t => t == tokenizer.EndOfDocument ? 1 : System.Text.Encoding.UTF8.GetByteCount(tokenizer.Decode([(int)t])));
        }
        Assert.Equal(bytes, estimate.Bytes);
        Assert.True(estimate.Bytes > 1.5 * estimate.Tokens, $"{estimate.Bytes} bytes for {estimate.Tokens} tokens");
        Assert.Equal(estimate.Loss * estimate.Tokens / (Math.Log(2) * estimate.Bytes), estimate.BitsPerByte, 12);
    }

    [Fact]
    public void TokenByteLengthsAreTheBytesEachIdDecodesTo()
    {
        var tokenizer = BpeTokenizer.Train(DomainRegistry.Get("nl-story").Documents(2).Take(100), 320);
        var lengths = TokenBytes.Lengths(tokenizer);
        Assert.Equal(tokenizer.VocabSize, lengths.Length);
        Assert.Equal(1, lengths[tokenizer.EndOfDocument]);
        Assert.All(Enumerable.Range(0, 256), id => Assert.Equal(1, lengths[id]));
        string text = "Once upon a time the fox said hello.";
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), tokenizer.Encode(text).Sum(id => lengths[id]));
    }
}
