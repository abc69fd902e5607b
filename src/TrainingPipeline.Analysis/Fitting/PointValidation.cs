using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>Shared checks that turn unusable fit input into a <see cref="BadInputException"/>.</summary>
internal static class PointValidation
{
    public static void RequireCount(IReadOnlyList<LawPoint> points, int minimum, string law, string source)
    {
        if (points.Count < minimum)
            throw new BadInputException(source, "rows",
                $"{points.Count} usable points, but the {law} law needs at least {minimum}",
                $"provide at least {minimum} rows (one per trained model or evaluation)");
    }

    public static void RequirePositiveFinite(
        IReadOnlyList<LawPoint> points, Func<LawPoint, double> value, string field, string source)
    {
        for (var i = 0; i < points.Count; i++)
        {
            var v = value(points[i]);
            if (!double.IsFinite(v) || v <= 0)
                throw new BadInputException(source, field, $"row {i + 1} has {Describe(v)}, expected a positive finite number",
                    $"remove that row or correct its {field}");
        }
    }

    public static void RequireFinite(IReadOnlyList<LawPoint> points, Func<LawPoint, double> value, string field, string source)
    {
        for (var i = 0; i < points.Count; i++)
        {
            var v = value(points[i]);
            if (!double.IsFinite(v))
                throw new BadInputException(source, field, $"row {i + 1} has {Describe(v)}, expected a finite number",
                    $"remove that row or correct its {field}");
        }
    }

    /// <summary>
    /// Distinct compute levels: distinct steps when every point carries one (RL evaluations — FLOPs per step differ
    /// slightly between runs, so jittered FLOPs must not count as more levels), otherwise distinct compute values.
    /// </summary>
    public static int DistinctLevels(IReadOnlyList<LawPoint> points) =>
        points.Count > 0 && points.All(p => p.Step is not null)
            ? points.Select(p => p.Step).Distinct().Count()
            : points.Select(p => p.Compute).Distinct().Count();

    public static void RequireDistinctCompute(IReadOnlyList<LawPoint> points, int minimum, string law, string source)
    {
        var distinct = DistinctLevels(points);
        var unit = points.Count > 0 && points.All(p => p.Step is not null) ? "distinct evaluation steps" : "distinct compute values";
        if (distinct < minimum)
            throw new BadInputException(source, "C (compute)",
                $"only {distinct} {unit}, but the {law} law needs at least {minimum}",
                "add points at more compute budgets");
    }

    private static string Describe(double v) => double.IsNaN(v) ? "NaN (missing or not a number)" : v.ToString("G6");
}
