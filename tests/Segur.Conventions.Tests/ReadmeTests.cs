using System.Text.RegularExpressions;

namespace Segur.Conventions.Tests;

public partial class ReadmeTests
{
    [GeneratedRegex(@"#region quick-start\s*\n(?<code>.*?)\n\s*#endregion", RegexOptions.Singleline)]
    private static partial Regex QuickStartRegion();

    [Fact]
    public void Readme_QuickStart_IsTheSampleRegion()
    {
        var sample = File.ReadAllText(Path.Combine(RepoRoot.Path, "samples", "Segur.Samples.Quickstart", "Program.cs")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var region = QuickStartRegion().Match(sample);
        Assert.True(region.Success, "The Quickstart has no '#region quick-start'.");
        var readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var code = string.Join("\n", region.Groups["code"].Value.Split('\n').Select(l => l.TrimEnd()));
        Assert.Contains(code.Trim(), readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_FirstCommands_AreTheMainJobAndTheTestCommand_AndCiRunsTheTestCommand()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md"));
        var block = Regex.Match(readme, "```bash\\n(?<cmds>.*?)```", RegexOptions.Singleline).Groups["cmds"].Value;
        var commands = block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('#')[0].Trim()).ToList();
        Assert.Equal("dotnet run --project samples/Segur.Samples.Quickstart", commands[0]);
        var ci = File.ReadAllText(Path.Combine(RepoRoot.Path, ".ci", "run"));
        Assert.Contains(commands[1], ci, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Segur.Core")]
    [InlineData("Segur.Cps")]
    [InlineData("Segur.Ins")]
    [InlineData("Segur.Psc")]
    [InlineData("Segur.Dmp")]
    [InlineData("Segur.Testing")]
    [InlineData("Segur.Cli")]
    public void EveryPackage_HasAReadme(string package) =>
        Assert.True(File.Exists(Path.Combine(RepoRoot.Path, "src", package, "README.md")), $"src/{package}/README.md is missing.");
}
