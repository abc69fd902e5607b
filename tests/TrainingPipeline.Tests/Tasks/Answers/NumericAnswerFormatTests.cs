using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tests.Tasks.Answers;

public class NumericAnswerFormatTests
{
    private static string? Canonical(string text) => NumericAnswerFormat.Instance.Canonicalize(text);

    [Theory]
    [InlineData("18", "18")]
    [InlineData(" 18 ", "18")]
    [InlineData("+18", "18")]
    [InlineData("-18", "-18")]
    [InlineData("−18", "-18")]
    [InlineData("$18", "18")]
    [InlineData("-$1,200", "-1200")]
    [InlineData("$1,200.50", "2401/2")]
    [InlineData("1,234,567", "1234567")]
    [InlineData("18.0", "18")]
    [InlineData("18.50 dollars", "37/2")]
    [InlineData("0.5", "1/2")]
    [InlineData("1/2", "1/2")]
    [InlineData("2/4", "1/2")]
    [InlineData("3 / 4", "3/4")]
    [InlineData("-6/4", "-3/2")]
    [InlineData("12 eggs", "12")]
    [InlineData("50%", "50")]
    [InlineData("18.", "18")]
    [InlineData("€7", "7")]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    public void OneNumberIsCanonicalized(string text, string expected) => Assert.Equal(expected, Canonical(text));

    [Theory]
    [InlineData("")]
    [InlineData("eighteen")]
    [InlineData("5 or 6")]
    [InlineData("1 2 3")]
    [InlineData("5,6")]
    [InlineData("12,34")]
    [InlineData("1.2.3")]
    [InlineData("1/0")]
    [InlineData("3-5")]
    [InlineData("x2")]
    [InlineData("9 * 2 = 18")]
    public void AnythingButExactlyOneNumberIsRejected(string text) => Assert.Null(Canonical(text));

    [Theory]
    [InlineData("18", "18.01")]
    [InlineData("18", "180")]
    [InlineData("18", "-18")]
    [InlineData("1/3", "0.333")]
    [InlineData("1/3", "0.3333333333")]
    [InlineData("1200", "1,20")]
    [InlineData("2/3", "3/2")]
    public void NearMissesDiffer(string a, string b) => Assert.NotEqual(Canonical(a), Canonical(b));

    [Theory]
    [InlineData("0.75", "3/4")]
    [InlineData("1,000", "1000.00")]
    [InlineData("$5", "5 dollars")]
    [InlineData("10/12", "5/6")]
    public void EqualValuesAgree(string a, string b) => Assert.Equal(Canonical(a), Canonical(b));
}
