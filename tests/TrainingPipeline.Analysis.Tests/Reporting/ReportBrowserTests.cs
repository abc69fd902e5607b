using System.Text.Json.Nodes;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Reporting;
using TrainingPipeline.Analysis.Tests.TestData;
using Xunit.Abstractions;

namespace TrainingPipeline.Analysis.Tests.Reporting;

/// <summary>
/// report.html in a real browser (issue 17): headless Chromium loads it without console errors, every image decodes with
/// a non-zero natural size, and the report card table is there. Screenshots of the card and of the whole page are written
/// next to the report (<c>bin/…/browser-report/</c>, kept for a person to look at).
/// </summary>
public sealed class ReportBrowserTests(ITestOutputHelper output)
{
    private static readonly AnalysisOptions Quick = new(Bootstrap: 20, Seed: 1,
        ChinchillaGrid: ChinchillaLaw.CoarseGrid, LossComputeGrid: LossComputeLaw.CoarseGrid, EarlyComputeFraction: 0);

    [ChromiumFact]
    public async Task TheReportLoadsInChromiumWithEveryImageDecodedAndTheCardOnTop()
    {
        var executable = HeadlessChromium.Executable()
            ?? throw new InvalidOperationException("CI is set but Chromium is not installed: .ci/run installs it (apt-get install chromium)");
        var root = Path.Combine(AppContext.BaseDirectory, "browser-report");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        var results = new ResultsFolderBuilder(Path.Combine(root, "results"));
        SyntheticPipeline.WritePretraining(results, [1e5, 3e5, 1e6], [2e6, 6e6, 2e7]);
        SyntheticPipeline.WriteRl(results, [4, 4, 4], parent: "pt-1000000-20000000");
        var summary = AnalysisStage.Run(results.Directory, Path.Combine(root, "analysis"), Quick, TextWriter.Null);
        var figures = Directory.GetFiles(Path.GetDirectoryName(summary.ReportHtmlPath)!, "*.png").Length;

        await using var browser = await HeadlessChromium.StartAsync(executable, 1200, 1400);
        await browser.LoadAsync(new Uri(summary.ReportHtmlPath).AbsoluteUri);

        var page = (await browser.EvaluateAsync("""
            (async () => {
              await Promise.all([...document.images].map(i => i.decode().then(() => true, () => false)));
              const card = document.getElementById('report-card-table');
              return {
                images: [...document.images].map(i => ({ alt: i.alt, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight })),
                cardRows: card ? card.querySelectorAll('tbody tr').length : -1,
                cardHeader: card ? [...card.querySelectorAll('thead th')].map(h => h.textContent) : [],
                firstSection: document.querySelector('section').id,
              };
            })()
            """))!.AsObject();

        Assert.Empty(browser.Errors);
        var images = page["images"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal(figures, images.Count); // every plot written beside the report is in the page
        Assert.All(images, i => Assert.True((bool)i["complete"]! && (int)i["width"]! > 0 && (int)i["height"]! > 0, $"image '{i["alt"]}' did not decode: {i.ToJsonString()}"));
        Assert.Equal(ReportCard.Header, page["cardHeader"]!.AsArray().Select(h => (string)h!));
        Assert.Equal(summary.Card.Count, (int)page["cardRows"]!);
        Assert.Equal("report-card", (string)page["firstSection"]!);

        var card = Path.Combine(Path.GetDirectoryName(summary.ReportHtmlPath)!, "report-card.png");
        await File.WriteAllBytesAsync(card, await browser.ScreenshotAsync());
        await File.WriteAllBytesAsync(Path.ChangeExtension(summary.ReportHtmlPath, ".png"), await browser.ScreenshotAsync(fullPage: true));
        using var bitmap = SkiaSharp.SKBitmap.Decode(card);
        Assert.True(bitmap is { Width: > 0, Height: > 0 });
        output.WriteLine($"screenshots: {card} and {Path.ChangeExtension(summary.ReportHtmlPath, ".png")}");
    }

    [ChromiumFact]
    public async Task ABrokenImageIsCaughtNotPassed()
    {
        // The check must be able to fail: a page with an undecodable image and a console error.
        var executable = HeadlessChromium.Executable()
            ?? throw new InvalidOperationException("CI is set but Chromium is not installed: .ci/run installs it (apt-get install chromium)");
        var folder = Directory.CreateTempSubdirectory("broken-report").FullName;
        try
        {
            var html = Path.Combine(folder, "report.html");
            await File.WriteAllTextAsync(html, "<!DOCTYPE html><html><head><title>t</title></head><body>" +
                "<img alt=\"broken\" src=\"data:image/png;base64,iVBORw0KGgo=\"><script>console.error('boom')</script></body></html>");
            await using var browser = await HeadlessChromium.StartAsync(executable, 800, 600);
            await browser.LoadAsync(new Uri(html).AbsoluteUri);
            var width = (int)(await browser.EvaluateAsync("document.images[0].naturalWidth"))!;
            Assert.Equal(0, width);
            Assert.Contains(browser.Errors, e => e.Contains("boom", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
