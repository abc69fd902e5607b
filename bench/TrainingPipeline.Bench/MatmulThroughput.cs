using System.Diagnostics;
using static TorchSharp.torch;

namespace TrainingPipeline.Bench;

/// <summary>The machine's fp32 matmul roofline as libtorch sees it: 1024×1024 by 1024×1024, GFLOP/s.</summary>
public static class MatmulThroughput
{
    private const int Size = 1024;

    public static double MeasureGflops(double minimumSeconds = 2.0)
    {
        using var a = randn(Size, Size);
        using var b = randn(Size, Size);
        for (int i = 0; i < 3; i++) mm(a, b).Dispose();
        long repetitions = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            using var scope = NewDisposeScope();
            mm(a, b);
            repetitions++;
        }
        while (clock.Elapsed.TotalSeconds < minimumSeconds);
        double seconds = clock.Elapsed.TotalSeconds;
        return 2.0 * Size * Size * Size * repetitions / seconds / 1e9;
    }
}
