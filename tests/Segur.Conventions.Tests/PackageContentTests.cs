using System.IO.Compression;

namespace Segur.Conventions.Tests;

/// <summary>Checks the packages that <c>dotnet pack -c Release</c> put in <c>nuget/packages/</c>. The test command
/// packs before testing; under <c>CI=true</c> the packages must be there.</summary>
public class PackageContentTests
{
    private static readonly string[] Libraries = ["Segur.Core", "Segur.Cps", "Segur.Ins", "Segur.Psc", "Segur.Dmp", "Segur.Testing"];

    public static TheoryData<string> LibraryNames => new(Libraries);

    [Theory]
    [MemberData(nameof(LibraryNames))]
    public void LibraryPackage_HasReadmeIconDocsForBothFrameworks_AndNoTestAssembly(string id)
    {
        var package = FindPackage(id);
        if (package is null)
        {
            return; // not packed in this run (local developer run); CI packs first, see Packages_ArePresentInCi
        }

        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToList();
        Assert.Contains("README.md", entries);
        Assert.Contains("icon.png", entries);
        foreach (var tfm in new[] { "net8.0", "net10.0" })
        {
            Assert.Contains($"lib/{tfm}/{id}.dll", entries);
            Assert.Contains($"lib/{tfm}/{id}.xml", entries);
        }

        Assert.DoesNotContain(entries, e => e.Contains(".Tests", StringComparison.OrdinalIgnoreCase) || e.Contains("Samples", StringComparison.OrdinalIgnoreCase)
                                            || e.Contains("xunit", StringComparison.OrdinalIgnoreCase));
        var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.Contains("<icon>icon.png</icon>", nuspec);
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"No symbols package beside {package}.");
    }

    [Fact]
    public void ToolPackage_IsADotnetToolNamedSegur()
    {
        var package = FindPackage("Segur.Cli");
        if (package is null)
        {
            return;
        }

        using var zip = ZipFile.OpenRead(package);
        var settings = zip.Entries.SingleOrDefault(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        Assert.NotNull(settings);
        Assert.Contains("Command Name=\"segur\"", new StreamReader(settings!.Open()).ReadToEnd());
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
    }

    [Fact]
    public void Packages_ArePresentInCi()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true")
        {
            return;
        }

        foreach (var id in Libraries.Append("Segur.Cli"))
        {
            Assert.True(FindPackage(id) is not null, $"nuget/packages/ has no {id} package: the test command must run 'dotnet pack -c Release' first.");
        }
    }

    private static string? FindPackage(string id)
    {
        var folder = Path.Combine(RepoRoot.Path, "nuget", "packages");
        if (!Directory.Exists(folder))
        {
            return null;
        }

        return Directory.EnumerateFiles(folder, id + ".*.nupkg")
            .Where(p => char.IsDigit(Path.GetFileName(p)[id.Length + 1]))
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }
}
