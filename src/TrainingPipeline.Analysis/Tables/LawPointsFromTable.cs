using TrainingPipeline.Results;
using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>
/// Builds fit points from an external table. Compute and tokens complete each other under C = 6·N·D: when D is
/// missing but C and N are given, D = C / (6N); when C is missing, C = 6·N·D. With <c>--col run=</c> every point
/// carries its run id (the bootstrap then resamples runs); a <c>stderr</c> column gives each point's evaluation error.
/// </summary>
public static class LawPointsFromTable
{
    public static IReadOnlyList<LawPoint> Build(NumericTable table, string law, ColumnMapping columns)
    {
        var runs = RunIds(table, columns);
        var errors = columns.Find(table, "stderr") is { } errorColumn ? table.Column(errorColumn) : null;
        return [.. ScalingLaws.Definition(law).PointsFromTable(table, columns, law).Select((p, i) => p with { Cluster = runs?[i], StdError = errors?[i] ?? double.NaN })];
    }

    private static string[]? RunIds(NumericTable table, ColumnMapping columns)
    {
        if (columns.Find(table, "run") is not { } column) return null;
        var ids = table.Text(column);
        var empty = Array.FindIndex(ids, string.IsNullOrWhiteSpace);
        if (empty >= 0)
            throw new BadInputException(table.Source, column, $"row {empty + 1} has no run id",
                "give every row the run (seed) it came from, or leave out --col run=");
        return ids;
    }

    /// <summary>Score against compute (the RL laws): columns C and score.</summary>
    public static IReadOnlyList<LawPoint> ScorePoints(NumericTable table, ColumnMapping columns, string law)
    {
        var compute = columns.Require(table, "C", law);
        var score = columns.Require(table, "score", law);
        return [.. Enumerable.Range(0, table.RowCount).Select(i => new LawPoint(compute[i], score[i]))];
    }

    /// <summary>Loss against compute: C, or N and D to complete it.</summary>
    public static IReadOnlyList<LawPoint> LossPoints(NumericTable table, ColumnMapping columns, string law) =>
        LossPoints(table, columns, law, needsModelSize: false);

    /// <summary>Loss against model size and data (Chinchilla): N, and D or C.</summary>
    public static IReadOnlyList<LawPoint> LossPointsWithModelSize(NumericTable table, ColumnMapping columns, string law) =>
        LossPoints(table, columns, law, needsModelSize: true);

    private static IReadOnlyList<LawPoint> LossPoints(NumericTable table, ColumnMapping columns, string law, bool needsModelSize)
    {
        var loss = columns.Require(table, "loss", law);
        var n = columns.Find(table, "N") is { } nColumn ? table.Column(nColumn) : null;
        var d = columns.Find(table, "D") is { } dColumn ? table.Column(dColumn) : null;
        var c = columns.Find(table, "C") is { } cColumn ? table.Column(cColumn) : null;
        if (needsModelSize)
        {
            n ??= columns.Require(table, "N", law);
            if (d is null && c is null) columns.Require(table, "D", law);
        }
        else if (c is null && (n is null || d is null))
        {
            columns.Require(table, "C", law);
        }
        return [.. Enumerable.Range(0, table.RowCount).Select(i =>
        {
            var modelSize = n?[i] ?? double.NaN;
            var tokens = d?[i] ?? (c is null ? double.NaN : c[i] / (6 * modelSize));
            var compute = c?[i] ?? 6 * modelSize * tokens;
            return new LawPoint(compute, loss[i], modelSize, tokens);
        })];
    }
}
