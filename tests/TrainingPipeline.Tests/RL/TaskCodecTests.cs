using TrainingPipeline.Data;
using TrainingPipeline.RL;

namespace TrainingPipeline.Tests.RL;

/// <summary>Where generation stops, for the byte tokenizer and for a BPE that spells a blank line two ways.</summary>
public sealed class TaskCodecTests
{
    [Fact]
    public void TheByteTokenizerStopsAtABlankLineOrEndOfDocumentAsBefore()
    {
        var codec = new TaskCodec(ByteTokenizer.Instance);
        Assert.Equal([[10, 10], [ByteTokenizer.EndOfDocumentId]], codec.StopSequences);
    }

    [Fact]
    public void ABpeStopsAtABlankLineWhicheverWayItSpellsIt()
    {
        // Paragraphs separated by blank lines: "\n\n" becomes a merged token at the end of a text, while before more
        // text the pre-tokenizer splits it into "\n" + "\n", the way a model trained on the corpus writes it.
        var tokenizer = BpeTokenizer.Train(Enumerable.Repeat("Answer: 12\n\nWhat is 3 + 4?\n\n", 50), 300);
        var codec = new TaskCodec(tokenizer);
        int[] midText = tokenizer.Encode("7\n\nWhat");
        int[] newline = tokenizer.Encode("\n");
        Assert.Single(newline);
        Assert.Equal([newline[0], newline[0]], midText[1..3]);
        Assert.Single(tokenizer.Encode("\n\n"));
        Assert.Contains(codec.StopSequences, s => s.SequenceEqual(tokenizer.Encode("\n\n")));
        Assert.Contains(codec.StopSequences, s => s.SequenceEqual(midText[1..3]));
        Assert.Contains(codec.StopSequences, s => s.SequenceEqual([tokenizer.EndOfDocument]));
    }
}
