using static TorchSharp.torch;

namespace TrainingPipeline.Tests.Model;

public class TorchLoadTests
{
    [Fact]
    public void TorchSharpLoadsAndMultipliesMatrices()
    {
        // Fails with "doesn't contain a reference to libtorch-cpu-linux-x64" on Debian 12 unless the build weakened
        // libLibTorchSharp.so's GLIBCXX_3.4.32 requirement (build/TorchSharpNative.targets).
        using var scope = NewDisposeScope();
        var a = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        var b = ones(3, 2);
        var c = a.matmul(b);
        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(3f, c[0, 0].item<float>());   // 0+1+2
        Assert.Equal(12f, c[1, 1].item<float>());  // 3+4+5
    }
}
