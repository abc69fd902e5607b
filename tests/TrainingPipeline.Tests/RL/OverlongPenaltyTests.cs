using TrainingPipeline.RL;

namespace TrainingPipeline.Tests.RL;

public class OverlongPenaltyTests
{
    [Fact]
    public void WithoutABufferOnlyTruncatedCompletionsPayTheConstant()
    {
        Assert.Equal(0.5, OverlongPenalty.For(24, truncated: true, maxNewTokens: 24, penalty: 0.5, buffer: 0));
        Assert.Equal(0.0, OverlongPenalty.For(24, truncated: false, maxNewTokens: 24, penalty: 0.5, buffer: 0));
        Assert.Equal(0.0, OverlongPenalty.For(24, truncated: true, maxNewTokens: 24, penalty: 0, buffer: 0));
    }

    [Fact]
    public void WithABufferThePenaltyRisesLinearlyOverTheLastTokens()
    {
        // max_new_tokens 24, buffer 8: free up to 16 tokens, then 1/8 of the penalty per token, full at 24.
        double P(int length, bool truncated = false) => OverlongPenalty.For(length, truncated, 24, penalty: 1.0, buffer: 8);
        Assert.Equal(0.0, P(10));
        Assert.Equal(0.0, P(16));
        Assert.Equal(0.125, P(17), 12);
        Assert.Equal(0.5, P(20), 12);
        Assert.Equal(1.0, P(24), 12);
        Assert.Equal(1.0, P(24, truncated: true), 12);
        // Cut off by the context before max_new_tokens: still an answer that never ended.
        Assert.Equal(1.0, P(12, truncated: true), 12);
    }
}
