namespace TrainingPipeline.Analysis;

/// <summary>Anchor type for reflection over this assembly (tests check its references).</summary>
public static class AssemblyMarker;
