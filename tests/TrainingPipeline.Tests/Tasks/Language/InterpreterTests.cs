using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tests.Tasks.Language;

public class InterpreterTests
{
    private static string Output(string source, params long[] inputs)
    {
        var result = Interpreter.Run(source, ExecutionLimits.Default, inputs);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return string.Join(' ', result.OutputLines);
    }

    private static ExecutionError Error(string source, ExecutionLimits? limits = null)
    {
        var result = Interpreter.Run(source, limits ?? ExecutionLimits.Default);
        Assert.False(result.Succeeded);
        return result.Error!;
    }

    [Theory]
    [InlineData("print 1 + 2 * 3", "7")]
    [InlineData("print (1 + 2) * 3", "9")]
    [InlineData("print 10 - 3 - 2", "5")]
    [InlineData("print 7 / 2", "3")]
    [InlineData("print -7 / 2", "-4")]
    [InlineData("print 7 % 3", "1")]
    [InlineData("print -7 % 3", "2")]
    [InlineData("print 7 % -3", "-2")]
    [InlineData("print - -5", "5")]
    [InlineData("print 3 < 4", "1")]
    [InlineData("print 3 >= 4", "0")]
    [InlineData("print 1 == 1 and 2 != 2", "0")]
    [InlineData("print 0 or 5", "1")]
    [InlineData("print not 0", "1")]
    [InlineData("print 1 + 2 < 4", "1")]
    [InlineData("print abs(-4) + min(3, 9) + max(3, 9)", "16")]
    [InlineData("print 9223372036854775807", "9223372036854775807")]
    public void ExpressionsFollowPrecedenceAndFloorSemantics(string source, string expected) =>
        Assert.Equal(expected, Output(source));

    [Fact]
    public void StatementsAssignmentsAndControlFlow()
    {
        Assert.Equal("11", Output("x = 3\nwhile x < 10 do\n  x = x + 2\nend\nprint x"));
        Assert.Equal("15", Output("s = 0\nfor i = 1 to 5 do\n  s = s + i\nend\nprint s"));
        Assert.Equal("", Output("for i = 5 to 1 do\n  print i\nend"));
        Assert.Equal("2 1", Output("x = 5\nif x > 3 then\n  print 2\nelse\n  print 3\nend\nif x > 9 then print 0 else print 1 end"));
        Assert.Equal("1 2 3", Output("print 1; print 2\n\n; print 3 # comment"));
    }

    [Fact]
    public void FunctionsHaveLocalScopeAndRecursion()
    {
        Assert.Equal("120", Output("func f(n)\n  if n < 1 then\n    return 1\n  end\n  return n * f(n - 1)\nend\nprint f(5)"));
        Assert.Equal("0", Output("func g()\n  x = 1\nend\nprint g()"));
        Assert.Equal("Runtime", Error("x = 1\nfunc g()\n  return x\nend\nprint g()").Kind.ToString());
        Assert.Equal("7", Output("func add(a, b)\n  return a + b\nend\nprint add(3, 4)"));
        Assert.Equal("5", Output("func f(x)\n  for i = 1 to 10 do\n    if i == x then return i end\n  end\n  return 0\nend\nprint f(5)"));
    }

    [Fact]
    public void InputsAreReadInOrder()
    {
        Assert.Equal("7 12", Output("a = read()\nb = read()\nprint a + b\nprint a * b", 3, 4));
        Assert.Equal(ExecutionErrorKind.Runtime, Interpreter.Run("print read()", null, []).Error!.Kind);
    }

    [Fact]
    public void TraceRecordsAssignmentsAndPrintsWithLines()
    {
        var result = Interpreter.Run("x = 2\nx = x * 3\nprint x");
        Assert.Equal(["x = 2", "x = 6", "print 6"], result.Trace.Select(t => t.Text));
        Assert.Equal([1, 2, 3], result.Trace.Select(t => t.Line));
        var long_ = Interpreter.Run("for i = 1 to 100 do\n  x = i\nend", ExecutionLimits.Default with { MaxTraceLines = 10 });
        Assert.True(long_.Succeeded);
        Assert.True(long_.TraceTruncated);
        Assert.Equal(10, long_.Trace.Count);
    }

