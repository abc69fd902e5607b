namespace TrainingPipeline.Analysis.Reporting;

/// <summary>A rendered plot: PNG bytes, the file name it is saved under next to the report, and a caption.</summary>
public sealed record ReportFigure(string Section, string Title, string FileName, byte[] Png, string Caption);
