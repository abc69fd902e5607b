using TrainingPipeline.Results;

namespace TrainingPipeline.Data.UserCorpora;

internal static class UserFiles
{
    /// <summary>The file itself, or every file matching <paramref name="pattern"/> under the folder, ordinally sorted.</summary>
    public static IReadOnlyList<string> Expand(string path, string pattern)
    {
        if (File.Exists(path)) return [Path.GetFullPath(path)];
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, pattern, SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new BadInputException(path, "path", $"the folder holds no {pattern} files", $"add {pattern} files or point at a file");
            return files;
        }
        throw new BadInputException(path, "path", "no such file or folder", "check the path (relative paths start at the working directory)");
    }
}
