using System.Text.RegularExpressions;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>
/// Expands an <c>--input</c> argument: a file, a folder (every .csv and .parquet below it) or a glob where
/// <c>*</c> matches within a folder name and <c>**</c> across folders (e.g. <c>runs/**/part-*.parquet</c>).
/// </summary>
public static class InputFiles
{
    public static IReadOnlyList<string> Expand(string pattern)
    {
        if (File.Exists(pattern)) return [Path.GetFullPath(pattern)];
        if (Directory.Exists(pattern))
        {
            var tables = Supported(Directory.EnumerateFiles(pattern, "*", SearchOption.AllDirectories));
            return tables.Count > 0 ? tables
                : throw new BadInputException(Path.GetFullPath(pattern), "--input", "the folder holds no .csv or .parquet table (none found in it or below it)",
                    "pass a folder with the tables, a CSV or Parquet file, or a glob such as 'runs/**/*.parquet'");
        }
        if (pattern.IndexOfAny(['*', '?']) < 0)
            throw new BadInputException(pattern, "--input", "no such file or folder", "pass an existing CSV or Parquet file, a folder, or a glob");
        var full = Path.GetFullPath(pattern).Replace('\\', '/');
        var firstWildcard = full.IndexOfAny(['*', '?']);
        var root = full[..full.LastIndexOf('/', firstWildcard)];
        if (root.Length == 0) root = "/";
        var regex = new Regex("^" + GlobToRegex(full) + "$");
        var matches = Directory.Exists(root)
            ? Supported(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => regex.IsMatch(f.Replace('\\', '/'))))
            : [];
        if (matches.Count == 0)
            throw new BadInputException(pattern, "--input", "the glob matches no .csv or .parquet file", "check the path and the pattern");
        return matches;
    }

    private static List<string> Supported(IEnumerable<string> files) =>
        [.. files.Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];

    private static string GlobToRegex(string glob)
    {
        var parts = new List<string>();
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                // "**/" matches zero or more folders.
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                parts.Add(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (glob[i] == '*') parts.Add("[^/]*");
            else if (glob[i] == '?') parts.Add("[^/]");
            else parts.Add(Regex.Escape(glob[i].ToString()));
        }
        return string.Concat(parts);
    }
}
