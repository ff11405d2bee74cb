using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Segur.Cps;
using Segur.Cps.Tls;
using Segur.Security;
using Segur.Testing.Cps;
using Segur.Testing.Pki;

namespace Segur.IntegrationTests.Cps;

/// <summary>
/// TLS client authentication through the PKCS#11 route (<see cref="CpsTlsRoute.Pkcs11Engine"/>): SDK → OpenSSL pkcs11
/// engine (libp11) → p11-kit proxy → PKCS#11 module → key. The PKCS#11 token here is SoftHSM2 holding the virtual card's
/// authentication key (the certificate is read from the virtual card by the SDK, the PIN is checked by the card and
/// then used for the PKCS#11 login); the server is a local SslStream server requiring a client certificate.
/// </summary>
[Collection(CpsTlsCollection.Name)]
public sealed partial class CpsTlsTests(CpsTlsTests.SoftHsmToken token) : IClassFixture<CpsTlsTests.SoftHsmToken>
{
    private const string Pin = "1234";

    [IntegrationFact("SEGUR_TEST_PKCS11")]
    public async Task GetTlsClientCertificateAsync_KeyInPkcs11Token_MutualTlsHandshakeShowsCardCertificate()
    {
        await using var card = token.CreateCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        using var source = new CpsCredentialSource(cps, PinProvider, tlsOptions: new CpsTlsOptions { Route = CpsTlsRoute.Pkcs11Engine, Pkcs11KeyUri = token.KeyUri });
        await using var server = TlsServer.Start(card.IssuerCertificate, out var pki);

        using var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions
        {
            ClientCredential = source,
            ServerTrust = pki.Trust,
            Validation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck },
        });
        using var http = new HttpClient(handler);
        var answer = await http.GetStringAsync(new Uri($"https://127.0.0.1:{server.Port}/"));

        Assert.Equal(card.AuthenticationCertificate.Thumbprint, answer);
        Assert.Equal(card.AuthenticationCertificate.Thumbprint, server.ClientThumbprints.Single());
        Assert.Equal(3, card.PinTriesLeft); // the card checked the PIN first
        pki.Dispose();
    }

    [IntegrationFact("SEGUR_TEST_PKCS11")]
    public async Task GetTlsClientCertificateAsync_TokenHoldsAnotherKey_ThrowsKeyMismatch()
    {
        await using var card = token.CreateCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        var uri = token.KeyUri.Replace("object=CPS_PRIV_AUT", "object=OTHER_KEY", StringComparison.Ordinal);
        using var source = new CpsCredentialSource(cps, PinProvider, tlsOptions: new CpsTlsOptions { Route = CpsTlsRoute.Pkcs11Engine, Pkcs11KeyUri = uri });

        var ex = await Assert.ThrowsAsync<SegurCardException>(async () => await source.GetTlsClientCertificateAsync());

        Assert.Equal(CpsErrorCodes.TlsKeyMismatch, ex.ErrorCode);
    }

    [IntegrationFact("SEGUR_TEST_PKCS11")]
    public async Task GetTlsClientCertificateAsync_NoSuchKey_ThrowsKeyUnavailableWithoutPin()
    {
        await using var card = token.CreateCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        var uri = token.KeyUri.Replace("object=CPS_PRIV_AUT", "object=NOT_THERE", StringComparison.Ordinal);
        using var source = new CpsCredentialSource(cps, PinProvider, tlsOptions: new CpsTlsOptions { Route = CpsTlsRoute.Pkcs11Engine, Pkcs11KeyUri = uri });

        var ex = await Assert.ThrowsAsync<SegurCardException>(async () => await source.GetTlsClientCertificateAsync());

        Assert.Equal(CpsErrorCodes.TlsKeyUnavailable, ex.ErrorCode);
        Assert.DoesNotContain(Pin, ex.Message + ex.RawFault, StringComparison.Ordinal);
    }

    [IntegrationFact("SEGUR_TEST_PKCS11")]
    public async Task GetTlsClientCertificateAsync_WrongPin_CardRefusesBeforeTokenLogin()
    {
        await using var card = token.CreateCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        using var source = new CpsCredentialSource(cps, _ => ValueTask.FromResult("9999".ToCharArray()), tlsOptions: new CpsTlsOptions { Route = CpsTlsRoute.Pkcs11Engine, Pkcs11KeyUri = token.KeyUri });

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await source.GetTlsClientCertificateAsync());

        Assert.Equal(CpsErrorCodes.PinIncorrect, ex.ErrorCode);
        Assert.Equal(2, card.PinTriesLeft);
    }

    private static ValueTask<char[]> PinProvider(CancellationToken cancellationToken) => ValueTask.FromResult(Pin.ToCharArray());

    /// <summary>One SoftHSM2 token (own directory from tests/env) for the class, created before the first PKCS#11 use
    /// (p11-kit's proxy lists the tokens once per process): the card key labelled CPS_PRIV_AUT and an unrelated key
    /// labelled OTHER_KEY.</summary>
    public sealed class SoftHsmToken : IDisposable
    {
        private readonly X509Certificate2? _certificate;

        public SoftHsmToken()
        {
            if (Environment.GetEnvironmentVariable("SEGUR_TEST_PKCS11") is not { Length: > 0 })
            {
                return; // the tests skip
            }

            NativeEnv.Set("SOFTHSM2_CONF", TestEnv.Require("SEGUR_TEST_SOFTHSM2_CONF"));
            var util = TestEnv.Require("SEGUR_TEST_SOFTHSM2_UTIL");
            Label = "SegurTls" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
            Run(util, "--init-token", "--free", "--label", Label, "--pin", Pin, "--so-pin", "87654321");
            _certificate = new VirtualCpsCard().AuthenticationCertificate;
            using var other = RSA.Create(2048);
            Import(util, _certificate.GetRSAPrivateKey()!, "CPS_PRIV_AUT", "02");
            Import(util, other, "OTHER_KEY", "03");
        }

        public string Label { get; } = "";

        public string KeyUri => $"pkcs11:token={Label};object=CPS_PRIV_AUT;type=private";

        /// <summary>A fresh virtual card whose authentication key is the token's CPS_PRIV_AUT.</summary>
        public VirtualCpsCard CreateCard() => new(new VirtualCpsCardOptions { AuthenticationCertificate = _certificate });

        public void Dispose()
        {
            if (Label.Length == 0)
            {
                return;
            }

            try
            {
                Run(TestEnv.Require("SEGUR_TEST_SOFTHSM2_UTIL"), "--delete-token", "--token", Label);
            }
            catch (InvalidOperationException)
            {
                // best effort: the token directory is private to the test environment
            }
        }

        private void Import(string util, RSA key, string label, string id)
        {
            var keyFile = Path.Combine(Path.GetTempPath(), Label + label + ".pem");
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
            try
            {
                Run(util, "--import", keyFile, "--token", Label, "--label", label, "--id", id, "--pin", Pin);
            }
            finally
            {
                File.Delete(keyFile);
            }
        }

        private static void Run(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["SOFTHSM2_CONF"] = TestEnv.Require("SEGUR_TEST_SOFTHSM2_CONF");
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)) || process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {args[0]} failed: {error.Result}");
            }
        }
    }

    /// <summary>Sets a variable in the native environment (read by SoftHSM2 when p11-kit loads it).</summary>
    private static partial class NativeEnv
    {
        public static void Set(string name, string value)
        {
            if (setenv(name, value, 1) != 0)
            {
                throw new InvalidOperationException("setenv failed");
            }
        }

        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
        private static partial int setenv(string name, string value, int overwrite);
    }
}

/// <summary>The TLS tests share SoftHSM's process-wide PKCS#11 state: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpsTlsCollection
{
    public const string Name = "cps-tls";
}
