namespace TrainingPipeline.Tests.Data.Domains;

/// <summary>Parsing helpers shared by the domain tests that check a document's arithmetic.</summary>
internal static class DocumentText
{
    /// <summary>The integers of a space-separated list, e.g. "3 1 2".</summary>
    public static int[] Numbers(string text) => text.Split(' ').Select(int.Parse).ToArray();
}