    [Theory]
    [InlineData("print 1 / 0", ExecutionErrorKind.Runtime)]
    [InlineData("print 1 % 0", ExecutionErrorKind.Runtime)]
    [InlineData("print 9223372036854775807 + 1", ExecutionErrorKind.Runtime)]
    [InlineData("print -9223372036854775807 - 2", ExecutionErrorKind.Runtime)]
    [InlineData("x = -9223372036854775807 - 1\nprint x / -1", ExecutionErrorKind.Runtime)]
    [InlineData("x = -9223372036854775807 - 1\nprint -x", ExecutionErrorKind.Runtime)]
    [InlineData("x = -9223372036854775807 - 1\nprint abs(x)", ExecutionErrorKind.Runtime)]
    [InlineData("print y", ExecutionErrorKind.Runtime)]
    [InlineData("print 99999999999999999999", ExecutionErrorKind.Syntax)]
    [InlineData("print 1 +", ExecutionErrorKind.Syntax)]
    [InlineData("while 1 do\nprint 1", ExecutionErrorKind.Syntax)]
    [InlineData("print 1 < 2 < 3", ExecutionErrorKind.Syntax)]
    [InlineData("print f(1)", ExecutionErrorKind.Syntax)]
    [InlineData("func f(a)\n  return a\nend\nprint f(1, 2)", ExecutionErrorKind.Syntax)]
    [InlineData("return 1", ExecutionErrorKind.Syntax)]
    [InlineData("x = 1 $ 2", ExecutionErrorKind.Syntax)]
    [InlineData("if = 3", ExecutionErrorKind.Syntax)]
    [InlineData("while 1 do\nend", ExecutionErrorKind.StepLimit)]
    [InlineData("func f(n)\n  return f(n + 1)\nend\nprint f(0)", ExecutionErrorKind.RecursionLimit)]
    public void ErrorsAreReportedNotThrown(string source, ExecutionErrorKind kind) =>
        Assert.Equal(kind, Error(source).Kind);

    [Fact]
    public void OutputBudgetStopsHugeOutputButKeepsWhatCameBefore()
    {
        var result = Interpreter.Run("i = 0\nwhile 1 do\n  print 123456789\nend", ExecutionLimits.Default with { MaxOutputChars = 100 });
        Assert.Equal(ExecutionErrorKind.OutputLimit, result.Error!.Kind);
        Assert.Equal(10, result.OutputLines.Count);
    }

    [Fact]
    public void StepBudgetIsExact()
    {
        var limits = ExecutionLimits.Default with { MaxSteps = 50 };
        var result = Interpreter.Run("while 1 do\nend", limits);
        Assert.Equal(ExecutionErrorKind.StepLimit, result.Error!.Kind);
        Assert.Equal(51, result.StepsUsed);
        Assert.True(Interpreter.Run("print 1", limits).StepsUsed <= 3);
    }

    [Fact]
    public void DeepNestingIsASyntaxErrorNotAStackOverflow()
    {
        var parens = new string('(', 100_000) + "1" + new string(')', 100_000);
        Assert.Equal(ExecutionErrorKind.Syntax, Error("print " + parens, ExecutionLimits.Default with { MaxSourceChars = 300_000 }).Kind);
        Assert.Equal(ExecutionErrorKind.Syntax, Error("print " + string.Concat(Enumerable.Repeat("- ", 10_000)) + "1").Kind);
        var nestedIfs = string.Concat(Enumerable.Repeat("if 1 then\n", 200)) + "print 1\n" + string.Concat(Enumerable.Repeat("end\n", 200));
        Assert.Equal(ExecutionErrorKind.Syntax, Error(nestedIfs).Kind);
        Assert.Equal(ExecutionErrorKind.Syntax, Error(new string('x', 30_000)).Kind);  // over MaxSourceChars
    }

    [Fact]
    public void LongFlatExpressionsWithinDeepRecursionDoNotCrashTheHost()
    {
        var sum = string.Join(" + ", Enumerable.Repeat("n", 3000));
        var source = $"func f(n)\n  if n < 1 then\n    return 0\n  end\n  return f(n - 1) + {sum}\nend\nprint f(60)";
        var result = Interpreter.Run(source, ExecutionLimits.Default with { MaxSteps = 10_000_000, MaxSourceChars = 100_000 });
        // Either it fits the host stack and computes, or it stops cleanly; never a crash.
        Assert.True(result.Succeeded || result.Error!.Kind == ExecutionErrorKind.RecursionLimit, result.Error?.ToString());
        if (result.Succeeded) Assert.Equal((3000L * 60 * 61 / 2).ToString(), result.OutputLines[0]);
    }
}
