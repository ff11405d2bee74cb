using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Security;

/// <summary>
/// A credential found in the operating system's personal certificate store (<c>My</c>) of the current user or the
/// local machine, by thumbprint or by subject. On Windows this is where the CPS middleware (CPS-Gestion) and
/// installed organisation certificates usually appear.
/// </summary>
/// <remarks>The store is searched on first use, then the certificate is kept until the source is disposed. Among
/// several matches by subject, the certificate with an RSA private key that was issued last is used.</remarks>
public sealed class CertificateStoreCredentialSource : ICredentialSource, IDisposable
{
    private readonly StoreLocation _location;
    private readonly X509FindType _findType;
    private readonly string _value;
    private readonly object _gate = new();
    private X509Certificate2? _certificate;
    private RSA? _key;
    private bool _disposed;

    private CertificateStoreCredentialSource(StoreLocation location, X509FindType findType, string value)
    {
        _location = location;
        _findType = findType;
        _value = value;
    }

    /// <summary>Finds a certificate by its SHA-1 thumbprint (hexadecimal, spaces and colons ignored).</summary>
    /// <param name="thumbprint">The thumbprint.</param>
    /// <param name="location">The store: <see cref="StoreLocation.CurrentUser"/> (default) or <see cref="StoreLocation.LocalMachine"/>.</param>
    /// <returns>The source; the store is searched on first use.</returns>
    /// <exception cref="ArgumentException"><paramref name="thumbprint"/> is empty.</exception>
    public static CertificateStoreCredentialSource FromThumbprint(string thumbprint, StoreLocation location = StoreLocation.CurrentUser)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(thumbprint);
        var normalized = new string(thumbprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
        if (normalized.Length != 40)
        {
            throw new ArgumentException("A certificate thumbprint is 40 hexadecimal digits.", nameof(thumbprint));
        }

        return new CertificateStoreCredentialSource(location, X509FindType.FindByThumbprint, normalized);
    }

    /// <summary>Finds a certificate whose subject contains the given text (for example its CN).</summary>
    /// <param name="subject">Text contained in the subject name.</param>
    /// <param name="location">The store: <see cref="StoreLocation.CurrentUser"/> (default) or <see cref="StoreLocation.LocalMachine"/>.</param>
    /// <returns>The source; the store is searched on first use.</returns>
    /// <exception cref="ArgumentException"><paramref name="subject"/> is empty.</exception>
    public static CertificateStoreCredentialSource FromSubject(string subject, StoreLocation location = StoreLocation.CurrentUser)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        return new CertificateStoreCredentialSource(location, X509FindType.FindBySubjectName, subject);
    }

    /// <inheritdoc />
    /// <exception cref="SegurValidationException">No matching certificate with an RSA private key is in the store (<c>SGR-1334</c>,
    /// <c>SGR-1332</c>, <c>SGR-1333</c>).</exception>
    public ValueTask<X509Certificate2> GetCertificateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<X509Certificate2>(Resolve().Certificate);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = Resolve().Key;
        try
        {
            return new ValueTask<byte[]>(key.SignData(data.Span.ToArray(), hashAlgorithm, RSASignaturePadding.Pkcs1));
        }
        catch (CryptographicException ex)
        {
            throw new SegurException(CoreErrorCodes.SigningFailed, "The certificate store key could not sign (key not exportable to this process, smart card absent or PIN refused).", innerException: ex);
        }
    }

    /// <summary>Releases the certificate and key found in the store.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _key?.Dispose();
            _certificate?.Dispose();
            _key = null;
            _certificate = null;
        }
    }

    private (X509Certificate2 Certificate, RSA Key) Resolve()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw new SegurException(CoreErrorCodes.CredentialDisposed, "The certificate store credential was disposed.");
            }

            if (_certificate is not null && _key is not null)
            {
                return (_certificate, _key);
            }

            var storeName = $"{_location}\\My";
            using var store = new X509Store(StoreName.My, _location);
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (CryptographicException ex)
            {
                throw new SegurValidationException(CoreErrorCodes.CertificateNotFoundInStore, $"The certificate store {storeName} cannot be opened.", innerException: ex);
            }

            var all = store.Certificates;
            var matches = all.Find(_findType, _value, validOnly: false);
            var what = _findType == X509FindType.FindByThumbprint ? $"thumbprint {_value}" : $"subject containing '{_value}'";
            X509Certificate2? best = null;
            var sawWithoutKey = false;
            foreach (var candidate in matches)
            {
                if (!candidate.HasPrivateKey)
                {
                    sawWithoutKey = true;
                    continue;
                }

                if (best is null || candidate.NotBefore > best.NotBefore)
                {
                    best = candidate;
                }
            }

            foreach (var candidate in matches)
            {
                if (!ReferenceEquals(candidate, best))
                {
                    candidate.Dispose();
                }
            }

            foreach (var certificate in all)
            {
                if (!ReferenceEquals(certificate, best))
                {
                    certificate.Dispose();
                }
            }

            if (best is null)
            {
                throw sawWithoutKey
                    ? new SegurValidationException(CoreErrorCodes.CredentialPrivateKeyMissing, $"The certificate with {what} in {storeName} has no private key.")
                    : new SegurValidationException(CoreErrorCodes.CertificateNotFoundInStore, $"No certificate with {what} is in {storeName}.");
            }

            var key = best.GetRSAPrivateKey();
            if (key is null)
            {
                best.Dispose();
                throw new SegurValidationException(CoreErrorCodes.CredentialKeyNotRsa, $"The certificate with {what} in {storeName} does not have an RSA private key.");
            }

            _certificate = best;
            _key = key;
            return (best, key);
        }
    }
}
