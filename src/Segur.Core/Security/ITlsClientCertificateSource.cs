using System.Security.Cryptography.X509Certificates;

namespace Segur.Security;

/// <summary>
/// A credential whose certificate for signing (<see cref="ICredentialSource.GetCertificateAsync"/>) is not directly
/// usable by the TLS stack, but which can give a TLS-ready certificate on request: one whose private key the
/// operating system's TLS implementation can use (an OpenSSL key reached through PKCS#11, a CNG key of a smart-card
/// minidriver). <see cref="SegurHttpHandlerFactory"/> asks for it when the client credential implements this
/// interface.
/// </summary>
/// <remarks>Implemented by <c>Segur.Cps.CpsCredentialSource</c>: a CPS card signs through its own APDUs for XML
/// signatures, while TLS needs the card's key behind a PKCS#11 module (Linux) or the certificate store (Windows).</remarks>
public interface ITlsClientCertificateSource
{
    /// <summary>Returns the certificate with a private key usable by <see cref="System.Net.Security.SslStream"/>.</summary>
    /// <param name="cancellationToken">Cancels the operation (for example while the PIN is asked).</param>
    /// <returns>The certificate. The caller must not dispose it; the source owns it.</returns>
    /// <exception cref="SegurException">No usable key (middleware missing, key not found, PIN wrong or blocked).</exception>
    ValueTask<X509Certificate2> GetTlsClientCertificateAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the key behind <see cref="GetTlsClientCertificateAsync"/> can make RSA-PSS signatures. A card
    /// that signs PKCS#1 v1.5 only (CPS cards) cannot sign a TLS 1.3 CertificateVerify, and in TLS 1.2 OpenSSL picks
    /// RSA-PSS whenever the server offers it. When false, <see cref="SegurHttpHandlerFactory"/> offers TLS 1.2 only and
    /// (on .NET 10 and later) leaves the <c>rsa_pss_*</c> signature algorithms out of the handshake.</summary>
    /// <value>Default: true.</value>
    bool SignsRsaPss => true;
}
