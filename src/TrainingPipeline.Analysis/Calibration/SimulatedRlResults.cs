using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Calibration;

/// <summary>
/// The experimental design a simulated data set follows: seeds (runs), evaluations per run (evenly spaced in steps,
/// as the RL stage evaluates every k steps), problems in the evaluation set, samples per problem, the standard
/// deviation at the end of each run's random-walk deviation from the law, and the spread of problem difficulty.
/// </summary>
public sealed record SimulationDesign(
    int Runs = 4,
    int Evaluations = 20,
    int Problems = 200,
    int SamplesPerProblem = 8,
    double RunWalkSd = 0.08,
    double ProblemSpread = 0.2,
    int Steps = 200,
    double FlopsPerStep = 1e12);

/// <summary>One simulated evaluation: the run, its step, and the law point the analysis sees.</summary>
public sealed record SimulatedEvaluation(string RunId, int Step, LawPoint Point);

/// <summary>
/// Simulated RL results from a known law with the noise real runs have: each run (seed) wanders from the law by its
/// own random walk (independent increments, standard deviation <see cref="SimulationDesign.RunWalkSd"/> at the end),
/// and every evaluation scores a fixed, finite problem set — one set per data set, shared by every run and step —
/// with a finite number of samples per problem. Problem i's pass probability is the law's score plus the run's
/// deviation plus the problem's difficulty offset (uniform in ±<see cref="SimulationDesign.ProblemSpread"/>, mean 0
/// over the problem population), clamped to [0, 1]; the row value is the mean over problems and its
/// <c>stderr</c> the standard error over problems, as the evaluator stores them. FLOPs per step differ by up to 1%
/// between runs, as they do in real data.
/// </summary>
public static class SimulatedRlResults
{
    public static IReadOnlyList<SimulatedEvaluation> Generate(Func<double, double> law, SimulationDesign design, Random random)
    {
        var difficulty = Enumerable.Range(0, design.Problems).Select(_ => design.ProblemSpread * (2 * random.NextDouble() - 1)).ToArray();
        var evaluations = new List<SimulatedEvaluation>();
        var stepSd = design.RunWalkSd / Math.Sqrt(design.Evaluations);
        var perProblem = new double[design.Problems];
        for (var r = 0; r < design.Runs; r++)
        {
            var run = $"run{r}";
            var flopsPerStep = design.FlopsPerStep * (1 + 0.01 * random.NextDouble());
            var deviation = 0.0;
            for (var e = 1; e <= design.Evaluations; e++)
            {
                var step = (int)Math.Round((double)e * design.Steps / design.Evaluations);
                deviation += stepSd * Gaussian(random);
                var compute = flopsPerStep * step;
                var score = law(compute) + deviation;
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
                evaluations.Add(new SimulatedEvaluation(run, step, new LawPoint(compute, mean, Cluster: run, StdError: stderr)));
            }
        }
        return evaluations;
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
