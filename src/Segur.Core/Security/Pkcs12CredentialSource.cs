using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Security;

/// <summary>
/// A credential read from a PKCS#12 (<c>.p12</c>/<c>.pfx</c>) file or bytes, for example an IGC-Santé organisation
/// software certificate (ORG AUTH_CLI for TLS, ORG SIGN for the VIHF).
/// </summary>
/// <remarks>
/// The content is opened once, in the constructor; the password is used for that call only and is not kept. On Linux
/// the private key lives in memory only (ephemeral key set); on Windows and macOS the platform may keep a temporary
/// key container that is deleted when this source is disposed. The certificate chosen is the one that has an RSA
/// private key (other certificates of the file, such as CA certificates, are available in <see cref="ExtraCertificates"/>).
/// </remarks>
public sealed class Pkcs12CredentialSource : ICredentialSource, IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly RSA _key;
    private bool _disposed;

    /// <summary>Opens a PKCS#12 file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="password">The file's password; not kept after the constructor returns.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="SegurValidationException">The file cannot be read (<c>SGR-1330</c>), the password is wrong or the
    /// file damaged (<c>SGR-1331</c>), no certificate has a private key (<c>SGR-1332</c>) or the key is not RSA (<c>SGR-1333</c>).</exception>
    public Pkcs12CredentialSource(string path, string? password)
        : this(ReadFile(path), password, Path.GetFileName(path))
    {
    }

    /// <summary>Opens PKCS#12 content held in memory.</summary>
    /// <param name="pkcs12">The PKCS#12 bytes.</param>
    /// <param name="password">The password; not kept after the constructor returns.</param>
    /// <exception cref="SegurValidationException">See <see cref="Pkcs12CredentialSource(string, string?)"/>.</exception>
    public Pkcs12CredentialSource(ReadOnlyMemory<byte> pkcs12, string? password)
        : this(pkcs12.ToArray(), password, "PKCS#12 content")
    {
    }

    private Pkcs12CredentialSource(byte[] data, string? password, string what)
    {
        X509Certificate2Collection collection;
        try
        {
            collection = CertificateLoading.LoadPkcs12Collection(data, password);
        }
        catch (CryptographicException ex)
        {
            throw new SegurValidationException(CoreErrorCodes.Pkcs12PasswordOrFormat,
                $"The {what} cannot be opened: the password is wrong or the file is not a valid PKCS#12 (legacy RC2-40 files may need re-export with AES).",
                innerException: ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }

        X509Certificate2? chosen = null;
        foreach (var certificate in collection)
        {
            if (chosen is null && certificate.HasPrivateKey)
            {
                chosen = certificate;
            }
        }

        if (chosen is null)
        {
            DisposeAll(collection, null);
            throw new SegurValidationException(CoreErrorCodes.CredentialPrivateKeyMissing, $"The {what} holds no certificate with a private key.");
        }

        var key = chosen.GetRSAPrivateKey();
        if (key is null)
        {
            DisposeAll(collection, null);
            throw new SegurValidationException(CoreErrorCodes.CredentialKeyNotRsa, $"The {what}'s private key is not an RSA key; IGC-Santé credentials are RSA.");
        }

        _certificate = chosen;
        _key = key;
        var extra = new X509Certificate2Collection();
        foreach (var certificate in collection)
        {
            if (!ReferenceEquals(certificate, chosen))
            {
                extra.Add(certificate);
            }
        }

        ExtraCertificates = extra;
    }

    /// <summary>The other certificates of the file (usually the issuing CAs), usable as chain intermediates.</summary>
    public X509Certificate2Collection ExtraCertificates { get; }

    /// <inheritdoc />
    public ValueTask<X509Certificate2> GetCertificateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new ValueTask<X509Certificate2>(_certificate);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new ValueTask<byte[]>(_key.SignData(data.Span.ToArray(), hashAlgorithm, RSASignaturePadding.Pkcs1));
    }

    /// <summary>Releases the key and the certificates.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _key.Dispose();
        _certificate.Dispose();
        DisposeAll(ExtraCertificates, null);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new SegurException(CoreErrorCodes.CredentialDisposed, "The PKCS#12 credential was disposed.");
        }
    }

    private static byte[] ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SegurValidationException(CoreErrorCodes.Pkcs12FileUnreadable, $"The PKCS#12 file '{Path.GetFileName(path)}' cannot be read ({ex.GetType().Name}).", innerException: ex);
        }
    }

    private static void DisposeAll(X509Certificate2Collection collection, X509Certificate2? keep)
    {
        foreach (var certificate in collection)
        {
            if (!ReferenceEquals(certificate, keep))
            {
                certificate.Dispose();
            }
        }
    }
}
