using System.Diagnostics;

namespace Segur.IntegrationTests.Samples;

/// <summary>The README's first command: the quick start runs a pharmacy's day end to end on embedded simulators.</summary>
public class QuickstartTests
{
    [Fact]
    public async Task Quickstart_RunsEveryStep_AndSendsTheDocumentOnce()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Segur.Samples.Quickstart.dll"));
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // safety net, not a timing assert
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        Assert.True(process.ExitCode == 0, text + await error);
        Assert.Contains("1. CPS card", text, StringComparison.Ordinal);
        Assert.Contains("4. Identity PROV → QUAL", text, StringComparison.Ordinal);
        Assert.Contains("duplicate: True", text, StringComparison.Ordinal);
        Assert.Contains("Network back: Sent after 1 attempt(s); the DMP simulator stored it 1 time(s)", text, StringComparison.Ordinal);
        Assert.Contains("7. DMP test (TD0.2): Active, your authorisation: None", text, StringComparison.Ordinal);
        Assert.EndsWith("Done.", text.TrimEnd(), StringComparison.Ordinal);
    }
}
