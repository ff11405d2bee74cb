using System.Text.Json;

namespace Segur.Cli.Tests;

public class TrustCommandTests
{
    private static string Reference(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegurSdk.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine([dir!.FullName, "..", "shared", "reference", .. parts]);
    }

    [Fact]
    public async Task TrustList_Json_ListsProductionAnchorsOnly()
    {
        var output = new StringWriter();

        var exit = await CliApp.RunAsync(["trust", "list", "--json"], output, new StringWriter());

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output.ToString());
        var certificates = json.RootElement.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(8, certificates.Count);
        Assert.Equal(3, certificates.Count(c => c.GetProperty("role").GetString() == "root"));
        Assert.DoesNotContain(certificates, c => c.GetProperty("subject").GetString()!.Contains("TEST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrustVerify_ProductionIntermediate_IsTrusted()
    {
        var output = new StringWriter();

        var exit = await CliApp.RunAsync(["trust", "verify", Reference("igc-sante", "pem", "AC_IGC-SANTE_FORT_PERSONNES.pem"), "--revocation", "NoCheck"], output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("AC RACINE IGC-SANTE FORT", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustVerify_TestCertificateAgainstProduction_FailsWithOneLineReason()
    {
        var error = new StringWriter();

        var exit = await CliApp.RunAsync(["trust", "verify", Reference("igc-sante", "test", "ACI-EL-ORG-TEST.cer"), "--revocation", "NoCheck"], new StringWriter(), error);
        var withTest = await CliApp.RunAsync(["trust", "verify", Reference("igc-sante", "test", "ACI-EL-ORG-TEST.cer"), "--test", "--revocation", "NoCheck"], new StringWriter(), new StringWriter());

        Assert.NotEqual(0, exit);
        Assert.StartsWith("SGR-1341", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, withTest);
    }

    [Fact]
    public async Task Doctor_Json_ReportsTrustAnchors()
    {
        var output = new StringWriter();

        await CliApp.RunAsync(["doctor", "--json"], output, new StringWriter());

        using var json = JsonDocument.Parse(output.ToString());
        var trust = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "trust anchors");
        Assert.True(trust.GetProperty("ok").GetBoolean());
        Assert.Contains("3 roots", trust.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
