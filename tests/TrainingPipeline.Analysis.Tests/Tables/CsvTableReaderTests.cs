using TrainingPipeline.Analysis.Tables;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Tables;

public sealed class CsvTableReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("csv-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadsQuotedHeadersAndMarksNonNumbersAsNaN()
    {
        var path = Path.Combine(_dir, "a.csv");
        File.WriteAllText(path, "\"Model Size\",loss,color\r\n1e8,3.5,#fff\r\n2e8,,red\r\n");
        var table = CsvTableReader.Read(path);
        Assert.Equal(2, table.RowCount);
        Assert.Equal([1e8, 2e8], table.Column("model size"));
        Assert.True(double.IsNaN(table.Column("loss")[1]));
        Assert.True(double.IsNaN(table.Column("color")[0]));
    }

    [Fact]
    public void RaggedRowIsBadInputNamingTheLine()
    {
        var path = Path.Combine(_dir, "b.csv");
        File.WriteAllText(path, "N,loss\n1,2\n3\n");
        var error = Assert.Throws<BadInputException>(() => CsvTableReader.Read(path));
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void LineNumbersCountBlankLinesAndQuotedNewlines()
    {
        var path = Path.Combine(_dir, "c.csv");
        File.WriteAllText(path, "N,loss\n\n1,\"2\n\"\n3\n");
        Assert.Contains("c.csv: line 5:", Assert.Throws<BadInputException>(() => CsvTableReader.Read(path)).Message);
    }

    [Fact]
    public void AnUnclosedQuoteIsBadInputNamingItsLine()
    {
        var path = Path.Combine(_dir, "d.csv");
        File.WriteAllText(path, "N,loss\n1,2\n\"3,4\n5,6\n");
        var error = Assert.Throws<BadInputException>(() => CsvTableReader.Read(path));
        Assert.Contains("d.csv: line 3: a quoted field is never closed", error.Message);
    }

    [Fact]
    public void GlobMatchesFilesAcrossFolders()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "x", "y"));
        File.WriteAllText(Path.Combine(_dir, "x", "y", "p1.csv"), "C,score\n1e12,0.1\n");
        File.WriteAllText(Path.Combine(_dir, "x", "p2.csv"), "C,score\n1e13,0.2\n");
        File.WriteAllText(Path.Combine(_dir, "x", "notes.txt"), "");
        var table = ExternalTable.Load(Path.Combine(_dir, "**", "p*.csv"));
        Assert.Equal(2, table.RowCount);
        Assert.Throws<BadInputException>(() => ExternalTable.Load(Path.Combine(_dir, "**", "q*.csv")));
    }
}
