using System.CommandLine;
using System.CommandLine.Help;
using TrainingPipeline.Bench;
using TrainingPipeline.Model;

namespace TrainingPipeline.Tests.Bench;

/// <summary>The bench program's flags (shared with the Python peer through bench/compare.sh) parse as they always did.</summary>
public class BenchOptionsTests
{
    [Fact]
    public void NoArgumentsGiveTheDefaults()
    {
        var options = BenchOptions.Parse([]);
        Assert.Equal(BenchOptions.DefaultMeasurements.Order(), options.Only.Order());
        Assert.Null(options.Steps);
        Assert.Equal(2, options.Threads);
        Assert.Equal(AttentionKernel.Sdpa, options.Attention);
        Assert.Equal(1, options.Seed);
        Assert.Equal(Precision.Fp32, options.Precision);
        Assert.Equal(60, options.Minutes);
    }

    [Fact]
    public void EveryFlagIsRead()
    {
        var options = BenchOptions.Parse(["--only", "train_S, memory,", "--steps", "5", "--threads", "3", "--attention", "MANUAL",
            "--precision", "bf16", "--minutes", "0.5", "--seed", "7"]);
        Assert.Equal(["memory", "train_S"], options.Only.Order());
        Assert.True(options.Wants("memory") && !options.Wants("loader"));
        Assert.Equal(5, options.Steps);
        Assert.Equal(3, options.Threads);
        Assert.Equal(AttentionKernel.Manual, options.Attention);
        Assert.Equal(Precision.Bf16, options.Precision);
        Assert.Equal(0.5, options.Minutes);
        Assert.Equal(7, options.Seed);
    }

    [Fact]
    public void Issue16MeasurementsAreKnownAndTheLongOnesRunOnRequestOnly()
    {
        var options = BenchOptions.Parse(["--only", "rl_step_S,eval_S,memory_rl"]);
        Assert.Equal(["eval_S", "memory_rl", "rl_step_S"], options.Only.Order());
        // rl_step_S and eval_S are part of every default comparison; memory_rl (1,000 RL steps) only when asked for.
        Assert.Contains("rl_step_S", BenchOptions.DefaultMeasurements);
        Assert.Contains("eval_S", BenchOptions.DefaultMeasurements);
        Assert.DoesNotContain("memory_rl", BenchOptions.DefaultMeasurements);
        Assert.Contains("memory_rl", BenchOptions.AllMeasurements);
        Assert.DoesNotContain("memory_rl", BenchOptions.Parse([]).Only);
    }

    [Theory]
    [InlineData("unknown measurement(s) rl_step_M", "--only", "rl_step_S,rl_step_M")]
    [InlineData("unknown measurement(s) bogus", "--only", "train_S,bogus")]
    [InlineData("--steps must be a positive integer, not '0'", "--steps", "0")]
    [InlineData("--threads must be a positive integer, not '-1'", "--threads", "-1")]
    [InlineData("--threads must be a positive integer, not 'two'", "--threads", "two")]
    [InlineData("--attention must be sdpa or manual, not 'fast'", "--attention", "fast")]
    [InlineData("--precision must be fp32 or bf16, not 'fp16'", "--precision", "fp16")]
    [InlineData("--minutes must be a positive number, not '0'", "--minutes", "0")]
    [InlineData("--minutes must be a positive number, not 'soon'", "--minutes", "soon")]
    [InlineData("--minutes must be a positive number, not 'NaN'", "--minutes", "NaN")]
    [InlineData("--seed", "--seed", "x")]
    [InlineData("--steps", "--steps")]
    [InlineData("--frobnicate", "--frobnicate")]
    public void BadOptionsAreErrorsNamingTheOption(string expected, params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(args));
        Assert.Contains(expected, error.Message);
        Assert.Contains("--help", error.Message);
    }

    [Fact]
    public void HelpListsEveryFlagAndEveryMeasurement()
    {
        var parsed = BenchOptions.Command().Parse(["--help"]);
        Assert.IsType<HelpAction>(parsed.Action);
        var output = new StringWriter();
        Assert.Equal(0, parsed.Invoke(new InvocationConfiguration { Output = output }));
        var help = output.ToString();
        foreach (var flag in new[] { "--only", "--steps", "--threads", "--attention", "--precision", "--minutes", "--seed", "--help" })
            Assert.Contains(flag, help);
        foreach (var measurement in BenchOptions.AllMeasurements) Assert.Contains(measurement, help);
        Assert.Contains("one JSON line per measurement", help);
    }
}
