using TrainingPipeline.Data.Domains;

namespace TrainingPipeline.Tests.Data.Domains;

public class ProgramDomainTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void TracePrintsMatchTheOutputAndLinesExist(int difficulty)
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var sample = MiniPrograms.Generate(seed, difficulty);
            var sourceLines = sample.Source.TrimEnd('\n').Split('\n');
            var printed = sample.Trace.Where(t => t.Contains(": print ")).Select(t => t[(t.IndexOf(": print ") + 8)..]);
            Assert.Equal(string.Concat(printed.Select(p => p + "\n")), sample.Output);
            Assert.NotEmpty(sample.Output);
            foreach (var step in sample.Trace)
            {
                var line = int.Parse(step[..step.IndexOf(':')]);
                Assert.InRange(line, 1, sourceLines.Length);
                var variable = step[(step.IndexOf(':') + 2)..].Split(' ')[0];
                if (variable != "print") Assert.Contains(variable, sourceLines[line - 1]);
            }
        }
    }

    [Fact]
    public void KnownProgramRunsToItsOutput()
    {
        // The interpreter is checked on generated programs above; this pins the rendering of one example.
        var document = new ProgramTraceDomain().Documents(11).First();
        Assert.StartsWith("program:\n", document);
        Assert.Contains("\ntrace:\n1: ", document);
        Assert.Contains("\noutput:\n", document);
    }

    [Fact]
    public void APluggedInGeneratorIsUsedAndNamed()
    {
        var domain = new ProgramTextDomain(2, (seed, difficulty) => new ProgramSample($"say {difficulty}\n", "2\n", ["1: say 2"]), "gym-v1");
        Assert.Equal("program-text-gym-v1@2", domain.Id);
        Assert.Equal("program:\nsay 2\noutput:\n2\n", domain.Documents(0).First());
    }

    [Fact]
    public void LoopsTerminateAndTracesStayShortAtLevelOne()
    {
        var longest = Enumerable.Range(0, 500).Max(seed => MiniPrograms.Generate(seed, 1).Trace.Count);
        Assert.InRange(longest, 1, 20);
    }
}
