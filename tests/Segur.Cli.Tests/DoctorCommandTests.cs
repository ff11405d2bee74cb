using System.Text.Json;

namespace Segur.Cli.Tests;

public class DoctorCommandTests
{
    [Fact]
    public async Task Doctor_Json_PrintsValidJsonWithChecks()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(["doctor", "--json"], output, error);
        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal(exit == 0, json.RootElement.GetProperty("ok").GetBoolean());
        var names = json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("runtime", names);
        Assert.Contains("pcsc", names);
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var output = new StringWriter();
        var exit = await CliApp.RunAsync(["--version"], output, new StringWriter());
        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.ToString().Trim());
    }

    [Fact]
    public async Task UnknownCommand_ExitsNonZero()
    {
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(["no-such-command"], new StringWriter(), error);
        Assert.NotEqual(0, exit);
    }
}

public class CliErrorHandlingTests
{
    [Fact]
    public async Task SegurException_IsOneLineWithItsCode_AndExitsOne()
    {
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(["ins", "check", "297022A020779"], new StringWriter(), error);
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }
}

public class CliTreeTests
{
    [Fact]
    public async Task Help_ListsEveryCommandOnce_AndExitsZero()
    {
        var output = new StringWriter();
        var exit = await CliApp.RunAsync(["--help"], output, new StringWriter());
        Assert.Equal(0, exit);
        var root = CliApp.BuildRoot(new CliContext(new StringWriter(), new StringWriter()));
        var names = root.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var command in new[] { "doctor", "trust", "ins", "insi", "psc", "cps", "queue" })
        {
            Assert.Contains(command, names);
        }
    }
}

public class CliIoErrorTests
{
    [Fact]
    public async Task UnreadableFile_IsOneLineNamingTheCommand_AndExitsOne()
    {
        var error = new StringWriter();
        var missingFolder = Path.Combine(Path.GetTempPath(), "segur-missing-" + Guid.NewGuid().ToString("N"), "ins.png");
        var exit = await CliApp.RunAsync(
            ["ins", "datamatrix", "--matricule", "285032A004123", "--oid", "1.2.250.1.213.1.4.10", "--birth-name", "D'ORNANO-MARTIN",
             "--first-names", "JEANNE MARIE-ANGE", "--sex", "F", "--birth-date", "1985-03-14", "--birth-place", "2A004", "--png", missingFolder],
            new StringWriter(), error);
        Assert.Equal(1, exit);
        Assert.StartsWith("segur ins datamatrix: ", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }
}
