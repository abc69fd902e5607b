using System.Globalization;
using System.Text;
using TrainingPipeline.Pipeline;

namespace TrainingPipeline.Cli;

/// <summary>Plain-text tables printed at the end of a command.</summary>
internal static class Summary
{
    public static string RunsTable(IReadOnlyList<RunOutcome> outcomes)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"run_id",-18}{"stage",-18}{"params",12}  {"outcome",-10}axes"));
        foreach (var o in outcomes)
        {
            var model = o.Run.Config.Model;
            string axes = string.Join(", ", o.Run.Axes.Select(a => $"{a.Key}={a.Value}"));
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{o.Run.Id,-18}{o.Run.Stage,-18}{model.ParamsTotal,12:N0}  {RunOutcomes.Name(o.Outcome),-10}{axes}"));
        }
        return sb.ToString().TrimEnd();
    }
}
