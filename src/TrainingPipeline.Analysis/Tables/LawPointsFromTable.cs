using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>
/// Builds fit points from an external table. Compute and tokens complete each other under C = 6·N·D: when D is
/// missing but C and N are given, D = C / (6N); when C is missing, C = 6·N·D.
/// </summary>
public static class LawPointsFromTable
{
    public static IReadOnlyList<LawPoint> Build(NumericTable table, string law, ColumnMapping columns)
    {
        if (law is RlLogLinearLaw.LawName or RlSigmoidLaw.LawName)
        {
            var compute = columns.Require(table, "C", law);
            var score = columns.Require(table, "score", law);
            return [.. Enumerable.Range(0, table.RowCount).Select(i => new LawPoint(compute[i], score[i]))];
        }
        var loss = columns.Require(table, "loss", law);
        var n = columns.Find(table, "N") is { } nColumn ? table.Column(nColumn) : null;
        var d = columns.Find(table, "D") is { } dColumn ? table.Column(dColumn) : null;
        var c = columns.Find(table, "C") is { } cColumn ? table.Column(cColumn) : null;
        if (law == ChinchillaLaw.LawName)
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
