using System.CommandLine;
using System.Text.Json;

namespace Segur.Cli.Tests;

/// <summary><c>segur cps</c> / <c>segur card</c> / <c>segur scan</c> without PC/SC hardware (the pcscd-backed runs are
/// in Segur.IntegrationTests/Cps/CpsCliTests).</summary>
public sealed class CpsCommandTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_Root_ShowsCpsAsTheCommandAndCardAsItsAlias()
    {
        var (exit, output, _) = await RunAsync("--help");

        Assert.Equal(0, exit);
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains(lines, l => l.StartsWith("cps ", StringComparison.Ordinal) && l.Contains("CPS cards and PC/SC readers", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("card ", StringComparison.Ordinal) && l.EndsWith("Alias of 'segur cps'.", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("card, cps", StringComparison.Ordinal) || l.StartsWith("cps, card", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cps")]
    [InlineData("card")]
    public async Task Help_CpsAndCardAlias_OfferTheSameSubcommands(string name)
    {
        var (exit, output, _) = await RunAsync(name, "--help");

        Assert.Equal(0, exit);
        foreach (var sub in new[] { "readers", "info", "watch" })
        {
            Assert.Contains(sub, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Scan_MissingDevice_FailsWithOneLineNamingTheCommandAndCode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (exit, output, error) = await RunAsync("scan", "--port", "/dev/segur-no-such-tty");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("segur scan: ", error, StringComparison.Ordinal);
        Assert.Contains("/dev/segur-no-such-tty", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}

/// <summary>The shared "run, catch, print text or JSON" helper of <see cref="CliContext"/>.</summary>
public sealed class CliContextTests
{
    private static readonly Option<bool> Flag = new("--flag");

    private static ParseResult Parse(params string[] args)
    {
        var root = new RootCommand { CliApp.Json, Flag };
        return root.Parse(args);
    }

    [Fact]
    public void Write_JsonOption_SerializesCamelCaseWithoutNulls()
    {
        using var output = new StringWriter();
        var context = new CliContext(output, TextWriter.Null);

        context.Write(Parse("--json"), new { NationalId = "899700075122", Issue = (string?)null }, o => o.WriteLine("text"));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal("899700075122", json.RootElement.GetProperty("nationalId").GetString());
        Assert.False(json.RootElement.TryGetProperty("issue", out _));
    }

    [Fact]
    public void Write_NoJsonOption_WritesTheText()
    {
        using var output = new StringWriter();
        var context = new CliContext(output, TextWriter.Null);

        context.Write(Parse(), new { a = 1 }, o => o.WriteLine("human text"));

        Assert.Equal("human text", output.ToString().TrimEnd());
    }

    [Fact]
    public async Task RunAsync_SegurException_OneLineWithCommandAndExit1()
    {
        using var error = new StringWriter();
        var context = new CliContext(TextWriter.Null, error);

        var exit = await context.RunAsync("segur queue retry", () => throw new SegurValidationException("SGR-1405", "SGR-1405: the item is not dead."));

        Assert.Equal(1, exit);
        Assert.Equal("segur queue retry: SGR-1405: the item is not dead.", error.ToString().TrimEnd());
    }

    [Fact]
    public async Task RunAsync_ArgumentException_Exit2()
    {
        using var error = new StringWriter();
        var context = new CliContext(TextWriter.Null, error);

        var exit = await context.RunAsync("segur scan", () => throw new ArgumentOutOfRangeException("baud", "Unsupported baud rate 12."));

        Assert.Equal(2, exit);
        Assert.StartsWith("segur scan: Unsupported baud rate 12.", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CancelledLongRunningCommand_EndsNormally()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var context = new CliContext(TextWriter.Null, TextWriter.Null);

        var exit = await context.RunAsync("segur cps watch", () => Task.FromCanceled<int>(cts.Token), runsUntilCancelled: true, cts.Token);

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task RunAsync_CancelledOrdinaryCommand_PropagatesToTheCentralHandler()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var context = new CliContext(TextWriter.Null, TextWriter.Null);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => context.RunAsync("segur psc login", () => Task.FromCanceled<int>(cts.Token), cancellationToken: cts.Token));
    }

    [Fact]
    public async Task RunAsync_Success_ReturnsTheWorkExitCode()
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null);
        Assert.Equal(3, await context.RunAsync("segur x", () => Task.FromResult(3)));
    }
}
