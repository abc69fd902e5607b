using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tasks.Code;

/// <summary>A reference program with the inputs it is shown and tested on.</summary>
public sealed record SynthesisTarget(string Program, IReadOnlyList<IReadOnlyList<long>> Cases, int Shown);

/// <summary>
/// Reference programs for synthesis and repair, one line each, by difficulty: 1 'x op c'; 2 'a*x + b';
/// 3 two inputs; 4 a conditional; 5 a for loop; 6 a while loop over digits.
/// </summary>
public static class SynthesisTargets
{
    public const int MaxDifficulty = 6;

    public static SynthesisTarget Generate(TaskRng rng, int difficulty)
    {
        var c = rng.Between(2, 9);
        var d = rng.Between(1, 9);
        var (program, low, high) = difficulty switch
        {
            1 => ($"print read() {rng.Pick(["+", "-", "*"])} {c}", 0, 20),
            2 => ($"x = read(); print {c} * x {rng.Pick(["+", "-"])} {d}", -20, 20),
            3 => (rng.Pick([
                    "a = read(); b = read(); print a + b", "a = read(); b = read(); print a * b",
                    "a = read(); b = read(); print a - b", $"a = read(); b = read(); print a * b + {c}",
                    $"a = read(); b = read(); print (a + b) * {c}", $"a = read(); b = read(); print a * {c} - b",
                ]), 0, 20),
            4 => (rng.Pick([
                    $"x = read(); if x > {c} then print x - {c} else print {c} - x end",
                    "a = read(); b = read(); if a > b then print a else print b end",
                    "x = read(); if x % 2 == 0 then print x / 2 else print 3 * x + 1 end",
                    $"x = read(); if x < 0 then print 0 - x else print x * {c} end",
                ]), -20, 20),
            5 => (rng.Pick([
                    "n = read(); s = 0; for i = 1 to n do s = s + i end; print s",
                    "n = read(); s = 0; for i = 1 to n do s = s + i * i end; print s",
                    "n = read(); p = 1; for i = 1 to n do p = p * i end; print p",
                    $"n = read(); s = 0; for i = 1 to n do s = s + {c} end; print s",
                    $"n = read(); s = 0; for i = 1 to n do if i % {c} == 0 then s = s + 1 end end; print s",
                ]), 0, 9),
            _ => (rng.Pick([
                    "n = read(); s = 0; while n > 0 do s = s + n % 10; n = n / 10 end; print s",
                    "n = read(); c = 0; while n > 0 do c = c + 1; n = n / 10 end; print c",
                    "n = read(); r = 0; while n > 0 do r = r * 10 + n % 10; n = n / 10 end; print r",
                    "n = read(); c = 0; while n > 1 do if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end; c = c + 1 end; print c",
                ]), 1, 999),
        };
        var inputCount = program.Split("read()").Length - 1;
        var cases = new List<IReadOnlyList<long>>();
        var seen = new HashSet<string>();
        while (cases.Count < 10)
        {
            var inputs = Enumerable.Range(0, inputCount).Select(_ => (long)rng.Between(low, high)).ToArray();
            if (seen.Add(string.Join(',', inputs)) || seen.Count >= (high - low + 1)) cases.Add(inputs);
        }
        var shown = Math.Min(3 + difficulty / 2, 5);
        var target = new SynthesisTarget(program, cases, shown);
        foreach (var inputs in cases)
        {
            var run = Interpreter.Run(program, ExecutionLimits.Verification, inputs);
            if (!run.Succeeded) throw new InvalidOperationException($"Target '{program}' fails on {string.Join(',', inputs)}: {run.Error}");
        }
        return target;
    }

    /// <summary>"in -> out" lines for the shown cases (inputs and outputs separated by spaces).</summary>
    public static IEnumerable<string> Examples(SynthesisTarget target) =>
        target.Cases.Take(target.Shown).Select(inputs =>
            $"{string.Join(' ', inputs)} -> {string.Join(' ', Interpreter.Run(target.Program, ExecutionLimits.Verification, inputs).OutputLines)}");
}
