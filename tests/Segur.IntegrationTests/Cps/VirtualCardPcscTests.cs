using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Cps;
using Segur.Cps.Pcsc;
using Segur.Testing.Cps;

namespace Segur.IntegrationTests.Cps;

/// <summary>The real stack: SDK → libpcsclite → pcscd → vpcd → <see cref="VirtualCpsCard"/>.</summary>
[Collection(PcscdCollection.Name)]
public sealed class VirtualCardPcscTests
{
    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task ReadInfoAsync_VirtualCardBehindPcscd_ReturnsHolder()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { Rpps = "99700054325", LastName = "DUPONT", FirstName = "ALEX" });
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);

        using var cps = CpsCard.Connect(Pcscd.Reader);
        var info = await cps.ReadInfoAsync();

        Assert.Equal(CpsCardGeneration.Cps3, info.Generation);
        Assert.Equal(SmartCardProtocols.T0, cps.Reader.ActiveProtocol);
        Assert.Equal("899700054325", info.NationalId);
        Assert.Equal("99700054325", info.Rpps);
        Assert.Equal("DUPONT", info.LastName);
        Assert.Equal("ALEX", info.FirstName);
        Assert.Equal("Médecin", info.Profession);
        Assert.Equal(CpxCardType.Cps, info.CardType);
        Assert.Equal("12345678", info.CardNumber);
        Assert.True(info.IsTestCard);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task VerifyPinAsync_WrongThenRight_DecrementsThenResetsTries()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var cps = CpsCard.Connect(Pcscd.Reader);

        var wrong = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.VerifyPinAsync("9999".AsMemory()));
        Assert.Equal(CpsErrorCodes.PinIncorrect, wrong.ErrorCode);
        Assert.Equal(2, wrong.RemainingTries);
        Assert.Equal(new CpsPinStatus(2, 3, false), await cps.GetPinStatusAsync());

        await cps.VerifyPinAsync("1234".AsMemory());
        Assert.Equal(new CpsPinStatus(3, 3, false), await cps.GetPinStatusAsync());
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task VerifyPinAsync_ThreeWrongPins_BlocksPin()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var cps = CpsCard.Connect(Pcscd.Reader);

        await Assert.ThrowsAsync<CpsPinException>(async () => await cps.VerifyPinAsync("0000".AsMemory()));
        await Assert.ThrowsAsync<CpsPinException>(async () => await cps.VerifyPinAsync("0000".AsMemory()));
        var third = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.VerifyPinAsync("0000".AsMemory()));
        Assert.True(third.IsBlocked);
        Assert.Equal(CpsErrorCodes.PinBlocked, third.ErrorCode);

        var afterwards = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.VerifyPinAsync("1234".AsMemory()));
        Assert.Equal(CpsErrorCodes.PinBlocked, afterwards.ErrorCode);
        Assert.True((await cps.GetPinStatusAsync()).IsBlocked);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task SignDataAsync_AfterPin_VerifiesWithCertificatePublicKey()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var cps = CpsCard.Connect(Pcscd.Reader);
        using var source = new CpsCredentialSource(cps, _ => ValueTask.FromResult("1234".ToCharArray()));
        var data = "<saml:Assertion>test</saml:Assertion>"u8.ToArray();

        var signature = await source.SignDataAsync(data, HashAlgorithmName.SHA256);

        var certificate = await source.GetCertificateAsync();
        using var publicKey = certificate.GetRSAPublicKey()!;
        Assert.Equal(256, signature.Length);
        Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal(card.AuthenticationCertificate.Thumbprint, certificate.Thumbprint);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task SignHashAsync_WithoutPin_ThrowsPinRequired()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var cps = CpsCard.Connect(Pcscd.Reader, new CpsCardOptions());

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.SignHashAsync(SHA256.HashData("x"u8), HashAlgorithmName.SHA256));
        Assert.Equal(CpsErrorCodes.PinRequired, ex.ErrorCode);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task SignHashAsync_CardPulledMidOperation_ThrowsCardExceptionWithoutHanging()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var cps = CpsCard.Connect(Pcscd.Reader);
        await cps.VerifyPinAsync("1234".AsMemory());
        card.PullBeforeCommand = apdu => apdu.Span[1] == 0x88; // pulled when INTERNAL AUTHENTICATE arrives

        var sign = Task.Run(async () => await cps.SignHashAsync(SHA256.HashData("x"u8), HashAlgorithmName.SHA256));
        var finished = await Task.WhenAny(sign, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(sign, finished);
        var ex = await Assert.ThrowsAnyAsync<SegurCardException>(() => sign);
        Assert.IsType<CardRemovedException>(ex);
        Assert.Equal(CpsErrorCodes.CardRemoved, ex.ErrorCode);
        Assert.False(card.IsInserted);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task Connect_NoCardInReader_ThrowsCardNotPresent()
    {
        await Pcscd.WaitForCardAsync(present: false);
        using var context = SmartCardContext.Establish();

        var ex = Assert.Throws<CardNotPresentException>(() => context.Connect(Pcscd.Reader));
        Assert.Equal(CpsErrorCodes.CardNotPresent, ex.ErrorCode);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public void Establish_PcscdNotRunning_ThrowsServiceNotRunning()
    {
        Pcscd.Stop();
        try
        {
            var ex = Assert.Throws<SegurCardException>(SmartCardContext.Establish);
            Assert.Equal(CpsErrorCodes.PcscServiceNotRunning, ex.ErrorCode);
            Assert.True(ex.IsTransient);
            Assert.Contains("pcscd", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Pcscd.Start();
        }
    }
}
