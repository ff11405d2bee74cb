using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Cps.Tls;
using Segur.Testing.Cps;
using Segur.Testing.Pki;

namespace Segur.Cps.Tests;

/// <summary>The default Linux TLS route (<see cref="CpsTlsRoute.CardApdus"/>): an OpenSSL key whose private operation
/// is INTERNAL AUTHENTICATE on the card, over the in-memory reader (the pcscd route is in the integration tests).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CpsTlsCardKeyTests
{
    private static ValueTask<char[]> Pin(CancellationToken cancellationToken) => ValueTask.FromResult("1234".ToCharArray());

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    public async Task GetTlsClientCertificateAsync_KeySignsThroughCard_VerifiesWithCertificate(string hash)
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        using var source = new CpsCredentialSource(cps, Pin);
        var algorithm = new HashAlgorithmName(hash);
        var digest = DigestInfo.Hash("handshake transcript"u8, algorithm);

        var certificate = await source.GetTlsClientCertificateAsync();
        using var key = certificate.GetRSAPrivateKey()!;
        var signature = key.SignHash(digest, algorithm, RSASignaturePadding.Pkcs1);

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(card.AuthenticationCertificate.Thumbprint, certificate.Thumbprint);
        using var publicKey = card.AuthenticationCertificate.GetRSAPublicKey()!;
        Assert.True(publicKey.VerifyHash(digest, signature, algorithm, RSASignaturePadding.Pkcs1));
        Assert.Equal(1, card.AuthenticationSignatureCount);
        Assert.False(source.SignsRsaPss);
    }

    [Fact]
    public async Task CardKey_RsaPssOrDecrypt_FailsWithoutTouchingTheCard()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        using var source = new CpsCredentialSource(cps, Pin);
        var certificate = await source.GetTlsClientCertificateAsync();
        using var key = certificate.GetRSAPrivateKey()!;

        Assert.ThrowsAny<CryptographicException>(() => key.SignHash(new byte[32], HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.Equal(CpsErrorCodes.SignatureFailed, source.LastTlsSignatureFailure?.ErrorCode);
        Assert.ThrowsAny<CryptographicException>(() => key.Decrypt(new byte[256], RSAEncryptionPadding.Pkcs1));
        Assert.Equal(0, card.AuthenticationSignatureCount);
    }

    [Fact]
    public async Task CardKey_PinLostSinceBinding_AsksTheProviderAgain()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        var asked = 0;
        using var source = new CpsCredentialSource(cps, _ =>
        {
            asked++;
            return ValueTask.FromResult("1234".ToCharArray());
        });
        var certificate = await source.GetTlsClientCertificateAsync();
        card.PowerCycle(); // the card forgets the PIN (pcscd powers idle cards down)
        using var key = certificate.GetRSAPrivateKey()!;

        key.SignHash(new byte[32], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.Equal(2, asked);
        Assert.Null(source.LastTlsSignatureFailure);
    }

    [Fact]
    public async Task CardKey_NoPinProviderAndPinNotVerified_FailsAndRecordsPinRequired()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        using var source = new CpsCredentialSource(cps);
        var certificate = await source.GetTlsClientCertificateAsync();
        using var key = certificate.GetRSAPrivateKey()!;

        Assert.ThrowsAny<CryptographicException>(() => key.SignHash(new byte[32], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        var failure = Assert.IsType<CpsPinException>(source.LastTlsSignatureFailure);
        Assert.Equal(CpsErrorCodes.PinRequired, failure.ErrorCode);
    }

    [Fact]
    public async Task GetTlsClientCertificateAsync_WrongPin_ThrowsWithTriesLeft()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        using var source = new CpsCredentialSource(cps, _ => ValueTask.FromResult("0000".ToCharArray()));

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await source.GetTlsClientCertificateAsync());

        Assert.Equal(CpsErrorCodes.PinIncorrect, ex.ErrorCode);
        Assert.Equal(2, card.PinTriesLeft);
    }

    [Fact]
    public async Task CardKey_Tls12HandshakeWithoutRsaPss_ServerSeesCardCertificate()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        using var source = new CpsCredentialSource(cps, Pin);
        var certificate = await source.GetTlsClientCertificateAsync();
        using var pki = TestPki.Create();
        using var serverCertificate = pki.IssueTlsServerCertificate();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var serverSide = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var ssl = new SslStream(accepted.GetStream(), false, (_, presented, _, _) => presented?.GetCertHashString() == card.AuthenticationCertificate.Thumbprint);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            });
            return (ssl.SslProtocol, Thumbprint: ssl.RemoteCertificate?.GetCertHashString());
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var clientSsl = new SslStream(client.GetStream(), false, (_, presented, _, _) => presented?.GetCertHashString() == serverCertificate.Thumbprint);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            EnabledSslProtocols = SslProtocols.Tls12,
        };
        options.AllowRsaPssPadding = false;

        await clientSsl.AuthenticateAsClientAsync(options);
        var (protocol, thumbprint) = await serverSide;

        Assert.Equal(SslProtocols.Tls12, protocol);
        Assert.Equal(card.AuthenticationCertificate.Thumbprint, thumbprint);
        Assert.Equal(1, card.AuthenticationSignatureCount);
    }

    [Fact]
    public void CardKey_SourceDisposed_OpenSslReleasesTheCallbackContext()
    {
        var source = BindAndDispose();

        for (var i = 0; i < 3 && source.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // The RSA's finish callback freed the GCHandle that kept the signer (and so the source) alive.
        Assert.False(source.IsAlive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference BindAndDispose()
    {
        var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        var source = new CpsCredentialSource(cps, Pin);
        var certificate = source.GetTlsClientCertificateAsync().AsTask().GetAwaiter().GetResult();
        Assert.True(certificate.HasPrivateKey);
        source.Dispose();
        card.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new WeakReference(source);
    }

    [Fact]
    public void CpsTlsOptions_UnknownRoute_Throws() =>
        Assert.Throws<ArgumentException>(() => new CpsTlsOptions { Route = (CpsTlsRoute)7 }.Validate());

    [Fact]
    public async Task CpsCredentialSource_Pkcs11RouteWithPssKey_SignsRsaPss()
    {
        await using var virtualCard = new VirtualCpsCard();
        using var cps = CpsCard.Open(virtualCard.CreateDirectReader());
        using var card = new CpsCredentialSource(cps);
        using var software = new CpsCredentialSource(cps, tlsOptions: new CpsTlsOptions { Route = CpsTlsRoute.Pkcs11Engine, KeySignsRsaPss = true });
        using var cardIgnoresFlag = new CpsCredentialSource(cps, tlsOptions: new CpsTlsOptions { KeySignsRsaPss = true });

        Assert.False(card.SignsRsaPss);
        Assert.True(software.SignsRsaPss);
        Assert.False(cardIgnoresFlag.SignsRsaPss);
    }
}

/// <summary>The virtual card's answers to what OpenSC's IAS-ECC driver sends (security data objects, MSE SET with
/// algorithm references, INTERNAL AUTHENTICATE of any data up to the key size less 11 bytes).</summary>
public sealed class VirtualCpsAppletIasEccTests
{
    private static byte[] Send(VirtualCpsCard card, string hex)
    {
        var answer = card.Transmit(Convert.FromHexString(hex));
        // T=0: fetch what 61 xx announces.
        return answer is [0x61, var length] ? card.Transmit([0x00, 0xC0, 0x00, 0x00, length]) : answer;
    }

    [Fact]
    public async Task GetData_PinSdoInMasterFile_GivesPolicyAndTriesWithAccessRules()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { PinTries = 5 });
        Send(card, "00A4000C023F00");

        var policy = Send(card, "00CB3FFF0B4D097007BF8101037F418000");
        var docp = Send(card, "00CB3FFF0A4D087006BF810102A08000");

        Assert.Equal("700DBF8101097F41068001088101049000", Convert.ToHexString(policy));
        Assert.Equal("7012BF81010EA00C9A01059B0105A1048C0220009000", Convert.ToHexString(docp));
    }

    [Fact]
    public async Task GetData_KeySdo_SizeInBytesAndNoPublicData()
    {
        await using var card = new VirtualCpsCard();
        Send(card, "00A4080C043F000001");

        var docp = Send(card, "00CB3FFF0A4D087006BF900202A08000");
        var data = Send(card, "00CB3FFF0B4D097007BF9002037F488000");

        Assert.Equal("7010BF90020CA00A80020100A1048C0220129000", Convert.ToHexString(docp));
        Assert.Equal("6A80", Convert.ToHexString(data)); // no public data: OpenSC then asks the DOCP
    }

    [Theory]
    [InlineData("00A4000C023F00", "00CB3FFF0A4D087006BF900202A08000")] // key SDO looked up from the MF
    [InlineData("00A4080C043F000001", "00CB3FFF0A4D087006BF810102A08000")] // PIN SDO looked up from the IAS DF
    [InlineData("00A4080C043F000001", "00CB3FFF0A4D087006BF900502A08000")] // no key 05
    public async Task GetData_WrongPlaceOrReference_ReferencedDataNotFound(string select, string getData)
    {
        await using var card = new VirtualCpsCard();
        Send(card, select);

        Assert.Equal("6A88", Convert.ToHexString(Send(card, getData)));
    }

    [Theory]
    [InlineData("002241A406840182800102", "9000")] // AT, CPS_PRIV_AUT, RSA PKCS#1
    [InlineData("002241A403840182", "9000")] // algorithm omitted (the SDK's default)
    [InlineData("002241A406840182800142", "6A80")] // a DST algorithm in an AT
    [InlineData("002241A403840181", "6A88")] // the signature key cannot authenticate
    [InlineData("002241AA03800140", "9000")] // HT SHA-256
    [InlineData("002241AA03800110", "6A80")] // HT SHA-1
    [InlineData("002241B606840181800142", "9000")] // DST, CPS_PRIV_SIG, SHA-256 + RSA PKCS#1
    [InlineData("002241B8038401FF", "6A86")] // CT: no decryption
    public async Task ManageSecurityEnvironment_Templates(string apdu, string expected)
    {
        await using var card = new VirtualCpsCard();
        Send(card, "00A4040C0DE828BD080F8025000001FF0010");

        Assert.Equal(expected, Convert.ToHexString(Send(card, apdu)));
    }

    [Fact]
    public async Task InternalAuthenticate_AnyDataUpToKeySizeLess11_IsPaddedByTheCard()
    {
        await using var card = new VirtualCpsCard();
        Send(card, "00A4040C0DE828BD080F8025000001FF0010");
        Send(card, "002000810831323334FFFFFFFF");
        Send(card, "002241A406840182800102");
        var data = RandomNumberGenerator.GetBytes(36); // e.g. the MD5+SHA-1 of TLS 1.0: not a DigestInfo

        var answer = Send(card, "00880000" + "24" + Convert.ToHexString(data) + "00");
        var tooLong = Send(card, "00880000" + "F6" + Convert.ToHexString(new byte[246]) + "00");

        Assert.Equal("9000", Convert.ToHexString(answer[^2..]));
        using var publicKey = card.AuthenticationCertificate.GetRSAPublicKey()!;
        var parameters = publicKey.ExportParameters(false);
        var recovered = BigInteger.ModPow(
            new BigInteger(answer.AsSpan(0, answer.Length - 2), isUnsigned: true, isBigEndian: true),
            new BigInteger(parameters.Exponent, isUnsigned: true, isBigEndian: true),
            new BigInteger(parameters.Modulus, isUnsigned: true, isBigEndian: true)).ToByteArray(isUnsigned: true, isBigEndian: true);
        // 00 01 FF…FF 00 data (the leading 00 is dropped by the integer).
        Assert.Equal(0x01, recovered[0]);
        Assert.Equal(data, recovered[^36..]);
        Assert.All(recovered.AsSpan(1, recovered.Length - 38).ToArray(), b => Assert.Equal(0xFF, b));
        Assert.Equal(0x00, recovered[^37]);
        Assert.Equal("6700", Convert.ToHexString(tooLong));
    }
}

/// <summary>Reading the PIN counters out of the card's nested DOCP answer.</summary>
public sealed class CpsCardTlvTests
{
    [Theory]
    [InlineData("7012BF81010EA00C9A01059B0105A1048C022000", 0x9B, 5)] // as the virtual card answers
    [InlineData("7010BF81010CA00A80029A019A01039B0102", 0x9A, 3)] // a size whose bytes look like a 9A tag
    [InlineData("7010BF81010CA00A80029A019A01039B0102", 0x9B, 2)]
    [InlineData("9B0107", 0x9B, 7)]
    public void FindByteTag_WalksConstructedTags(string hex, byte tag, int expected) =>
        Assert.Equal(expected, CpsCard.FindByteTag(Convert.FromHexString(hex), tag));

    [Theory]
    [InlineData("", 0x9B)]
    [InlineData("7012BF81010EA00C9A0105", 0x9B)] // truncated
    [InlineData("A0039A0203", 0x9A)] // two-byte value
    [InlineData("A0FF9A01", 0x9A)] // length past the end
    public void FindByteTag_MissingOrMalformed_ReturnsNull(string hex, byte tag) =>
        Assert.Null(CpsCard.FindByteTag(Convert.FromHexString(hex), tag));
}
