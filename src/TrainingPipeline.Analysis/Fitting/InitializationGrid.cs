namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Starting points for a multi-start fit: the Cartesian product of one list of values per internal parameter.
/// </summary>
public sealed record InitializationGrid(IReadOnlyList<IReadOnlyList<double>> Axes)
{
    public int Count => Axes.Aggregate(1, (product, axis) => product * axis.Count);

    public IEnumerable<double[]> Points()
    {
        var index = new int[Axes.Count];
        for (var n = 0; n < Count; n++)
        {
            yield return Axes.Select((axis, i) => axis[index[i]]).ToArray();
            for (var i = Axes.Count - 1; i >= 0; i--)
            {
                if (++index[i] < Axes[i].Count) break;
                index[i] = 0;
            }
        }
    }

    /// <summary>Evenly spaced values from <paramref name="start"/> while below <paramref name="stop"/> (like numpy.arange).</summary>
    public static IReadOnlyList<double> Range(double start, double stop, double step)
    {
        var values = new List<double>();
        for (var k = 0; start + k * step < stop - 1e-12; k++) values.Add(start + k * step);
        return values;
    }
}
