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
    EvaluationSchedule Schedule = EvaluationSchedule.Even,
    bool EvaluateStepZero = false)
{
    /// <summary>The steps of <see cref="EvaluationSchedule.Listed"/> (e.g. a pipeline file's schedule), ascending, all ≥ 1.</summary>
    public IReadOnlyList<int> ListedSteps { get; init; } = [];

    /// <summary>
    /// A design evaluating at exactly <paramref name="steps"/> (step 0 dropped: it is <see cref="EvaluateStepZero"/>),
    /// the runs lasting until the last of them; the walk grows with the steps elapsed, as on a log-spaced schedule.
    /// </summary>
    public static SimulationDesign AtSteps(IEnumerable<int> steps, int runs, bool evaluateStepZero)
    {
        int[] listed = [.. steps.Where(s => s > 0).Distinct().Order()];
        if (listed.Length == 0) throw new ArgumentException("no evaluation step after step 0", nameof(steps));
        return new SimulationDesign(Runs: runs, Evaluations: listed.Length, Steps: listed[^1], Schedule: EvaluationSchedule.Listed,
            EvaluateStepZero: evaluateStepZero)
        { ListedSteps = listed };
    }

    /// <summary>
    /// The evaluation steps of every run. Even: every Steps / Evaluations steps. LogSpaced: geometric from step 1 to
    /// Steps (Evaluations = 9, Steps = 256 give 1, 2, 4, …, 256, the rl-scaling pipeline's schedule), duplicates after
    /// rounding dropped.
    /// </summary>
    public IReadOnlyList<int> EvaluationSteps() => Schedule switch
    {
        EvaluationSchedule.Even => [.. Enumerable.Range(1, Evaluations).Select(e => (int)Math.Round((double)e * Steps / Evaluations))],
        EvaluationSchedule.Listed => ListedSteps,
        _ => [.. Enumerable.Range(0, Evaluations)
            .Select(e => (int)Math.Round(Math.Pow(Steps, Evaluations == 1 ? 1 : (double)e / (Evaluations - 1))))
            .Distinct()],
    };
}

/// <summary>How a simulated run's evaluations are spaced in steps.</summary>
public enum EvaluationSchedule
{
    /// <summary>Every k steps.</summary>
    Even,

    /// <summary>Geometrically from step 1 (1, 2, 4, …), as the shipped RL pipelines evaluate.</summary>
    LogSpaced,

    /// <summary>At <see cref="SimulationDesign.ListedSteps"/> (a pipeline file's <c>eval_at_steps</c>).</summary>
    Listed,
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
        var problemsOfRun = new List<double[]>();
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
                var (mean, stderr) = Score(score, difficulty, design.SamplesPerProblem, perProblem, random);
                evaluations.Add(new SimulatedEvaluation(run, step, new LawPoint(compute, mean, Cluster: run, StdError: stderr, Step: step)));
            }
            problemsOfRun.Add(difficulty);
        }
        // Step 0 (the base model, before any update: no walk yet) is drawn after every other evaluation, so designs
        // with and without it share all other draws, and a fit with a measured floor sees the same data as one without.
        if (design.EvaluateStepZero)
            for (var r = 0; r < design.Runs; r++)
            {
                // A log-linear law has no value at compute 0; its value at step 1 stands in for the base model.
                var baseScore = double.IsFinite(law(0)) ? law(0) : law(design.FlopsPerStep);
                var (mean, stderr) = Score(baseScore, problemsOfRun[r], design.SamplesPerProblem, perProblem, random);
                evaluations.Add(new SimulatedEvaluation($"run{r}", 0, new LawPoint(0, mean, Cluster: $"run{r}", StdError: stderr, Step: 0)));
            }
        return evaluations;
    }

    /// <summary>The sampled pass@1 of a run's problems at true score <paramref name="score"/>, and its standard error over problems.</summary>
    private static (double Mean, double StdError) Score(double score, double[] difficulty, int samples, double[] perProblem, Random random)
    {
        for (var i = 0; i < difficulty.Length; i++)
        {
            var p = Math.Clamp(score + difficulty[i], 0, 1);
            var successes = 0;
            for (var k = 0; k < samples; k++)
                if (random.NextDouble() < p) successes++;
            perProblem[i] = (double)successes / samples;
        }
        var mean = perProblem.Average();
        return (mean, Math.Sqrt(perProblem.Sum(v => (v - mean) * (v - mean)) / (difficulty.Length - 1) / difficulty.Length));
    }

    /// <summary>
    /// The expected pass rate over the problem pool at true score <paramref name="score"/>: the mean of
    /// clamp(score + u, 0, 1) over difficulty offsets u uniform in ±spread. It equals the score in [spread, 1 − spread];
    /// nearer 0 or 1 the clamp lifts (lowers) it — at the sigmoid truth's floor 0.1 with spread 0.2 it is 0.1125. A
    /// measured step-0 pass@1 estimates this, so it is the truth a measured floor's interval must cover.
    /// </summary>
    public static double ExpectedPassRate(double score, double spread)
    {
        if (spread <= 0) return Math.Clamp(score, 0, 1);
        static double Integral(double x) => x <= 0 ? 0 : x <= 1 ? x * x / 2 : 0.5 + (x - 1); // ∫ clamp(t, 0, 1) dt from −∞
        return (Integral(score + spread) - Integral(score - spread)) / (2 * spread);
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
