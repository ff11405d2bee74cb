using System.Diagnostics;
using Segur.Testing.Cps;

namespace Segur.IntegrationTests.Cps;

/// <summary>OpenSC (an independent PKCS#15 reader) against <see cref="VirtualCpsCard"/> behind pcscd: OpenSC's IAS-ECC
/// "CPx" driver accepts the card (EF.ATR, FCP access rules) and reads its PKCS#15 directory.</summary>
[Collection(PcscdCollection.Name)]
public sealed class CpsTlsOpenScTests
{
    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS15_TOOL")]
    public async Task Pkcs15ToolDump_VirtualCardBehindPcscd_ListsBothCertificates()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { CardNumber = "24681357" });
        await Pcscd.WaitForCardAsync(present: false);
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);

        var info = new ProcessStartInfo(TestEnv.Require("SEGUR_TEST_PKCS15_TOOL"), ["--reader", Pcscd.Reader, "-D"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "pkcs15-tool did not finish");

        Assert.True(process.ExitCode == 0, output + await errors);
        Assert.Contains("Serial number  : 24681357", output, StringComparison.Ordinal);
        Assert.Contains("X.509 Certificate [Certificat d'Authentification CPS]", output, StringComparison.Ordinal);
        Assert.Contains("Path           : 3f000001c002", output, StringComparison.Ordinal);
        Assert.Contains("X.509 Certificate [Certificat de Signature CPS]", output, StringComparison.Ordinal);
    }
}
