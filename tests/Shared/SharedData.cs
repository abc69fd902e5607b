using System.Runtime.CompilerServices;

namespace TrainingPipeline.Testing;

/// <summary>
/// Locates the read-only public datasets in <c>../shared/datasets</c> beside the project root.
/// </summary>
public static class SharedData
{
    public static bool InCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Absolute path of <c>../shared/datasets/&lt;relative&gt;</c> (it may not exist).</summary>
    public static string PathOf(string relative) => Path.Combine(RepositoryRoot(), "..", "shared", "datasets", relative);

    public static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        // Walk up from the test binaries to the folder holding TrainingPipeline.sln.
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "TrainingPipeline.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("TrainingPipeline.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// A fact that needs a file from <c>../shared/datasets</c>. Outside CI it is skipped, with the reason shown, when
/// the file is missing; in CI (<c>CI</c> set) it always runs, so a missing file fails loudly.
/// </summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath)
    {
        if (!SharedData.InCi && !File.Exists(SharedData.PathOf(relativePath)))
            Skip = $"../shared/datasets/{relativePath} is missing (skipped outside CI; CI fails instead)";
    }
}
