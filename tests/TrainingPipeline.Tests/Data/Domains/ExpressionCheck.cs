using System.Data;
using System.Globalization;

namespace TrainingPipeline.Tests.Data.Domains;

/// <summary>An independent evaluator (System.Data expressions) to check the domains' own reductions against.</summary>
internal static class ExpressionCheck
{
    public static long Arithmetic(string expression) =>
        Convert.ToInt64(new DataTable().Compute(expression, null), CultureInfo.InvariantCulture);

    public static bool Boolean(string expression) =>
        (bool)new DataTable().Compute(expression.Replace("T", "true").Replace("F", "false"), null);
}
