using System.Buffers;
using System.Text;
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
    /// <summary>A pipeline file larger than this is refused before it is read (it is not a pipeline, or not one written by hand).</summary>
    public const long MaxFileBytes = 16L << 20;

    public static IReadOnlyList<SweepPoint> LoadFile(string path, SpecValidator.Catalogs catalogs)
    {
        if (Directory.Exists(path))
            throw new BadInputException(path, "(file)", "is a folder, not a pipeline file", "pass a .json file, e.g. pipelines/quickstart.json");
        if (!File.Exists(path))
            throw new BadInputException(path, "(file)", "the pipeline file does not exist", "check the path, e.g. pipelines/quickstart.json");
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxFileBytes)
                throw new BadInputException(path, "(file)", $"is {length:N0} bytes, more than a pipeline file can be ({MaxFileBytes:N0})",
                    "pass the pipeline's .json file (corpora are named inside it, e.g. \"text:<path>\", not passed here)");
            bytes = ReadBounded(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException(path, "(file)", "cannot be read: " + e.Message, "check that the file exists and is readable", e);
        }
        return Load(DecodeUtf8(bytes, path), path, catalogs);
    }

    /// <summary>
    /// Reads at most <see cref="MaxFileBytes"/>: a device or pipe (<c>/dev/zero</c>, <c>/dev/stdin</c>) reports length
    /// 0, so the size check above cannot stop it, and an unbounded read of <c>/dev/zero</c> ran out of memory.
    /// </summary>
    private static byte[] ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        using var contents = new MemoryStream();
        var chunk = new byte[1 << 16];
        for (int read; (read = stream.Read(chunk)) > 0;)
        {
            if (contents.Length + read > MaxFileBytes)
            {
                bool regular = (File.GetAttributes(path) & (FileAttributes.Device | FileAttributes.Directory)) == 0 && new FileInfo(path).Length > 0;
                throw new BadInputException(path, "(file)",
                    $"holds more than a pipeline file can ({MaxFileBytes:N0} bytes){(regular ? "" : "; it is not a regular file (a device or a pipe)")}",
                    "pass the pipeline's .json file (corpora are named inside it, e.g. \"text:<path>\", not passed here)");
            }
            contents.Write(chunk, 0, read);
        }
        return contents.ToArray();
    }

    /// <summary>Strict UTF-8 (a leading byte-order mark is allowed): invalid bytes are an error naming their line.</summary>
    private static string DecodeUtf8(byte[] bytes, string source)
    {
        ReadOnlySpan<byte> text = bytes;
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..];
        for (int offset = 0; offset < text.Length;)
        {
            if (Rune.DecodeFromUtf8(text[offset..], out _, out int consumed) != OperationStatus.Done)
            {
                int line = text[..offset].Count((byte)'\n') + 1;
                throw new BadInputException(source, $"line {line}", $"is not valid UTF-8 (byte 0x{text[offset]:X2} at offset {offset})",
                    "save the file as UTF-8");
            }
            offset += consumed;
        }
        return Encoding.UTF8.GetString(text);
    }

    public static IReadOnlyList<SweepPoint> Load(string json, string source, SpecValidator.Catalogs catalogs)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: SpecJson.Document);
        }
        catch (JsonException e) when (FindDuplicateKey(json) is { } duplicate)
        {
            throw new BadInputException(source, duplicate.Path, $"the key appears twice in one object (line {duplicate.Line})",
                "write each key once (JSON keeps only one of the values, so the file does not say which one you meant)", e);
        }
        catch (JsonException e)
        {
            throw new BadInputException(source, $"line {e.LineNumber + 1}", "is not valid JSON: " + FirstSentence(e.Message),
                "fix the JSON syntax at that line", e);
        }
        catch (InvalidOperationException e) when (IsLoneSurrogate(e))
        {
            throw LoneSurrogate(source, "$ (a key)", e);
        }
        if (root is not JsonObject spec)
            throw new BadInputException(source, "$", "the pipeline must be a JSON object", "wrap the pipeline in { … }");
        CheckStrings(spec, "$", source);

        var grids = ReadSweep(spec, source);
        var points = new List<SweepPoint>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assignment in grids.SelectMany(Cartesian))
        {
            // Grids of a list may overlap (extra seeds at some points of a main grid): each point once.
            if (!seen.Add(string.Join("\n", assignment.Select(a => a.Path + "=" + (a.Value?.ToJsonString() ?? "null")).Order(StringComparer.Ordinal))))
                continue;
            var point = (JsonObject)spec.DeepClone();
            var labels = new Dictionary<string, string>();
            foreach (var (axisPath, value) in assignment)
            {
                SetPath(point, axisPath, value?.DeepClone(), source);
                labels[axisPath] = value?.ToJsonString() ?? "null";
            }
            string where = labels.Count == 0 ? "" : " (sweep point " + string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}")) + ")";
            CheckValues(point, "$", source + where);
            var parsed = Deserialize(point, source, where);
            SpecValidator.Validate(parsed, source + where, catalogs);
            points.Add(new SweepPoint(labels, parsed));
        }
        return points;
    }

    /// <summary>
    /// What the serializer does not check: lists hold no nulls, and every number is finite (JSON has no NaN, but
    /// 1e999 reads as infinity and would poison a run's config and id).
    /// </summary>
    private static void CheckValues(JsonNode node, string path, string source)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                    if (child is not null) CheckValues(child, $"{path}.{key}", source);
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item) CheckValues(item, $"{path}[{i}]", source);
                    else throw new BadInputException(source, $"{path}[{i}]", "null is not allowed in a list", "remove it, or write a value");
                }
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && !double.IsFinite(value.GetValue<double>()):
                throw new BadInputException(source, path, $"{value.ToJsonString()} is too large to be a number", "use a finite number");
        }
    }

    /// <summary>
    /// Every key and string must be text: a lone UTF-16 surrogate escape (<c>"\ud800"</c>) parses, but System.Text.Json
    /// refuses to read it as a string later, with an error that names neither file nor path.
    /// </summary>
    private static void CheckStrings(JsonNode node, string path, string source)
    {
        switch (node)
        {
            case JsonObject obj:
                List<KeyValuePair<string, JsonNode?>> members;
                try
                {
                    members = [.. obj];
                }
                catch (InvalidOperationException e) when (IsLoneSurrogate(e))
                {
                    throw LoneSurrogate(source, path + " (a key)", e);
                }
                foreach (var (key, child) in members)
                    if (child is not null) CheckStrings(child, $"{path}.{key}", source);
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                    if (array[i] is { } item) CheckStrings(item, $"{path}[{i}]", source);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    _ = value.GetValue<string>();
                }
                catch (InvalidOperationException e) when (IsLoneSurrogate(e))
                {
                    throw LoneSurrogate(source, path, e);
                }
                break;
        }
    }

    private static bool IsLoneSurrogate(InvalidOperationException e) => e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase);

    private static BadInputException LoneSurrogate(string source, string path, Exception e) =>
        new(source, path, "the string holds a lone surrogate escape (\\uD800–\\uDFFF without its pair), which is not text",
            "remove the escape, or write the character itself (UTF-8) or as a complete surrogate pair", e);

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
            string problem, fix;
            if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            {
                path = UnmappedPath(e.Message, path);
                int dot = path.LastIndexOf('.');
                string key = path[(dot + 1)..];
                var parent = SpecSchema.TypeAt(path[..dot]);
                var suggestion = parent is null ? null : SpecSchema.Suggest(key, SpecSchema.KeysOf(parent));
                problem = "unknown key (misspelled, or not a pipeline setting)";
                fix = suggestion is null ? "see docs/pipelines.md for every key, its type and default"
                    : $"did you mean '{suggestion}'? (docs/pipelines.md lists every key)";
            }
            else if (MissingKey(e.Message) is { } missing)
            {
                path = path == "$" ? "$." + missing : path + "." + missing;
                problem = "this required key is missing";
                fix = $"add \"{missing}\" (docs/pipelines.md lists every key)";
            }
            else
            {
                string expected = SpecSchema.Describe(SpecSchema.TypeAt(path));
                string got = SpecSchema.NodeAt(node, path)?.ToJsonString() ?? "null";
                problem = $"expected {expected}, got {Shorten(got)}";
                fix = $"write {expected} (docs/pipelines.md lists every key and its type)";
            }
            throw new BadInputException(source + where, path, problem, fix, e);
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

    /// <summary>The first key of STJ's "missing required properties including: 'a', 'b'" message.</summary>
    private static string? MissingKey(string message)
    {
        int at = message.IndexOf("missing required properties including: '", StringComparison.Ordinal);
        if (at < 0) return null;
        int start = message.IndexOf('\'', at) + 1;
        int end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : null;
    }

    /// <summary>The JSON path and line of the first key written twice in one object, or null (also for invalid JSON).</summary>
    private static (string Path, int Line)? FindDuplicateKey(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var scopes = new Stack<(string Path, HashSet<string>? Keys, int Index)>();
        string? pendingKey = null;
        try
        {
            while (reader.Read())
            {
                string Here()
                {
                    if (scopes.Count == 0) return "$";
                    var (path, keys, index) = scopes.Peek();
                    return keys is null ? $"{path}[{index}]" : $"{path}.{pendingKey}";
                }
                void Advance()
                {
                    if (scopes.Count > 0 && scopes.Peek().Keys is null)
                    {
                        var top = scopes.Pop();
                        scopes.Push(top with { Index = top.Index + 1 });
                    }
                }
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push((Here(), new HashSet<string>(StringComparer.Ordinal), 0));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push((Here(), null, 0));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        Advance();
                        break;
                    case JsonTokenType.PropertyName:
                        pendingKey = reader.GetString()!;
                        if (!scopes.Peek().Keys!.Add(pendingKey))
                        {
                            int line = bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n') + 1;
                            return ($"{scopes.Peek().Path}.{pendingKey}", line);
                        }
                        break;
                    default:
                        Advance();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return null;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    /// <summary>
    /// The sweep's grids: an object (path → values) is one grid, the cartesian product of its axes; a list of such
    /// objects is the union of their grids (designs that are not one product: an IsoFLOP grid, where the token budget
    /// depends on the model size, or extra seeds at a few points of a main grid).
    /// </summary>
    private static List<List<(string Path, JsonArray Values)>> ReadSweep(JsonObject spec, string source)
    {
        var grids = new List<List<(string, JsonArray)>>();
        if (!spec.TryGetPropertyValue("sweep", out var sweepNode) || sweepNode is null) return [[]];
        spec.Remove("sweep");
        const string Example = "e.g. \"sweep\": {\"seed\": [1, 2]}, or a list of such grids: [{\"seed\": [1]}, {\"seed\": [2, 3]}]";
        if (sweepNode is JsonArray list)
        {
            if (list.Count == 0) throw new BadInputException(source, "$.sweep", "is an empty list of grids", Example);
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] is not JsonObject grid)
                    throw new BadInputException(source, $"$.sweep[{i}]", "must be an object of path → list of values", Example);
                grids.Add(ReadGrid(grid, $"$.sweep[{i}]", source));
            }
        }
        else if (sweepNode is JsonObject sweep) grids.Add(ReadGrid(sweep, "$.sweep", source));
        else throw new BadInputException(source, "$.sweep", "must be an object of path → list of values, or a list of such objects", Example);
        long points = grids.Sum(axes => axes.Aggregate(1L, (n, a) => n * a.Item2.Count));
        if (points > 100_000)
            throw new BadInputException(source, "$.sweep", $"expands to {points} points", "use fewer axes or values (at most 100,000 points)");
        return grids;
    }

    private static List<(string Path, JsonArray Values)> ReadGrid(JsonObject sweep, string where, string source)
    {
        var axes = new List<(string, JsonArray)>();
        foreach (var (axisPath, values) in sweep)
        {
            if (values is not JsonArray list || list.Count == 0)
                throw new BadInputException(source, $"{where}.{axisPath}", "must be a non-empty list of values",
                    $"e.g. \"{axisPath}\": [value1, value2]");
            if (list.Count > 10_000)
                throw new BadInputException(source, $"{where}.{axisPath}", $"has {list.Count} values", "use at most 10,000 values per axis");
            CheckSweepPath(axisPath, $"{where}.{axisPath}", source);
            axes.Add((axisPath, list));
        }
        return axes;
    }

    /// <summary>A sweep path must name a pipeline setting: a typo would otherwise add an unknown key to every point.</summary>
    private static void CheckSweepPath(string axisPath, string where, string source)
    {
        var segments = SpecSchema.Parse(axisPath);
        if (segments is null || segments.Count == 0 || segments[0].Key is null)
            throw new BadInputException(source, where, $"'{axisPath}' is not a valid path",
                "write keys separated by dots, with [index] for list elements, e.g. pretrain.phases[1].tokens");
        if (segments[0].Key == "sweep")
            throw new BadInputException(source, where, "a sweep cannot set the sweep", "sweep over pipeline settings, e.g. seed or model.preset");
        Type? current = typeof(PipelineSpec);
        string prefix = "";
        foreach (var segment in segments)
        {
            var next = SpecSchema.TypeAt(prefix + (segment.Key is null ? $"[{segment.Index}]" : (prefix.Length == 0 ? "" : ".") + segment.Key));
            if (next is null)
            {
                string here = prefix.Length == 0 ? "the pipeline" : $"'{prefix}'";
                var keys = SpecSchema.KeysOf(current!);
                if (segment.Key is null || keys.Count == 0)
                    throw new BadInputException(source, where, $"{here} is {SpecSchema.Describe(current)}, so '{axisPath}' does not exist",
                        "sweep over a path that docs/pipelines.md lists, e.g. pretrain.phases[1].tokens");
                var suggestion = SpecSchema.Suggest(segment.Key, keys);
                throw new BadInputException(source, where, $"'{segment.Key}' is not a setting of {here}",
                    suggestion is null ? "use one of: " + string.Join(", ", keys) : $"did you mean '{suggestion}'?");
            }
            prefix += segment.Key is null ? $"[{segment.Index}]" : (prefix.Length == 0 ? "" : ".") + segment.Key;
            current = next;
        }
    }

    private static IEnumerable<List<(string Path, JsonNode? Value)>> Cartesian(List<(string Path, JsonArray Values)> axes)
    {
        IEnumerable<List<(string, JsonNode?)>> result = new[] { new List<(string, JsonNode?)>() };
        foreach (var (path, values) in axes)
        {
            var captured = (path, values);
            result = result.SelectMany(prefix => captured.values.Select(v =>
                new List<(string, JsonNode?)>(prefix) { (captured.path, v) }));
        }
        return result;
    }

    /// <summary>Sets a dotted path with optional [index] parts (e.g. <c>pretrain.phases[1].tokens</c>).</summary>
    private static void SetPath(JsonObject root, string path, JsonNode? value, string source)
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
