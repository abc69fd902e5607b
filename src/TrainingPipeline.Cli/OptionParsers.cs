using System.CommandLine.Parsing;
using System.Globalization;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>
/// Parsers for options whose default System.CommandLine error names a .NET type ("as expected type
/// 'System.Nullable`1[System.Int32]'"): each error names the option, the value and the fix instead.
/// </summary>
internal static class OptionParsers
{
    public static int? Threads(ArgumentResult result)
    {
        string text = LastToken(result);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int threads)
            && threads is >= 0 and <= ThreadLimits.Max)
            return threads;
        result.AddError($"error: --threads: '{MessageText.Printable(text)}' is not a thread count from 0 to {ThreadLimits.Max}. " +
            $"Fix: use a whole number, e.g. --threads {Environment.ProcessorCount} (0 keeps libtorch's default)");
        return null;
    }

    /// <summary>A folder option (--out, --models, --datasets): a non-empty path .NET accepts.</summary>
    public static DirectoryInfo? Folder(ArgumentResult result)
    {
        string option = (result.Parent as OptionResult)?.Option.Name ?? "the folder option";
        string text = LastToken(result);
        if (string.IsNullOrWhiteSpace(text))
        {
            result.AddError($"error: {option}: the path is empty. Fix: give a folder, e.g. {option} runs/my-experiment, or leave the option out for its default");
            return null;
        }
        try
        {
            return new DirectoryInfo(text);
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        {
            result.AddError($"error: {option}: '{MessageText.Printable(text)}' is not a usable path ({e.Message.TrimEnd('.')}). Fix: give a folder path");
            return null;
        }
    }

    private static string LastToken(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
}
