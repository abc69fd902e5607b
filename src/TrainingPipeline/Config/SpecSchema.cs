using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TrainingPipeline.Config;

/// <summary>
/// The shape of a pipeline file, read from the <see cref="PipelineSpec"/> records, so that an error can say what a
/// JSON path expects ("an integer", "one of: layer_norm, rms_norm"), suggest the key a typo meant, and check sweep
/// paths before they are applied.
/// </summary>
public static class SpecSchema
{
    /// <summary>One step of a JSON path: a key, or a list index.</summary>
    public sealed record Segment(string? Key, int? Index);

    /// <summary>Splits <c>$.a.b[0]['c d']</c> (or a sweep path <c>a.b[0]</c>) into segments; null when malformed.</summary>
    public static IReadOnlyList<Segment>? Parse(string path)
    {
        var segments = new List<Segment>();
        int i = path.StartsWith('$') ? 1 : 0;
        bool first = i == 0;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                if (close < 0) return null;
                string inner = path[(i + 1)..close];
                if (inner.Length >= 2 && inner[0] == '\'' && inner[^1] == '\'') segments.Add(new Segment(inner[1..^1], null));
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out int index)) segments.Add(new Segment(null, index));
                else return null;
                i = close + 1;
                first = false;
                continue;
            }
            if (!first)
            {
                if (path[i] != '.') return null;
                i++;
            }
            first = false;
            int end = i;
            while (end < path.Length && path[end] is not ('.' or '[')) end++;
            if (end == i) return null;
            segments.Add(new Segment(path[i..end], null));
            i = end;
        }
        return segments;
    }

    /// <summary>The CLR type a JSON path of a pipeline file holds, or null when the path is not part of the schema.</summary>
    public static Type? TypeAt(string path)
    {
        var segments = Parse(path);
        if (segments is null) return null;
        Type? current = typeof(PipelineSpec);
        foreach (var segment in segments)
        {
            if (current is null) return null;
            current = segment.Index is not null ? ElementType(current) : MemberType(current, segment.Key!);
        }
        return current;
    }

    /// <summary>The keys an object of <paramref name="type"/> accepts (snake_case), or empty for maps and values.</summary>
    public static IReadOnlyList<string> KeysOf(Type type)
    {
        type = Unwrap(type);
        if (!IsRecord(type)) return [];
        return type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
            .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name!)).ToList();
    }

    /// <summary>What a value of <paramref name="type"/> looks like in a pipeline file, for "expected …" messages.</summary>
    public static string Describe(Type? type) => Describe(type, plural: false);

    private static string Describe(Type? type, bool plural)
    {
        if (type is null) return plural ? "values documented in docs/pipelines.md" : "a value documented in docs/pipelines.md";
        var t = Unwrap(type);
        string a = plural ? "" : "a ";
        string s = plural ? "s" : "";
        if (t.IsEnum) return "one of: " + string.Join(", ", Enum.GetNames(t).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
        if (t == typeof(int)) return $"{a}whole number{s} (no decimal point or exponent) between -2147483648 and 2147483647";
        if (t == typeof(long)) return $"{a}whole number{s} (no decimal point or exponent) between -9223372036854775808 and 9223372036854775807";
        if (t == typeof(double)) return $"{a}number{s}";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return $"{a}string{s} in double quotes";
        if (DictionaryValueType(t) is { } value) return $"{(plural ? "" : "an ")}object{s} of name → {Describe(value, plural: false)}";
        if (ElementType(t) is { } element) return $"{a}list{s} of {Describe(element, plural: true)}";
        if (IsRecord(t)) return $"{(plural ? "" : "an ")}object{s} with the keys " + string.Join(", ", KeysOf(t));
        return plural ? "values documented in docs/pipelines.md" : "a value documented in docs/pipelines.md";
    }

    /// <summary>The known key closest to a misspelled one (edit distance ≤ 2, or ≤ a third of its length), or null.</summary>
    public static string? Suggest(string unknown, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            int distance = EditDistance(unknown.ToLowerInvariant(), candidate);
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return best is not null && bestDistance <= Math.Max(2, unknown.Length / 3) ? best : null;
    }

    /// <summary>The node at a JSON path of <paramref name="root"/>, or null when absent (or JSON null).</summary>
    public static JsonNode? NodeAt(JsonNode root, string path)
    {
        var segments = Parse(path);
        if (segments is null) return null;
        JsonNode? current = root;
        foreach (var segment in segments)
        {
            current = (current, segment.Index) switch
            {
                (JsonArray array, int index) => index >= 0 && index < array.Count ? array[index] : null,
                (JsonObject obj, null) => obj.TryGetPropertyValue(segment.Key!, out var child) ? child : null,
                _ => null,
            };
            if (current is null) return null;
        }
        return current;
    }

    private static Type? MemberType(Type type, string key)
    {
        type = Unwrap(type);
        if (DictionaryValueType(type) is { } value) return value;
        if (!IsRecord(type)) return null;
        var parameter = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
            .FirstOrDefault(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name!) == key);
        return parameter?.ParameterType;
    }

    private static Type? ElementType(Type type)
    {
        type = Unwrap(type);
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyList<>) || d == typeof(List<>)))
            return type.GetGenericArguments()[0];
        return null;
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyDictionary<,>) || d == typeof(Dictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static bool IsRecord(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(PipelineSpec).Namespace
        && type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null;

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
