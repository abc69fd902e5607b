using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Calibration;

/// <summary>
/// The experimental design a simulated data set follows: seeds (runs), evaluations per run (evenly spaced in steps,
/// or log-spaced as the shipped pipelines evaluate: see <see cref="EvaluationSchedule"/>), problems in the evaluation set, samples per problem, the standard
/// deviation at the end of each run's random-walk deviation from the law, the spread of problem difficulty, and the
/// size of the finite problem pool each run draws its evaluation problems from. <see cref="SeedEffectScale"/> &gt; 0 adds
/// a heavy-tailed seed effect: each run's deviation also grows linearly to scale × a Student t (3 df) draw at its end,
/// shifting both its level and its slope, with the occasional outlying seed a Gaussian walk rarely gives.
/// </summary>
public sealed record SimulationDesign(
    int Runs = 4,
    int Evaluations = 20,
    int Problems = 200,
    int SamplesPerProblem = 8,
    double RunWalkSd = 0.08,
    double ProblemSpread = 0.2,
    int Steps = 200,
    double FlopsPerStep = 1e12,
    int ProblemPool = 2000,
    double SeedEffectScale = 0,
    EvaluationSchedule Schedule = EvaluationSchedule.Even)
{
    /// <summary>
    /// The evaluation steps of every run. Even: every Steps / Evaluations steps. LogSpaced: geometric from step 1 to
    /// Steps (Evaluations = 9, Steps = 256 give 1, 2, 4, …, 256, the rl-scaling pipeline's schedule), duplicates after
    /// rounding dropped.
    /// </summary>
    public IReadOnlyList<int> EvaluationSteps() => Schedule == EvaluationSchedule.Even
        ? [.. Enumerable.Range(1, Evaluations).Select(e => (int)Math.Round((double)e * Steps / Evaluations))]
        : [.. Enumerable.Range(0, Evaluations)
            .Select(e => (int)Math.Round(Math.Pow(Steps, Evaluations == 1 ? 1 : (double)e / (Evaluations - 1))))
            .Distinct()];
}

/// <summary>How a simulated run's evaluations are spaced in steps.</summary>
public enum EvaluationSchedule
{
    /// <summary>Every k steps.</summary>
    Even,

    /// <summary>Geometrically from step 1 (1, 2, 4, …), as the shipped RL pipelines evaluate.</summary>
    LogSpaced,
}

/// <summary>One simulated evaluation: the run, its step, and the law point the analysis sees.</summary>
public sealed record SimulatedEvaluation(string RunId, int Step, LawPoint Point);

/// <summary>
/// Simulated RL results from a known law with the noise real runs have: each run (seed) wanders from the law by its
/// own random walk (independent increments, standard deviation <see cref="SimulationDesign.RunWalkSd"/> at the end),
/// and, as in the pipeline (the evaluator seeds its problems from the run seed), each run draws its OWN evaluation
/// problems from one finite pool and scores them at every step with a finite number of samples per problem. Problem
/// i's pass probability is the law's score plus the run's deviation plus the problem's difficulty offset (uniform in
/// ±<see cref="SimulationDesign.ProblemSpread"/> over the pool), clamped to [0, 1]; the row value is the sampled
/// pass@1 — the mean over problems of successes / samples, the unbiased estimator the evaluator stores as
/// <c>pass@1</c> — and its <c>stderr</c> the standard error over problems. FLOPs per step differ by up to 1%
/// between runs, as they do in real data.
/// </summary>
public static class SimulatedRlResults
{
    public static IReadOnlyList<SimulatedEvaluation> Generate(Func<double, double> law, SimulationDesign design, Random random)
    {
        if (design.ProblemPool < design.Problems)
            throw new ArgumentException($"the problem pool ({design.ProblemPool}) is smaller than the problems per run ({design.Problems})");
        var pool = Enumerable.Range(0, design.ProblemPool).Select(_ => design.ProblemSpread * (2 * random.NextDouble() - 1)).ToArray();
        var evaluations = new List<SimulatedEvaluation>();
        var stepSd = design.RunWalkSd / Math.Sqrt(design.Evaluations);
        var schedule = design.EvaluationSteps();
        var perProblem = new double[design.Problems];
        for (var r = 0; r < design.Runs; r++)
        {
            var run = $"run{r}";
            var flopsPerStep = design.FlopsPerStep * (1 + 0.01 * random.NextDouble());
            var deviation = 0.0;
            var difficulty = DrawWithoutReplacement(pool, design.Problems, random);
            // Drawn only when asked for, so designs without it keep their random streams (and measured rates).
            var seedEffect = design.SeedEffectScale > 0 ? design.SeedEffectScale * StudentT3(random) : 0;
            for (var e = 1; e <= schedule.Count; e++)
            {
                var step = schedule[e - 1];
                // A random walk in steps: its variance grows with the steps elapsed, so a log-spaced schedule has small
                // increments early and large ones late (evenly spaced: the same increment each time, as before).
                var previous = e == 1 ? 0 : schedule[e - 2];
                var increment = design.Schedule == EvaluationSchedule.Even ? stepSd
                    : design.RunWalkSd * Math.Sqrt((double)(step - previous) / design.Steps);
                deviation += increment * Gaussian(random);
                var compute = flopsPerStep * step;
                var progress = design.Schedule == EvaluationSchedule.Even ? (double)e / design.Evaluations : (double)step / design.Steps;
                var score = law(compute) + deviation + seedEffect * progress;
                for (var i = 0; i < design.Problems; i++)
                {
                    var p = Math.Clamp(score + difficulty[i], 0, 1);
                    var successes = 0;
                    for (var k = 0; k < design.SamplesPerProblem; k++)
                        if (random.NextDouble() < p) successes++;
                    perProblem[i] = (double)successes / design.SamplesPerProblem;
                }
                var mean = perProblem.Average();
                var stderr = Math.Sqrt(perProblem.Sum(v => (v - mean) * (v - mean)) / (design.Problems - 1) / design.Problems);
                evaluations.Add(new SimulatedEvaluation(run, step, new LawPoint(compute, mean, Cluster: run, StdError: stderr, Step: step)));
            }
        }
        return evaluations;
    }

    private static double[] DrawWithoutReplacement(double[] pool, int count, Random random)
    {
        var copy = (double[])pool.Clone();
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, copy.Length);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy[..count];
    }

    /// <summary>A Student t draw with 3 degrees of freedom: Z / sqrt(χ²₃ / 3).</summary>
    public static double StudentT3(Random random)
    {
        var z = Gaussian(random);
        var chi = 0.0;
        for (var k = 0; k < 3; k++) chi += Math.Pow(Gaussian(random), 2);
        return z / Math.Sqrt(chi / 3);
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
