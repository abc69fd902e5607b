using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>
/// What <c>analyze fit</c> was asked to do. <paramref name="EarlyComputeFraction"/> (<c>--discard-below</c>) is 0 by
/// default: an external table is fitted as given unless asked to leave out the early regime.
/// </summary>
public sealed record ExternalFitRequest(
    string Law,
    string Input,
    IReadOnlyList<string> Columns,
    int Bootstrap = 200,
    long Seed = 0,
    InitializationGrid? Grid = null,
    double EarlyComputeFraction = 0);

/// <summary>Fits one law to an external CSV or Parquet table: the engine behind <c>analyze fit</c>.</summary>
public static class ExternalFit
{
    public static FittedLaw Run(ExternalFitRequest request)
    {
        var law = ScalingLaws.ByName(request.Law, request.Grid);
        var mapping = ColumnMapping.Parse(request.Columns);
        var table = ExternalTable.Load(request.Input);
        var points = LawPointsFromTable.Build(table, request.Law, mapping);
        return LawAnalysis.Run(law, points, "all", new FitOptions(request.Bootstrap, request.Seed, EarlyComputeFraction: request.EarlyComputeFraction), table.Source);
    }
}
