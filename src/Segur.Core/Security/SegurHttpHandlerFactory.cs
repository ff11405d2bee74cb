using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Security;

/// <summary>Options of <see cref="SegurHttpHandlerFactory.CreateAsync"/>.</summary>
public sealed class SegurHttpHandlerOptions
{
    /// <summary>The TLS client credential (mutual TLS, e.g. IGC-Santé ORG AUTH_CLI). Its certificate must carry a
    /// private key usable by the TLS stack; a credential that also implements <see cref="ITlsClientCertificateSource"/>
    /// (a CPS card) is asked for its TLS certificate instead.</summary>
    /// <value>Default: <see langword="null"/> (no client certificate).</value>
    public ICredentialSource? ClientCredential { get; set; }

    /// <summary>The trust set the server certificate must chain to. <see langword="null"/> uses the operating
    /// system's trust store (for services with public certificates, such as Pro Santé Connect).</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public IgcSanteTrust? ServerTrust { get; set; }

    /// <summary>The certificate validation options (revocation, clock) used with <see cref="ServerTrust"/>.</summary>
    /// <value>Default: online revocation, system clock.</value>
    public CertificateValidationOptions Validation { get; set; } = new();

    /// <summary>Whether the server certificate must match the host name. Leave it on.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool CheckHostName { get; set; } = true;

    /// <summary>The TCP connection timeout.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Creates <see cref="SocketsHttpHandler"/> instances for the Ségur services: TLS 1.2 or 1.3 only, an optional client
/// certificate from an <see cref="ICredentialSource"/>, and server certificates validated against a chosen
/// <see cref="IgcSanteTrust"/> with the host name checked. There is no accept-all mode.
/// </summary>
public static class SegurHttpHandlerFactory
{
    /// <summary>Creates a handler.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels reading the client certificate.</param>
    /// <returns>A new handler; the caller owns it (give it to an <see cref="HttpClient"/> that disposes it).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="SegurValidationException">The client certificate has no private key (<c>SGR-1332</c>).</exception>
    /// <remarks>A rejected server certificate makes the request fail with an <see cref="HttpRequestException"/> whose
    /// inner exceptions include a <see cref="SegurTransportException"/> naming the problem (<c>SGR-1341</c>…<c>SGR-1345</c>).</remarks>
    public static async ValueTask<SocketsHttpHandler> CreateAsync(SegurHttpHandlerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ssl = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = options.ServerTrust is null && options.Validation.Revocation != RevocationPolicy.NoCheck
                ? (options.Validation.Revocation == RevocationPolicy.Offline ? X509RevocationMode.Offline : X509RevocationMode.Online)
                : X509RevocationMode.NoCheck,
        };

        if (options.ClientCredential is not null)
        {
            // A card credential hands over a certificate bound to a key the TLS stack can drive (PKCS#11 or OS store).
            var tls = options.ClientCredential as ITlsClientCertificateSource;
            if (tls is { SignsRsaPss: false })
            {
                // A key that signs PKCS#1 v1.5 only (a CPS card) cannot sign TLS 1.3's RSA-PSS CertificateVerify, and in
                // TLS 1.2 the RSA-PSS algorithms must not be offered or OpenSSL picks them.
                ssl.EnabledSslProtocols = SslProtocols.Tls12;
                DisableRsaPss(ssl);
            }

            var certificate = tls is not null
                ? await tls.GetTlsClientCertificateAsync(cancellationToken).ConfigureAwait(false)
                : await options.ClientCredential.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
            if (!certificate.HasPrivateKey)
            {
                throw new SegurValidationException(CoreErrorCodes.CredentialPrivateKeyMissing,
                    "The client credential's certificate has no private key the TLS stack can use (a card key needs a PKCS#11 or OS-store bridge).");
            }

            if (options.ClientCredential is Pkcs12CredentialSource { ExtraCertificates.Count: > 0 } pkcs12)
            {
                // Send the issuing CAs found in the PKCS#12 file along with the certificate.
                ssl.ClientCertificateContext = SslStreamCertificateContext.Create(certificate, pkcs12.ExtraCertificates, offline: true);
            }
            else
            {
                ssl.ClientCertificates = [certificate];
                ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
            }
        }

        var trust = options.ServerTrust;
        var checkHost = options.CheckHostName;
        var validation = options.Validation;
        ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            ValidateServer(trust, validation, checkHost, certificate, chain, errors);

        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AllowAutoRedirect = false,
        };
    }

    private static void DisableRsaPss(SslClientAuthenticationOptions ssl)
    {
#if NET10_0_OR_GREATER
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            ssl.AllowRsaPssPadding = false;
        }
#else
        // .NET 8 cannot restrict the signature algorithms per connection: the process's OpenSSL configuration must
        // (ClientSignatureAlgorithms, see the Segur.Cps README).
        _ = ssl;
#endif
    }

    internal static bool ValidateServer(IgcSanteTrust? trust, CertificateValidationOptions validation, bool checkHost,
        X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            throw new SegurTransportException(CoreErrorCodes.ServerCertificateUntrusted, "The server sent no certificate.", isTransient: false);
        }

        if (checkHost && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            throw new SegurTransportException(CoreErrorCodes.ServerCertificateNameMismatch,
                $"The server certificate '{certificate.Subject}' does not match the host name.", isTransient: false);
        }

        if (trust is null)
        {
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
            {
                var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()) ?? [];
                throw new SegurTransportException(CoreErrorCodes.ServerCertificateUntrusted,
                    $"The server certificate '{certificate.Subject}' is not trusted by the system store: {string.Join(", ", statuses)}.", isTransient: false);
            }

            return true;
        }

        var extra = chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>().ToList();
        var server = certificate as X509Certificate2 ?? CertificateLoading.LoadDer(certificate.GetRawCertData());
        var result = trust.Evaluate(server, validation, extra);
        if (!result.IsTrusted)
        {
            throw new SegurTransportException(result.ErrorCode!,
                $"The server certificate '{certificate.Subject}' is not trusted by {trust.Name}: {string.Join("; ", result.Problems)}.", isTransient: false);
        }

        return true;
    }
}
