using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.Distributions;

/// <summary>Helpers shared by the study scripts (compiled into each; not part of TrainingPipeline.sln).</summary>
internal static class StudyStats
{
    /// <summary>"mean [low, high]": the mean over runs with a 95% t interval over runs; "(1 run)" when there is one.</summary>
    public static string Interval(IReadOnlyList<double> v, string format = "0.000;-0.000;0.000")
    {
        double mean = v.Average();
        if (v.Count < 2) return mean.ToString(format, CultureInfo.InvariantCulture) + " (1 run)";
        double half = StudentT.InvCDF(0, 1, v.Count - 1, 0.975) * Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1) / v.Count);
        string F(double x) => x.ToString(format, CultureInfo.InvariantCulture);
        return $"{F(mean)} [{F(mean - half)}, {F(mean + half)}]";
    }

    /// <summary>A signed change with its interval: "+0.072 [−0.161, +0.305]".</summary>
    public static string Change(IReadOnlyList<double> v) => Interval(v, "+0.000;-0.000;0.000");

    /// <summary>The first property named <paramref name="name"/> at any depth of a run's config_json.</summary>
    public static JsonElement? Find(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in e.EnumerateObject())
            if (p.Name == name) return p.Value;
            else if (Find(p.Value, name) is { } found) return found;
        return null;
    }
}
