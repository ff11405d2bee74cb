using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Moq;
using Segur.Cps.Tls;
using Segur.Security;
using Segur.Testing.Cps;

namespace Segur.Cps.Tests;

public sealed class CpsSignatureKeyAndTlsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(1000)]
    public void Sha256Partial_SplitThenFinish_EqualsSha256(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        var (state, bits, remainder) = Sha256Partial.Split(data);

        Assert.InRange(remainder.Length, length == 0 ? 0 : 1, 64);
        Assert.Equal((ulong)(length - remainder.Length) * 8, bits);
        Assert.Equal(SHA256.HashData(data), Sha256Partial.Finish(state, bits, remainder));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(5000)]
    public async Task SignDataWithSignatureKeyAsync_AfterPin_VerifiesWithSignatureCertificateOnly(int length)
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        await cps.VerifyPinAsync("1234".AsMemory());
        var data = RandomNumberGenerator.GetBytes(length);

        var signature = await cps.SignDataWithSignatureKeyAsync(data);

        using var signatureKey = card.SignatureCertificate.GetRSAPublicKey()!;
        using var authKey = card.AuthenticationCertificate.GetRSAPublicKey()!;
        Assert.True(signatureKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(authKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task SignDataWithSignatureKeyAsync_NoPin_ThrowsPinRequired()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.SignDataWithSignatureKeyAsync("x"u8.ToArray()));

        Assert.Equal(CpsErrorCodes.PinRequired, ex.ErrorCode);
    }

    [Fact]
    public async Task SignDataWithSignatureKeyAsync_EmptyData_ThrowsArgumentExceptionWithoutApdu()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        var before = card.CommandCount;

        await Assert.ThrowsAsync<ArgumentException>(async () => await cps.SignDataWithSignatureKeyAsync(ReadOnlyMemory<byte>.Empty));

        Assert.Equal(before, card.CommandCount);
    }

    [Fact]
    public async Task SignDataWithSignatureKeyAsync_WrongKeyReference_ThrowsSignatureFailed()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader(), new CpsCardOptions { SignatureKeyReference = 0x82 });
        await cps.VerifyPinAsync("1234".AsMemory());

        var ex = await Assert.ThrowsAsync<SegurCardException>(async () => await cps.SignDataWithSignatureKeyAsync("x"u8.ToArray()));

        Assert.Equal(CpsErrorCodes.SignatureFailed, ex.ErrorCode);
        Assert.Contains("MSE SET", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VirtualCard_PsoCdsWithoutHash_Refused()
    {
        using var card = new VirtualCpsCardHolder();
        card.Card.Transmit(Convert.FromHexString("00A4040C0DE828BD080F8025000001FF0010"));
        card.Card.Transmit(Convert.FromHexString("002000810831323334FFFFFFFF"));
        Assert.Equal(Convert.FromHexString("9000"), card.Card.Transmit(Convert.FromHexString("002241B603840181")));

        Assert.Equal(Convert.FromHexString("6985"), card.Card.Transmit(Convert.FromHexString("002A9E9A00")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("token=x")]
    [InlineData("pkcs11:object=CPS_PRIV_AUT;pin-value=1234")]
    [InlineData("pkcs11:object=CPS_PRIV_AUT?pin-source=file:/tmp/pin")]
    public void CpsTlsOptions_InvalidUri_Throws(string uri) =>
        Assert.ThrowsAny<ArgumentException>(() => new CpsTlsOptions { Pkcs11KeyUri = uri }.Validate());

    [Fact]
    public void EnsureSameKey_OtherKey_ThrowsMismatch()
    {
        using var card = new VirtualCpsCardHolder();
        using var other = RSA.Create(2048);

        var ex = Assert.Throws<SegurCardException>(() => CpsTlsKey.EnsureSameKey(card.Card.AuthenticationCertificate, other));

        Assert.Equal(CpsErrorCodes.TlsKeyMismatch, ex.ErrorCode);
        using var own = card.Card.AuthenticationCertificate.GetRSAPrivateKey()!;
        CpsTlsKey.EnsureSameKey(card.Card.AuthenticationCertificate, own);
    }

    [Fact]
    public async Task SegurHttpHandlerFactory_TlsCertificateSource_UsesTlsCertificate()
    {
        using var card = new VirtualCpsCardHolder();
        var tlsCertificate = card.Card.AuthenticationCertificate;
        using var publicOnly = X509CertificateLoader.LoadCertificate(tlsCertificate.RawData);
        var credential = new Mock<ICredentialSource>();
        credential.Setup(c => c.GetCertificateAsync(It.IsAny<CancellationToken>())).ReturnsAsync(publicOnly);
        credential.As<ITlsClientCertificateSource>().Setup(c => c.GetTlsClientCertificateAsync(It.IsAny<CancellationToken>())).ReturnsAsync(tlsCertificate);

        using var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions { ClientCredential = credential.Object });

        Assert.Same(tlsCertificate, Assert.Single(handler.SslOptions.ClientCertificates!.Cast<X509Certificate2>()));
        credential.Verify(c => c.GetCertificateAsync(It.IsAny<CancellationToken>()), Times.Never);
    }

    private sealed class VirtualCpsCardHolder : IDisposable
    {
        public VirtualCpsCard Card { get; } = new();

        public void Dispose() => Card.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

public sealed class CpsPkcs15DiscoveryTests
{
    [Fact]
    public async Task ReadAuthenticationCertificateAsync_CertificatesAtUnconfiguredPaths_FoundThroughPkcs15()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { AuthenticationCertificatePath = "3F000001C0A1", SignatureCertificatePath = "3F000001C0B2" });
        using var cps = CpsCard.Open(card.CreateDirectReader());

        var auth = await cps.ReadAuthenticationCertificateAsync();
        using var signature = await cps.ReadSignatureCertificateAsync();

        Assert.Equal(card.AuthenticationCertificate.Thumbprint, auth.Thumbprint);
        Assert.Equal(card.SignatureCertificate.Thumbprint, signature.Thumbprint);
    }

    [Fact]
    public async Task ReadAuthenticationCertificateAsync_NoPkcs15_FallsBackToConfiguredPath()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { ExposePkcs15 = false });
        using var cps = CpsCard.Open(card.CreateDirectReader());

        var auth = await cps.ReadAuthenticationCertificateAsync();

        Assert.Equal(card.AuthenticationCertificate.Thumbprint, auth.Thumbprint);
    }

    [Fact]
    public async Task ReadAuthenticationCertificateAsync_DiscoveryOffAndUnconfiguredPath_ThrowsFileNotFound()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { AuthenticationCertificatePath = "3F000001C0A1" });
        using var cps = CpsCard.Open(card.CreateDirectReader(), new CpsCardOptions { DiscoverCertificates = false });

        var ex = await Assert.ThrowsAsync<SegurCardException>(async () => await cps.ReadAuthenticationCertificateAsync());

        Assert.Equal(CpsErrorCodes.CardFileNotFound, ex.ErrorCode);
    }

    [Fact]
    public void Pkcs15Directory_EfDirWithoutMatchingAid_ReturnsNull()
    {
        byte[] efDir = [0x61, 0x0A, 0x4F, 0x02, 0xA0, 0x00, 0x51, 0x04, 0x3F, 0x00, 0x50, 0x15];

        Assert.Null(Pkcs15.Pkcs15Directory.FindApplicationPath(efDir, new byte[] { 0xE8, 0x28 }));
        Assert.Equal(new byte[] { 0x3F, 0x00, 0x50, 0x15 }, Pkcs15.Pkcs15Directory.FindApplicationPath(efDir, new byte[] { 0xA0, 0x00 }));
    }
}
