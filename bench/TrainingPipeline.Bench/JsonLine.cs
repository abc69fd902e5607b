using System.Text.Json;

namespace TrainingPipeline.Bench;

/// <summary>Writes one measurement as one JSON line on stdout (the format bench/compare.sh and the Python peer share).</summary>
public static class JsonLine
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static void Write(string name, IReadOnlyDictionary<string, object?> fields)
    {
        var line = new Dictionary<string, object?> { ["name"] = name, ["stack"] = "torchsharp" };
        foreach (var (key, value) in fields) line[key] = value is double d ? Math.Round(d, 4) : value;
        Console.WriteLine(JsonSerializer.Serialize(line, Options));
        Console.Out.Flush();
    }
}
