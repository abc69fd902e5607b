namespace TrainingPipeline.RL;

/// <summary>
/// How much to subtract from a completion's reward for its length. With no buffer, a constant
/// <c>overlong_penalty</c> on completions that hit <c>max_new_tokens</c>. With a buffer of b tokens, DAPO's soft
/// overlong punishment (Yu et al. 2025, eq. 13): nothing up to max_new_tokens − b, then a penalty rising linearly
/// with the length to the full <c>overlong_penalty</c> at max_new_tokens, so the model learns that length costs
/// before it is cut off, and an answer that ends one token short is not treated as one that would have gone on.
/// </summary>
public static class OverlongPenalty
{
    public static double For(int completionTokens, bool truncated, int maxNewTokens, double penalty, int buffer)
    {
        if (penalty == 0) return 0;
        if (truncated) return penalty; // cut off: the answer never ended (also when the context, not max_new_tokens, cut it)
        if (buffer <= 0) return 0;
        int free = maxNewTokens - buffer;
        if (completionTokens <= free) return 0;
        return penalty * Math.Min(1.0, (double)(completionTokens - free) / buffer);
    }
}
