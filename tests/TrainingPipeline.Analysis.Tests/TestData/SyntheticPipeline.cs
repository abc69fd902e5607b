namespace TrainingPipeline.Analysis.Tests.TestData;

/// <summary>
/// A results folder as a small pipeline would leave it: pre-training runs on a 3×3 grid of model sizes and token
/// budgets whose loss follows a known Chinchilla law, and RL runs of several breadths whose pass@1 rises as a
/// sigmoid in log RL compute.
/// </summary>
internal static class SyntheticPipeline
{
    public const double E = 1.5, A = 40, B = 80, Alpha = 0.3, Beta = 0.3;

    public static double Loss(double n, double d) => E + A / Math.Pow(n, Alpha) + B / Math.Pow(d, Beta);

    public static void WritePretraining(ResultsFolderBuilder results, double[] sizes, double[] tokenBudgets)
    {
        foreach (var n in sizes)
            foreach (var d in tokenBudgets)
            {
                var id = $"pt-{n:0}-{d:0}";
                results.Run(id, "pretrain_narrow", (long)n, status: "running");
                for (var step = 1; step <= 4; step++)
                {
                    var tokens = (long)(d * step / 4);
                    var flops = 6 * n * tokens;
                    results.Step(id, "pretrain_narrow", step, tokens, flops, flops, Loss(n, tokens) + 0.05);
                    // Two in-distribution sets whose mean is the law; a held-out set the loss fit must ignore.
                    results.Eval(id, "pretrain_narrow", step, flops, flops, "web", "in_distribution", "loss", Loss(n, tokens) - 0.1);
                    results.Eval(id, "pretrain_narrow", step, flops, flops, "code", "in_distribution", "loss", Loss(n, tokens) + 0.1);
                    results.Eval(id, "pretrain_narrow", step, flops, flops, "poetry", "held_out", "loss", 9.0);
                }
                results.Run(id, "pretrain_narrow", (long)n);
            }
        results.Flush();
    }

    /// <param name="steps">Evaluations with RL compute &gt; 0 per run (plus one at step 0).</param>
    /// <param name="flopsJitter">Run r's FLOPs per step are (1 + r × jitter) times run 0's, as real runs differ slightly.</param>
    public static void WriteRl(ResultsFolderBuilder results, int[] breadths, string parent, int steps = 6, double flopsJitter = 0)
    {
        var random = new Random(3);
        for (var r = 0; r < breadths.Length; r++)
        {
            var id = $"rl-{r}";
            results.Run(id, "rl", 1_000_000, parent: parent, configJson: $"{{\"rl\":{{\"rl_breadth\":{breadths[r]}}},\"seed\":{r}}}", seed: r);
            for (var step = 0; step <= steps; step++)
            {
                var runFlops = step == 0 ? 0 : 1e12 * Math.Pow(3, step) * (1 + r * flopsJitter);
                var flops = 1e15 + runFlops;
                results.Step(id, "rl", Math.Max(step, 1), 1000 * step, flops, runFlops, 0.1);
                var x = step == 0 ? 11 : Math.Log10(runFlops);
                var inDist = 0.05 + 0.8 / (1 + Math.Pow(10, 1.2 * (14 - x))) + 0.01 * Noise(random);
                var heldOut = inDist * (0.3 + 0.08 * Math.Log2(breadths[r])) + 0.01 * Noise(random);
                results.Eval(id, "rl", step, flops, runFlops, "arith", "in_distribution", "pass@1", inDist);
                results.Eval(id, "rl", step, flops, runFlops, "arith", "held_out", "pass@1", heldOut);
            }
            results.Run(id, "rl", 1_000_000, parent: parent, configJson: $"{{\"rl\":{{\"rl_breadth\":{breadths[r]}}},\"seed\":{r}}}", seed: r);
        }
        results.Flush();
    }

    private static double Noise(Random random) => random.NextDouble() * 2 - 1;
}
