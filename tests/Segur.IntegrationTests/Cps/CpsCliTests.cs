using System.Text.Json;
using Segur.Cli;
using Segur.Testing.Cps;

namespace Segur.IntegrationTests.Cps;

[Collection(PcscdCollection.Name)]
public sealed class CpsCliTests
{
    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CpsInfoJson_VirtualCardBehindPcscd_PrintsHolderIdentifier()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { Rpps = "99700075122" });
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CliApp.RunAsync(["cps", "info", "--json"], output, error);

        Assert.True(exit == 0, error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal("899700075122", json.RootElement.GetProperty("nationalId").GetString());
        Assert.Equal("CPS3", json.RootElement.GetProperty("cardType").GetString());
        Assert.Equal(Pcscd.Reader, json.RootElement.GetProperty("reader").GetString());
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CpsReadersJson_CardInserted_ListsReaderWithAtrAndType()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var output = new StringWriter();

        var exit = await CliApp.RunAsync(["card", "readers", "--json"], output, TextWriter.Null);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output.ToString());
        var reader = json.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == Pcscd.Reader);
        Assert.True(reader.GetProperty("cardPresent").GetBoolean());
        Assert.Equal("3BAC00402A001225006480000310009000", reader.GetProperty("atr").GetString());
        Assert.Equal("CPS3", reader.GetProperty("cardType").GetString());
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CpsTlsCheckJson_CardSignsTheHandshake_PrintsStatusAndCertificate()
    {
        await using var card = await InsertAsync();
        await using var server = TlsServer.Start(card.IssuerCertificate, out var pki);
        var (caFile, pinVariable) = Prepare(pki, "1234");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exit = await CliApp.RunAsync(["cps", "tls-check", $"https://127.0.0.1:{server.Port}/", "--ca", caFile, "--no-revocation", "--pin-env", pinVariable, "--json"], output, error);

            Assert.True(exit == 0, error.ToString());
            using var json = JsonDocument.Parse(output.ToString());
            Assert.Equal(200, json.RootElement.GetProperty("status").GetInt32());
            Assert.Equal(card.AuthenticationCertificate.Thumbprint, json.RootElement.GetProperty("clientCertificate").GetProperty("thumbprint").GetString());
            Assert.Equal(card.AuthenticationCertificate.Thumbprint, server.ClientThumbprints.Single());
            Assert.Equal(1, card.AuthenticationSignatureCount);
            Assert.True(server.Failures.Count == 0, string.Join("; ", server.Failures) + " / " + output);
        }
        finally
        {
            Cleanup(pki, caFile, pinVariable);
        }
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CpsTlsCheck_WrongPin_FailsWithOneLineReasonAndTriesLeft()
    {
        await using var card = await InsertAsync();
        await using var server = TlsServer.Start(card.IssuerCertificate, out var pki);
        var (caFile, pinVariable) = Prepare(pki, "9999");
        try
        {
            using var error = new StringWriter();

            var exit = await CliApp.RunAsync(["cps", "tls-check", $"https://127.0.0.1:{server.Port}/", "--ca", caFile, "--no-revocation", "--pin-env", pinVariable], TextWriter.Null, error);

            Assert.Equal(1, exit);
            Assert.StartsWith("segur cps tls-check: SGR-6202", error.ToString(), StringComparison.Ordinal);
            Assert.Equal(2, card.PinTriesLeft);
            Assert.Empty(server.ClientThumbprints);
        }
        finally
        {
            Cleanup(pki, caFile, pinVariable);
        }
    }

    private static async Task<VirtualCpsCard> InsertAsync()
    {
        var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false);
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        return card;
    }

    private static (string CaFile, string PinVariable) Prepare(Segur.Testing.Pki.TestPki pki, string pin)
    {
        var caFile = Path.GetTempFileName();
        File.WriteAllText(caFile, pki.Root.ExportCertificatePem() + "\n" + pki.OrganisationsCa.ExportCertificatePem());
        var variable = "SEGUR_TEST_CLI_PIN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, pin);
        return (caFile, variable);
    }

    private static void Cleanup(Segur.Testing.Pki.TestPki pki, string caFile, string pinVariable)
    {
        Environment.SetEnvironmentVariable(pinVariable, null);
        File.Delete(caFile);
        pki.Dispose();
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CpsInfo_PcscdNotRunning_FailsWithOneLineReason()
    {
        Pcscd.Stop();
        try
        {
            using var error = new StringWriter();
            var exit = await CliApp.RunAsync(["cps", "info"], TextWriter.Null, error);

            Assert.NotEqual(0, exit);
            Assert.StartsWith("SGR-6002", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Pcscd.Start();
        }
    }
}
