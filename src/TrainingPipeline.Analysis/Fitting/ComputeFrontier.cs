namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// The compute-efficient frontier of a grid of pre-training runs: the (N, D) cells on the lower convex hull of mean final
/// loss against log compute, up to the lowest loss. L(C) = E + A·C^−α describes this lower envelope (Kaplan et al.
/// 2020's L(C_min)); fitted to every cell of a sweep it would average small models trained far too long with large ones
/// stopped early, which lie on no single curve. The hull, not "lower than every cheaper cell": on a dense grid most
/// cells beat every cheaper one while lying well above the envelope (95 of 144 in ComputeFrontierTests), and the
/// true frontier E + k·C^−a is convex in log C. Seeds of one cell are kept or dropped together (the decision uses the
/// cell's mean), so the run-level intervals still resample whole lineages; each leave-one-lineage-out refit makes the
/// selection again without the left-out lineage (<see cref="RunLevelIntervals.ReselectedSubsets"/>), so the intervals
/// carry the selection's variability rather than being conditional on it. A discrete grid approaches the true frontier
/// from above: its points are the best this grid found, not the best possible allocation.
/// </summary>
public static class ComputeFrontier
{
    public static IReadOnlyList<LawPoint> Select(IReadOnlyList<LawPoint> points)
    {
        var cells = points.GroupBy(GridCell)
            .Select(g => (Points: g.ToList(), X: Math.Log10(g.Average(p => p.Compute)), Loss: g.Average(p => p.Value)))
            .OrderBy(c => c.X).ThenBy(c => c.Loss)
            .ToList();
        // Andrew's monotone chain, lower half: a cell stays unless it lies above the segment joining its neighbours.
        var hull = new List<(List<LawPoint> Points, double X, double Loss)>();
        foreach (var cell in cells)
        {
            if (hull.Count > 0 && Math.Abs(hull[^1].X - cell.X) < ComputeTolerance) continue; // same compute, higher loss
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], cell) < 0) hull.RemoveAt(hull.Count - 1);
            hull.Add(cell);
        }
        // Past the lowest loss the hull climbs again: bigger budgets that did worse are not the frontier.
        var lowest = hull.FindIndex(c => c.Loss == hull.Min(h => h.Loss));
        return [.. hull.Take(lowest + 1).SelectMany(c => c.Points)];
    }

    private static double Cross((List<LawPoint>, double X, double Loss) o, (List<LawPoint>, double X, double Loss) a, (List<LawPoint>, double X, double Loss) b) =>
        (a.X - o.X) * (b.Loss - o.Loss) - (a.Loss - o.Loss) * (b.X - o.X);

    /// <summary>Compute levels closer than this in log10 (0.2%) are one level.</summary>
    private const double ComputeTolerance = 1e-3;

    /// <summary>A grid cell: its model size and tokens, or (for points without them) its compute within 0.2%. Seeds of one
    /// cell share it.</summary>
    internal static (double, double) GridCell(LawPoint p) =>
        double.IsFinite(p.ModelSize) && double.IsFinite(p.Tokens)
            ? (Math.Round(p.ModelSize), Math.Round(p.Tokens))
            : (Math.Round(Math.Log10(p.Compute), 3), double.NaN);
}
