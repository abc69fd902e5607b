using CsCheck;
using TrainingPipeline.Data;

namespace TrainingPipeline.Tests.Data;

public class ByteTokenizerTests
{
    /// <summary>Strings of arbitrary Unicode scalar values (any plane, no lone surrogates), which UTF-8 can carry.</summary>
    internal static readonly Gen<string> ValidText =
        Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF).Array[0, 40]
            .Select(codePoints => string.Concat(codePoints.Select(char.ConvertFromUtf32)));

    [Fact]
    public void RoundTripsAnyValidString() =>
        ValidText.Sample(text => ByteTokenizer.Instance.Decode(ByteTokenizer.Instance.Encode(text)) == text);

    [Fact]
    public void RoundTripsDocumentsOfEveryDomain()
    {
        foreach (var document in DomainRegistry.All.SelectMany(d => d.Documents(5).Take(50)))
            Assert.Equal(document, ByteTokenizer.Instance.Decode(ByteTokenizer.Instance.Encode(document)));
    }

    [Fact]
    public void EncodesUtf8BytesAndNeverTheEndOfDocumentToken()
    {
        var ids = ByteTokenizer.Instance.Encode("aé<eod>");
        Assert.Equal(new[] { 97, 0xC3, 0xA9, 60, 101, 111, 100, 62 }, ids);
        Assert.DoesNotContain(ByteTokenizer.EndOfDocumentId, ids);
    }

    [Fact]
    public void DecodesEndOfDocumentAsMarker() =>
        Assert.Equal("a<eod>b", ByteTokenizer.Instance.Decode([97, 256, 98]));

    [Fact]
    public void RejectsIdsOutsideTheVocabulary() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteTokenizer.Instance.Decode([257]));
}
