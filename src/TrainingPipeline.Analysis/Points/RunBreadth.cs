using System.Text.Json;

namespace TrainingPipeline.Analysis.Points;

/// <summary>
/// A run's breadth, read from its config_json: the first integer property named <c>rl_breadth</c> (RL runs) or
/// <c>corpus_breadth</c> found anywhere in the object, otherwise the number of entries of the first <c>tasks</c>
/// array or object; null when none is present or the JSON does not parse.
/// </summary>
public static class RunBreadth
{
    public static int? Read(string configJson, bool preferRl)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(configJson);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            string[] names = preferRl ? ["rl_breadth", "corpus_breadth"] : ["corpus_breadth", "rl_breadth"];
            foreach (var name in names)
                if (Find(document.RootElement, name) is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var value))
                    return value;
            return Find(document.RootElement, "tasks") switch
            {
                { ValueKind: JsonValueKind.Array } array => array.GetArrayLength(),
                { ValueKind: JsonValueKind.Object } map => map.EnumerateObject().Count(),
                _ => null,
            };
        }
    }

    /// <summary>The first integer property <paramref name="name"/> at any depth, with no fallback; null when absent.</summary>
    public static int? ReadNamed(string configJson, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(configJson);
            return Find(document.RootElement, name) is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Find(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
                if (property.NameEquals(name)) return property.Value;
            foreach (var property in element.EnumerateObject())
                if (Find(property.Value, name) is { } found) return found;
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                if (Find(item, name) is { } found) return found;
        }
        return null;
    }
}
