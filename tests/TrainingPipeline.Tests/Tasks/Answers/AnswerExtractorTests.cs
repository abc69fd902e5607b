using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tests.Tasks.Answers;

public class AnswerExtractorTests
{
    private static Verdict Numeric(string completion, string reference = "18") =>
        AnswerVerifier.Verify(completion, reference, NumericAnswerFormat.Instance);

    private static Verdict Text(string completion, string reference = "2 5 9") =>
        AnswerVerifier.Verify(completion, reference, TextAnswerFormat.CaseSensitive);

    [Theory]
    [InlineData("Answer: 18\n")]
    [InlineData("9 * 2 = 18\nAnswer: 18\n")]
    [InlineData("answer: 18")]
    [InlineData("Final answer: $18.")]
    [InlineData("**Answer:** 18")]
    [InlineData("She makes 9 * 2 = $18.\n#### 18")]
    [InlineData("####18")]
    [InlineData("So the answer is 18.")]
    [InlineData("The answer is: 18 dollars. Because 9 * 2 = 18")]
    [InlineData("The answer is 18.\nAnswer: 18")]
    [InlineData("\\boxed{18}")]
    [InlineData("9 * 2 = 18")]
    [InlineData("She makes 9 * 2 = $18 every day")]
    [InlineData("So she makes 18 dollars.\n")]
    [InlineData("Answer: 18.00")]
    [InlineData("Answer: 36/2")]
    public void AcceptedFormsOfTheCorrectAnswer(string completion) =>
        Assert.Equal(VerdictReason.Correct, Numeric(completion).Reason);

    [Theory]
    [InlineData("Answer: 17")]
    [InlineData("Answer: 180")]
    [InlineData("Answer: -18")]
    [InlineData("Answer: 18.5")]
    [InlineData("#### 1,8")]
    [InlineData("9 * 2 = 19")]
    public void WrongValuesScoreZero(string completion)
    {
        var verdict = Numeric(completion);
        Assert.Equal(0.0, verdict.Reward);
        Assert.NotEqual(VerdictReason.Correct, verdict.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n  \n")]
    [InlineData("9 * 2 =")]                              // truncated mid-way
    [InlineData("Answer:")]                              // truncated after the marker
    [InlineData("Answer: 17 18 19")]                     // several candidates in one claim
    [InlineData("Answer: 18 or 19")]
    [InlineData("Answer: 17\nAnswer: 18")]               // changing one's mind after committing
    [InlineData("Answer: 18\nAnswer: 17")]
    [InlineData("The answer is 17. The answer is 18.")]  // repeated phrase with different values
    [InlineData("the answer is 16\nthe answer is 17\nthe answer is 18\n#### 18")]
    [InlineData("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18")]  // number spraying without a marker
    [InlineData("16, 17, 18")]
    [InlineData("Answer: eighteen")]
    [InlineData("The answer is")]
    [InlineData("Answer: \u200b18")]                     // invisible characters: what a reader sees is not what is scored
    [InlineData("Answer: 18\u0000")]
    [InlineData("Answer: \u202e81")]                     // a bidi override shows "18" for 81
    [InlineData("9 * 2 = 18\u001b[0m")]                  // also on the last line without a marker
    [InlineData("the answer is the answer is 18")]       // a phrase's claim ends at the next phrase: the first is empty
    [InlineData("Answer: 18000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")] // > 100 digits
    public void GamingOrMissingAnswersScoreZero(string completion)
    {
        var verdict = Numeric(completion);
        Assert.Equal(0.0, verdict.Reward);
        Assert.Equal(VerdictReason.Unparseable, verdict.Reason);
    }

    [Fact]
    public void AnUnusableAnswerPaddedWithSpacesIsRejectedNotAnError()
    {
        // A sampled completion of a held-out family: a short claim and trailing blanks, over 40 characters only
        // untrimmed. Shortening it for the verdict's detail used to cut the trimmed text at 40 and throw.
        var verdict = Numeric("Answer: 1 2" + new string(' ', 45));
        Assert.Equal(VerdictReason.Unparseable, verdict.Reason);
        Assert.Contains("'1 2'", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void SprayingEveryNumberNeverHitsAnyTarget()
    {
        var spray = string.Join("\n", Enumerable.Range(0, 100).Select(i => $"The answer is {i}."));
        var allMarkers = string.Join("\n", Enumerable.Range(0, 100).Select(i => $"Answer: {i}"));
        for (var target = 0; target < 100; target++)
        {
            Assert.Equal(0.0, Numeric(spray, target.ToString()).Reward);
            Assert.Equal(0.0, Numeric(allMarkers, target.ToString()).Reward);
            Assert.Equal(0.0, Text(allMarkers, target.ToString()).Reward);
        }
    }

    [Theory]
    [InlineData("Answer: 2 5 9")]
    [InlineData("Answer: [2, 5, 9]")]
    [InlineData("Answer: 2, 5, 9.")]
    [InlineData("sorted\nThe answer is 2 5 9.")]
    [InlineData("#### 2 5 9")]
    public void TextAnswersIgnoreSeparators(string completion) =>
        Assert.Equal(VerdictReason.Correct, Text(completion).Reason);

    [Theory]
    [InlineData("Answer: 2 9 5", VerdictReason.WrongAnswer)]
    [InlineData("Answer: 2 5", VerdictReason.WrongAnswer)]
    [InlineData("Answer: 2 5 9 9", VerdictReason.WrongAnswer)]
    [InlineData("2 5 9", VerdictReason.Unparseable)]              // text families need a marker
    [InlineData("Answer: 2 5 9\nAnswer: 9 5 2", VerdictReason.Unparseable)]
    public void TextAnswersMustMatchExactly(string completion, VerdictReason reason)
    {
        var verdict = Text(completion);
        Assert.Equal(0.0, verdict.Reward);
        Assert.Equal(reason, verdict.Reason);
    }

    [Fact]
    public void CaseSensitivityIsTheFormatsChoice()
    {
        Assert.Equal(0.0, AnswerVerifier.Verify("Answer: ABC", "abc", TextAnswerFormat.CaseSensitive).Reward);
        Assert.Equal(1.0, AnswerVerifier.Verify("Answer: True", "true", TextAnswerFormat.CaseInsensitive).Reward);
    }
}
