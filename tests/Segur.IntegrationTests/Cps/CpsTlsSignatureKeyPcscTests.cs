using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Cps;
using Segur.Testing.Cps;

namespace Segur.IntegrationTests.Cps;

/// <summary>The signature (non-repudiation) key through the real stack: SDK → libpcsclite → pcscd → vpcd →
/// <see cref="VirtualCpsCard"/> (T=0: PSO CDS answers <c>61 00</c>, read back with GET RESPONSE).</summary>
[Collection(PcscdCollection.Name)]
public sealed class CpsTlsSignatureKeyPcscTests
{
    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task SignDataWithSignatureKeyAsync_BehindPcscd_VerifiesWithSignatureCertificate()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test's card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var cps = CpsCard.Connect(Pcscd.Reader);
        await cps.VerifyPinAsync("1234".AsMemory());
        var data = RandomNumberGenerator.GetBytes(3000);

        var signature = await cps.SignDataWithSignatureKeyAsync(data);
        var authSignature = await cps.SignDataAsync(data, HashAlgorithmName.SHA256);

        using var signatureCertificate = await cps.ReadSignatureCertificateAsync();
        using var signatureKey = signatureCertificate.GetRSAPublicKey()!;
        Assert.True(signatureKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(signatureKey.VerifyData(data, authSignature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task SignDataWithSignatureKeyAsync_BehindPcscdWithoutPin_ThrowsPinRequired()
    {
        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false);
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        using var cps = CpsCard.Connect(Pcscd.Reader);

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.SignDataWithSignatureKeyAsync("data"u8.ToArray()));

        Assert.Equal(CpsErrorCodes.PinRequired, ex.ErrorCode);
    }
}
