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
