using TrainingPipeline.Model;
using TrainingPipeline.Results;
using TorchSharp;

namespace TrainingPipeline.Tests.Model;

public class DevicesTests
{
    [Fact]
    public void AutoPicksCudaOnlyWhenAvailable()
    {
        Assert.Equal("cpu", Devices.Choose("auto", cudaAvailable: false));
        Assert.Equal("cuda", Devices.Choose("auto", cudaAvailable: true));
        Assert.Equal("cpu", Devices.Choose("cpu", cudaAvailable: true));
        Assert.Equal("cuda:1", Devices.Choose("cuda:1", cudaAvailable: true));
    }

    [Fact]
    public void ResolveAppliesTheRuleToThisMachine()
    {
        // The rule, whatever machine runs the suite: CUDA exactly when libtorch reports a CUDA device, else the CPU.
        var expected = torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU;
        Assert.Equal(expected, Devices.Resolve("auto").type);
        Assert.Equal(DeviceType.CPU, Devices.Resolve("cpu").type);
        if (!torch.cuda.is_available()) Assert.Throws<BadInputException>(() => Devices.Resolve("cuda"));
    }

    [Fact]
    public void CudaWithoutAGpuIsBadInputNotASilentFallback()
    {
        var e = Assert.Throws<BadInputException>(() => Devices.Choose("cuda", cudaAvailable: false));
        Assert.Contains("--device cpu", e.Message);
        Assert.Throws<BadInputException>(() => Devices.Choose("tpu", cudaAvailable: false));
    }
}
