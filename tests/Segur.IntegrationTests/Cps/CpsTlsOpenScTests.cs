using System.Diagnostics;
using Segur.Testing.Cps;

namespace Segur.IntegrationTests.Cps;

/// <summary>OpenSC (an independent PKCS#15 reader) against <see cref="VirtualCpsCard"/> behind pcscd: OpenSC's IAS-ECC
/// "CPx" driver accepts the card (EF.ATR, FCP access rules) and reads its PKCS#15 directory: certificates, the two
/// private keys (PrKDF) and the PIN (AODF), which pkcs11-tool and the OpenSSL pkcs11 engine then use
/// (<see cref="CpsTlsCardTests"/>).</summary>
[Collection(PcscdCollection.Name)]
public sealed class CpsTlsOpenScTests
{
    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS15_TOOL")]
    public async Task Pkcs15ToolDump_VirtualCardBehindPcscd_ListsCertificatesKeysAndPin()
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
        Assert.Contains("PIN [PIN CPS]", output, StringComparison.Ordinal);
        Assert.Contains("Flags          : [0x32], local, initialized, needs-padding", output, StringComparison.Ordinal);
        Assert.Contains("Reference      : 129 (0x81)", output, StringComparison.Ordinal);
        Assert.Contains("Private RSA Key [CPS_PRIV_AUT]", output, StringComparison.Ordinal);
        Assert.Contains("Key ref        : 2 (0x02)", output, StringComparison.Ordinal);
        Assert.Contains("Private RSA Key [CPS_PRIV_SIG]", output, StringComparison.Ordinal);
        Assert.Contains("Usage          : [0x204], sign, nonRepudiation", output, StringComparison.Ordinal);
    }
}
