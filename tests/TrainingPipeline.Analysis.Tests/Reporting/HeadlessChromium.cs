using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Analysis.Tests.Reporting;

/// <summary>
/// A headless Chromium driven over the DevTools protocol (a WebSocket on a loopback port; no package needed): it loads a
/// page, records console errors, uncaught exceptions and failed loads, evaluates JavaScript in the page and takes
/// screenshots. The browser is the Debian package <c>chromium</c> (<c>.ci/run</c> installs it when missing).
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonObject> _events = [];
    private int _nextId;

    /// <summary>The browser's executable on PATH (Debian names it <c>chromium</c>), or null.</summary>
    public static string? Executable() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    /// <summary>Console messages of level error, uncaught exceptions and log entries of level error, in order.</summary>
    public IReadOnlyList<string> Errors => [.. _events.Select(ErrorText).OfType<string>()];

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync(string executable, int width, int height)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        foreach (var argument in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                     $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank" })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var endpoint = await ReadDevToolsEndpoint(process);
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://{endpoint}/json/list"))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            await browser._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None);
            foreach (var domain in new[] { "Runtime", "Log", "Page" }) await browser.SendAsync($"{domain}.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> ReadDevToolsEndpoint(Process process)
    {
        var output = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!timeout.IsCancellationRequested)
        {
            var line = await process.StandardError.ReadLineAsync(timeout.Token);
            if (line is null) break;
            output.AppendLine(line);
            if (DevToolsLine().Match(line) is { Success: true } match)
            {
                // Keep draining both pipes: a browser blocked on a full pipe would stop answering.
                _ = process.StandardError.ReadToEndAsync();
                _ = process.StandardOutput.ReadToEndAsync();
                return match.Groups[1].Value;
            }
        }
        throw new InvalidOperationException($"Chromium printed no DevTools endpoint:\n{output}");
    }

    /// <summary>Navigates and waits for the load event (images decoded or failed by then).</summary>
    public async Task LoadAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await WaitForEventAsync("Page.loadEventFired");
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page; returns its value (JSON).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } error) throw new InvalidOperationException($"the page threw: {error.ToJsonString()}");
        return result["result"]?["value"];
    }

    /// <summary>A PNG of the viewport, or of the whole page.</summary>
    public async Task<byte[]> ScreenshotAsync(bool fullPage = false)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = fullPage });
        return Convert.FromBase64String((string)result["data"]!);
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        while (true)
        {
            var reply = await ReceiveAsync();
            if ((int?)reply["id"] != id) continue;
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
            return reply["result"]!;
        }
    }

    private async Task WaitForEventAsync(string method)
    {
        if (_events.Any(e => (string?)e["method"] == method)) return;
        while ((string?)(await ReceiveAsync())["method"] != method) { }
    }

    /// <summary>The next message; events are kept (for <see cref="Errors"/> and <see cref="WaitForEventAsync"/>).</summary>
    private async Task<JsonObject> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        var json = JsonNode.Parse(message.ToArray())!.AsObject();
        if (json.ContainsKey("method")) _events.Add(json);
        return json;
    }

    private static string? ErrorText(JsonObject e) => (string?)e["method"] switch
    {
        "Runtime.consoleAPICalled" when (string?)e["params"]!["type"] is "error" or "assert" =>
            "console." + (string?)e["params"]!["type"] + ": " + e["params"]!["args"]!.ToJsonString(),
        "Runtime.exceptionThrown" => "exception: " + e["params"]!["exceptionDetails"]!.ToJsonString(),
        "Log.entryAdded" when (string?)e["params"]!["entry"]!["level"] == "error" =>
            "log: " + (string?)e["params"]!["entry"]!["text"] + " " + (string?)e["params"]!["entry"]!["url"],
        _ => null,
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open) await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        catch (WebSocketException) { }
        _socket.Dispose();
        // Only the browser this test started (and its helper processes), by its own id.
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"DevTools listening on ws://([^/\s]+)/")]
    private static partial Regex DevToolsLine();
}

/// <summary>
/// A fact that needs a headless Chromium. Outside CI it is skipped, with the reason shown, when none is installed; in CI
/// (<c>CI</c> set) it always runs, so a missing browser fails loudly (as <see cref="SharedDataFactAttribute"/> does for data).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!SharedData.InCi && HeadlessChromium.Executable() is null)
            Skip = "Chromium is not installed (apt-get install chromium; .ci/run installs it): skipped outside CI, CI fails instead";
    }
}
