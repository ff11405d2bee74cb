using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Security;

/// <summary>
/// A credential the SDK authenticates and signs with: a certificate for TLS client authentication plus a
/// signer, so that a card (CPS) can sign without its private key ever leaving it.
/// </summary>
/// <remarks>
/// Implementations: <c>Pkcs12CredentialSource</c> (a <c>.p12</c>/<c>.pfx</c> file, e.g. an
/// organisation software certificate), <c>CertificateStoreCredentialSource</c> (the operating
/// system's certificate store) and, in Segur.Cps, the CPS card. Signatures are RSA PKCS#1 v1.5, the
/// scheme used by IGC-Santé certificates and by the DMP, INSi and SAML profiles.
/// </remarks>
public interface ICredentialSource
{
    /// <summary>Returns the signing/authentication certificate (public part; for TLS it may carry a private key
    /// or a key bound to a device).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The certificate. The caller must not dispose it; the source owns it.</returns>
    /// <exception cref="SegurException">The credential is not available (card removed, file unreadable…).</exception>
    ValueTask<X509Certificate2> GetCertificateAsync(CancellationToken cancellationToken = default);

    /// <summary>Signs data with the credential's private key (RSA PKCS#1 v1.5).</summary>
    /// <param name="data">The data to sign; the source hashes it with <paramref name="hashAlgorithm"/>.</param>
    /// <param name="hashAlgorithm">The hash algorithm, normally <see cref="HashAlgorithmName.SHA256"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The signature value.</returns>
    /// <exception cref="SegurException">Signing failed (card removed, PIN required or blocked, key unusable).</exception>
    ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default);
}
