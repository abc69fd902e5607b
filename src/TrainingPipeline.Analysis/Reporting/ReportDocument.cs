namespace TrainingPipeline.Analysis.Reporting;

/// <summary>A report as data, rendered both to Markdown and to self-contained HTML.</summary>
public sealed record ReportDocument(string Title, IReadOnlyList<ReportSection> Sections);

/// <summary>A section: its id (HTML anchor), heading, and blocks in order.</summary>
public sealed record ReportSection(string Id, string Heading, IReadOnlyList<ReportBlock> Blocks);

public abstract record ReportBlock;

public sealed record ParagraphBlock(string Text) : ReportBlock;

/// <param name="Id">The HTML id of the table (null: none); the report card's is <c>report-card</c>.</param>
public sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, string? Id = null) : ReportBlock;

public sealed record FigureBlock(ReportFigure Figure) : ReportBlock;
