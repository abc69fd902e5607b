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
        Assert.Equal(DeviceType.CPU, Devices.Resolve("auto").type); // no GPU on the machines that run this suite
    }

    [Fact]
    public void CudaWithoutAGpuIsBadInputNotASilentFallback()
    {
        var e = Assert.Throws<BadInputException>(() => Devices.Choose("cuda", cudaAvailable: false));
        Assert.Contains("--device cpu", e.Message);
        Assert.Throws<BadInputException>(() => Devices.Choose("tpu", cudaAvailable: false));
    }
}
