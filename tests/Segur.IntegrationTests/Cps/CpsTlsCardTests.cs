using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Cps;
using Segur.Cps.Tls;
using Segur.Security;
using Segur.Testing.Cps;

namespace Segur.IntegrationTests.Cps;

/// <summary>
/// TLS client authentication where the card itself signs the handshake, against a local SslStream server requiring a
/// client certificate. Default route (<see cref="CpsTlsRoute.CardApdus"/>): SslStream → OpenSSL → the SDK's card key
/// (RSA method calling back into <see cref="CpsCard"/>) → libpcsclite → pcscd → vpcd → <see cref="VirtualCpsCard"/>,
/// which computes INTERNAL AUTHENTICATE. Middleware route: <c>openssl s_client</c> → libp11 → p11-kit → OpenSC's
/// PKCS#11 module (IAS-ECC "CPx" driver) → pcscd → the same card. Also pkcs11-tool through OpenSC.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class CpsTlsCardTests
{
    private const string Pin = "1234";

    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS11")]
    public async Task GetTlsClientCertificateAsync_CardRoute_MutualTlsHandshakeSignedByCard()
    {
        await using var card = await InsertAsync("24681357");
        using var cps = CpsCard.Connect(Pcscd.Reader);
        using var source = new CpsCredentialSource(cps, PinProvider);
        await using var server = TlsServer.Start(card.IssuerCertificate, out var pki);
        using var http = await CreateClientAsync(source, pki);
        var before = card.AuthenticationSignatureCount;

        var answer = await http.GetStringAsync(new Uri($"https://127.0.0.1:{server.Port}/"));

        Assert.Equal(card.AuthenticationCertificate.Thumbprint, answer);
        Assert.Equal(card.AuthenticationCertificate.Thumbprint, server.ClientThumbprints.Single());
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls12, server.Protocols.Single());
        Assert.True(card.AuthenticationSignatureCount > before, "the handshake signature was not computed by the card");
        Assert.Null(source.LastTlsSignatureFailure);
        Assert.Equal(3, card.PinTriesLeft);
        pki.Dispose();
    }

    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS11")]
    public async Task GetTlsClientCertificateAsync_WrongPin_CardRefusesAndCountsTheTry()
    {
        await using var card = await InsertAsync("24681358");
        using var cps = CpsCard.Connect(Pcscd.Reader);
        using var source = new CpsCredentialSource(cps, _ => ValueTask.FromResult("9999".ToCharArray()));

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await source.GetTlsClientCertificateAsync());

        Assert.Equal(CpsErrorCodes.PinIncorrect, ex.ErrorCode);
        Assert.Equal(2, ex.RemainingTries);
        Assert.Equal(2, card.PinTriesLeft);
        Assert.Equal(0, card.AuthenticationSignatureCount);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS11")]
    public async Task GetTlsClientCertificateAsync_CardPulledFirst_ThrowsCardRemoved()
    {
        await using var card = await InsertAsync("24681359");
        using var cps = CpsCard.Connect(Pcscd.Reader);
        using var source = new CpsCredentialSource(cps, PinProvider);
        await card.RemoveAsync();
        await Pcscd.WaitForCardAsync(present: false);

        var ex = await Assert.ThrowsAnyAsync<SegurCardException>(async () => await source.GetTlsClientCertificateAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.Equal(CpsErrorCodes.CardRemoved, ex.ErrorCode);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS11")]
    public async Task Handshake_CardPulledAfterKeyOpened_FailsWithoutHanging()
    {
        await using var card = await InsertAsync("24681360");
        using var cps = CpsCard.Connect(Pcscd.Reader);
        using var source = new CpsCredentialSource(cps, PinProvider);
        await using var server = TlsServer.Start(card.IssuerCertificate, out var pki);
        using var http = await CreateClientAsync(source, pki);
        await card.RemoveAsync();
        await Pcscd.WaitForCardAsync(present: false);

        // Safety bound only: a hang fails the test instead of blocking the run.
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(new Uri($"https://127.0.0.1:{server.Port}/")).WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.True(ex.InnerException is System.Security.Authentication.AuthenticationException or IOException, ex.ToString());
        Assert.IsAssignableFrom<CardRemovedException>(source.LastTlsSignatureFailure); // the card's reason, for the user
        Assert.Empty(server.ClientThumbprints);
        pki.Dispose();
    }

    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS11")]
    public async Task OpenSslClient_Pkcs11EngineThroughOpenSc_MutualTlsHandshakeSignedByCard()
    {
        await using var card = await InsertAsync("24681363");
        await using var server = TlsServer.Start(card.IssuerCertificate, out var pki);
        var certificateFile = Path.GetTempFileName();
        var caFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(certificateFile, card.AuthenticationCertificate.ExportCertificatePem());
            await File.WriteAllTextAsync(caFile, pki.Root.ExportCertificatePem());

            // The middleware route of CpsTlsRoute.Pkcs11Engine, in its own process (libp11 lists tokens once per
            // process): the key URI names the token by its serial, the card number from the card's TokenInfo.
            // PKCS#1 v1.5 client signatures only, as the card signs (SegurHttpHandlerFactory does the same).
            var info = new ProcessStartInfo("openssl",
            [
                "s_client", "-connect", $"127.0.0.1:{server.Port}", "-tls1_2", "-client_sigalgs", "RSA+SHA256:RSA+SHA384:RSA+SHA512",
                "-engine", "pkcs11", "-keyform", "engine", "-key", $"pkcs11:serial=24681363;object=CPS_PRIV_AUT;type=private;pin-value={Pin}",
                "-cert", certificateFile, "-CAfile", caFile, "-quiet", "-ign_eof",
            ])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info)!;
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            Assert.True(output.Contains(card.AuthenticationCertificate.Thumbprint, StringComparison.Ordinal), output + await errors);
            Assert.Equal(card.AuthenticationCertificate.Thumbprint, server.ClientThumbprints.Single());
            Assert.Equal(1, card.AuthenticationSignatureCount);
        }
        finally
        {
            File.Delete(certificateFile);
            File.Delete(caFile);
            pki.Dispose();
        }
    }

    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS11_TOOL")]
    public async Task Pkcs11ToolSign_ThroughOpenSc_VerifiesWithCardCertificate()
    {
        await using var card = await InsertAsync("24681361");
        var data = RandomNumberGenerator.GetBytes(200);
        var input = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        try
        {
            // RSA-PKCS signs a DigestInfo (as TLS 1.2 does); the card pads it and computes the signature.
            byte[] digestInfo = [.. Convert.FromHexString("3031300D060960864801650304020105000420"), .. SHA256.HashData(data)];
            await File.WriteAllBytesAsync(input, digestInfo);

            await RunPkcs11ToolAsync("--login", "--pin", Pin, "--sign", "--id", "02", "--mechanism", "RSA-PKCS", "--input-file", input, "--output-file", output);

            using var publicKey = card.AuthenticationCertificate.GetRSAPublicKey()!;
            Assert.True(publicKey.VerifyData(data, await File.ReadAllBytesAsync(output), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            Assert.Equal(1, card.AuthenticationSignatureCount);
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [IntegrationFact("SEGUR_TEST_PCSCD", "SEGUR_TEST_PKCS11_TOOL")]
    public async Task Pkcs11ToolLogin_WrongPin_DecrementsCardTries()
    {
        await using var card = await InsertAsync("24681362");

        var (exitCode, text) = await RunPkcs11ToolAsync(expectSuccess: false, "--login", "--pin", "0000", "--list-objects");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("CKR_PIN_INCORRECT", text, StringComparison.Ordinal);
        Assert.Equal(2, card.PinTriesLeft);
    }

    private static ValueTask<char[]> PinProvider(CancellationToken cancellationToken) => ValueTask.FromResult(Pin.ToCharArray());

    private static async Task<VirtualCpsCard> InsertAsync(string cardNumber)
    {
        var card = new VirtualCpsCard(new VirtualCpsCardOptions { CardNumber = cardNumber });
        await Pcscd.WaitForCardAsync(present: false); // a previous test's card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        await Pcscd.WaitForCardAsync(present: true);
        return card;
    }

    private static async Task<HttpClient> CreateClientAsync(CpsCredentialSource source, Segur.Testing.Pki.TestPki pki)
    {
        var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions
        {
            ClientCredential = source,
            ServerTrust = pki.Trust,
            Validation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck },
        });
        return new HttpClient(handler);
    }

    private static async Task RunPkcs11ToolAsync(params string[] args) => await RunPkcs11ToolAsync(expectSuccess: true, args);

    private static async Task<(int ExitCode, string Output)> RunPkcs11ToolAsync(bool expectSuccess, params string[] args)
    {
        var info = new ProcessStartInfo(TestEnv.Require("SEGUR_TEST_PKCS11_TOOL"),
            ["--module", TestEnv.Require("SEGUR_TEST_OPENSC_PKCS11"), "--slot-index", "0", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        var text = output + await errors;
        if (expectSuccess)
        {
            Assert.True(process.ExitCode == 0, text);
        }

        return (process.ExitCode, text);
    }
}
