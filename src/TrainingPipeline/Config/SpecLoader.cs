using System.Text.Json;
using System.Text.Json.Nodes;
using TrainingPipeline.Results;

namespace TrainingPipeline.Config;

/// <summary>One fully resolved point of an experiment's sweep grid.</summary>
public sealed record SweepPoint(IReadOnlyDictionary<string, string> Axes, PipelineSpec Spec);

/// <summary>
/// Reads a pipeline file strictly and expands its sweep. A sweep maps a dotted path into the spec
/// (<c>model.preset</c>, <c>pretrain.phases[1].tokens</c>, <c>rl.tasks</c>, <c>seed</c>) to a list of values; the
/// grid is their cartesian product, and each point is parsed and validated as a spec of its own.
/// </summary>
public static class SpecLoader
{
    public static IReadOnlyList<SweepPoint> LoadFile(string path, SpecValidator.Catalogs catalogs)
    {
        if (!File.Exists(path))
            throw new BadInputException(path, "(file)", "the pipeline file does not exist", "check the path, e.g. pipelines/quickstart.json");
        return Load(File.ReadAllText(path), path, catalogs);
    }

    public static IReadOnlyList<SweepPoint> Load(string json, string source, SpecValidator.Catalogs catalogs)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: SpecJson.Document);
        }
        catch (JsonException e)
        {
            throw new BadInputException(source, $"line {e.LineNumber + 1}", "is not valid JSON: " + FirstSentence(e.Message),
                "fix the JSON syntax at that line", e);
        }
        if (root is not JsonObject spec)
            throw new BadInputException(source, "$", "the pipeline must be a JSON object", "wrap the pipeline in { … }");

        var axes = ReadSweep(spec, source);
        var points = new List<SweepPoint>();
        foreach (var assignment in Cartesian(axes))
        {
            var point = (JsonObject)spec.DeepClone();
            var labels = new Dictionary<string, string>();
            foreach (var (axisPath, value) in assignment)
            {
                SetPath(point, axisPath, value.DeepClone(), source);
                labels[axisPath] = value.ToJsonString();
            }
            string where = labels.Count == 0 ? "" : " (sweep point " + string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}")) + ")";
            var parsed = Deserialize(point, source, where);
            SpecValidator.Validate(parsed, source + where, catalogs);
            points.Add(new SweepPoint(labels, parsed));
        }
        return points;
    }

    private static PipelineSpec Deserialize(JsonObject node, string source, string where)
    {
        try
        {
            return node.Deserialize<PipelineSpec>(SpecJson.Strict)
                ?? throw new BadInputException(source, "$", "the pipeline is null", "write a JSON object");
        }
        catch (JsonException e)
        {
            string path = e.Path ?? "$";
            string problem = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "unknown key (misspelled, or not a pipeline setting)"
                : e.Message.Contains("missing required properties", StringComparison.Ordinal)
                    ? FirstSentence(e.Message)
                    : "wrong type or value: " + FirstSentence(e.Message);
            if (e.Message.Contains("could not be mapped", StringComparison.Ordinal)) path = UnmappedPath(e.Message, path);
            throw new BadInputException(source + where, path, problem,
                "see docs/pipelines.md for every key, its type and default", e);
        }
    }

    /// <summary>STJ reports the parent object's path for an unknown key; name the key itself.</summary>
    private static string UnmappedPath(string message, string parentPath)
    {
        int start = message.IndexOf('\'');
        int end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        if (end <= start) return parentPath;
        string key = message[(start + 1)..end];
        return parentPath.EndsWith("." + key, StringComparison.Ordinal) ? parentPath : parentPath + "." + key;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    private static List<(string Path, JsonArray Values)> ReadSweep(JsonObject spec, string source)
    {
        var axes = new List<(string, JsonArray)>();
        if (!spec.TryGetPropertyValue("sweep", out var sweepNode) || sweepNode is null) return axes;
        spec.Remove("sweep");
        if (sweepNode is not JsonObject sweep)
            throw new BadInputException(source, "$.sweep", "must be an object of path → list of values", "e.g. \"sweep\": {\"seed\": [1, 2]}");
        foreach (var (axisPath, values) in sweep)
        {
            if (values is not JsonArray list || list.Count == 0)
                throw new BadInputException(source, $"$.sweep.{axisPath}", "must be a non-empty list of values",
                    $"e.g. \"{axisPath}\": [value1, value2]");
            if (list.Count > 10_000)
                throw new BadInputException(source, $"$.sweep.{axisPath}", $"has {list.Count} values", "use at most 10,000 values per axis");
            axes.Add((axisPath, list));
        }
        long points = axes.Aggregate(1L, (n, a) => n * a.Item2.Count);
        if (points > 100_000)
            throw new BadInputException(source, "$.sweep", $"expands to {points} points", "use fewer axes or values (at most 100,000 points)");
        return axes;
    }

    private static IEnumerable<List<(string Path, JsonNode Value)>> Cartesian(List<(string Path, JsonArray Values)> axes)
    {
        IEnumerable<List<(string, JsonNode)>> result = new[] { new List<(string, JsonNode)>() };
        foreach (var (path, values) in axes)
        {
            var captured = (path, values);
            result = result.SelectMany(prefix => captured.values.Select(v =>
                new List<(string, JsonNode)>(prefix) { (captured.path, v ?? JsonValue.Create((string?)null)!) }));
        }
        return result;
    }

    /// <summary>Sets a dotted path with optional [index] parts (e.g. <c>pretrain.phases[1].tokens</c>).</summary>
    private static void SetPath(JsonObject root, string path, JsonNode value, string source)
    {
        var parts = path.Split('.');
        JsonNode current = root;
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            int? index = null;
            int bracket = part.IndexOf('[');
            if (bracket >= 0)
            {
                if (!part.EndsWith(']') || !int.TryParse(part[(bracket + 1)..^1], out int parsedIndex))
                    throw new BadInputException(source, $"$.sweep.{path}", $"'{part}' is not a valid path part", "write name[index], e.g. phases[1]");
                index = parsedIndex;
                part = part[..bracket];
            }
            bool last = i == parts.Length - 1;
            if (current is not JsonObject obj)
                throw new BadInputException(source, $"$.sweep.{path}", $"'{string.Join('.', parts[..i])}' is not an object", "sweep only into objects");
            if (index is null)
            {
                if (last) { obj[part] = value; return; }
                if (obj[part] is null) obj[part] = new JsonObject();
                current = obj[part]!;
                continue;
            }
            if (obj[part] is not JsonArray array || index < 0 || index >= array.Count)
                throw new BadInputException(source, $"$.sweep.{path}", $"'{part}' has no element [{index}]", "index an existing list element");
            if (last) { array[index.Value] = value; return; }
            current = array[index.Value]!;
        }
    }
}
