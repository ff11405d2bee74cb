using System.Reflection;

namespace Segur.Conventions.Tests;

/// <summary>
/// Each package's public surface must match its committed <c>PublicAPI.txt</c>. To accept a reviewed change, run
/// the tests with <c>SEGUR_UPDATE_PUBLIC_API=1</c> and commit the rewritten files.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Packages => new()
    {
        "Segur.Core", "Segur.Cps", "Segur.Ins", "Segur.Psc", "Segur.Dmp", "Segur.Testing", "segur",
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicSurface_ComparedWithCommittedFile_IsUnchanged(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var actual = PublicApi.Describe(assembly);
        if (Environment.GetEnvironmentVariable("SEGUR_UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(PublicApi.CommittedPath(assembly), actual);
        }

        var committed = PublicApi.ReadCommitted(assembly);
        Assert.True(committed == actual,
            $"The public API of {assemblyName} differs from {PublicApi.CommittedPath(assembly)}. If the change is intended, "
            + "run the tests with SEGUR_UPDATE_PUBLIC_API=1 and commit the file.\n" + Diff(committed, actual));
    }

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var a = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var removed = e.Except(a).Select(l => "- " + l);
        var added = a.Except(e).Select(l => "+ " + l);
        return string.Join("\n", removed.Concat(added).Take(80));
    }
}
