using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Cps.Tls;

/// <summary>Binds the card's authentication certificate to a private key the TLS stack can use.</summary>
internal static class CpsTlsKey
{
    /// <summary>Linux: opens the key through an OpenSSL engine (libp11 → PKCS#11 module → card) and attaches it to the
    /// certificate after checking it is the certificate's key.</summary>
    /// <param name="certificate">The card's authentication certificate (public).</param>
    /// <param name="options">Engine and key URI.</param>
    /// <param name="pin">The PIN for the PKCS#11 login, or empty when the module logs in by itself (PIN pad).</param>
    /// <param name="key">The OpenSSL key, owned by the caller (dispose after the certificate).</param>
    /// <returns>The certificate with the engine-backed key.</returns>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static X509Certificate2 OpenFromEngine(X509Certificate2 certificate, CpsTlsOptions options, ReadOnlySpan<char> pin, out RSA key)
    {

        var keyId = pin.IsEmpty ? options.Pkcs11KeyUri : string.Concat(options.Pkcs11KeyUri, ";pin-value=", PercentEncode(pin));
        RSA rsa;
        try
        {
            using var handle = SafeEvpPKeyHandle.OpenPrivateKeyFromEngine(options.OpenSslEngine, keyId);
            rsa = new RSAOpenSsl(handle);
        }
        catch (CryptographicException ex)
        {
            // OpenSSL's message does not carry the key id; the URI is shown without the PIN.
            throw new SegurCardException(CpsErrorCodes.TlsKeyUnavailable,
                $"The OpenSSL engine '{options.OpenSslEngine}' could not open '{options.Pkcs11KeyUri}': is libp11 installed (libengine-pkcs11-openssl), "
                + "the PKCS#11 module (Cryptolib CPS, OpenSC) registered with p11-kit, the card inserted and the PIN right?",
                rawFault: ex.Message.Replace(keyId, options.Pkcs11KeyUri, StringComparison.Ordinal));
        }

        try
        {
            EnsureSameKey(certificate, rsa);
            var withKey = certificate.CopyWithPrivateKey(rsa);
            key = rsa;
            return withKey;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>Linux, <see cref="CpsTlsRoute.CardApdus"/>: a copy of the certificate whose OpenSSL key has the card
    /// compute every private-key operation through <paramref name="signer"/>.</summary>
    /// <param name="certificate">The card's authentication certificate (public).</param>
    /// <param name="signer">Signs a DigestInfo with the card.</param>
    /// <param name="reportFailure">Told when OpenSSL asks for what the card cannot do.</param>
    /// <param name="key">The OpenSSL key, owned by the caller (dispose after the certificate).</param>
    /// <returns>The certificate with the card-backed key.</returns>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static X509Certificate2 BindToCard(X509Certificate2 certificate, OpenSslCardKey.DigestInfoSigner signer, OpenSslCardKey.FailureReporter reportFailure, out RSA key)
    {
        using var publicKey = certificate.GetRSAPublicKey()
            ?? throw new SegurCardException(CpsErrorCodes.TlsKeyMismatch, "The card's authentication certificate has no RSA key.");
        var rsa = OpenSslCardKey.Create(publicKey.ExportParameters(false), signer, reportFailure);
        try
        {
            var withKey = certificate.CopyWithPrivateKey(rsa);
            key = rsa;
            return withKey;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>Windows/macOS: finds the card's certificate in the store, where the CPS middleware publishes it with a
    /// key bound to the card (CNG smart-card key storage provider on Windows).</summary>
    /// <param name="certificate">The card's authentication certificate.</param>
    /// <param name="location">The store location.</param>
    /// <returns>The store's certificate with its key; the caller owns it.</returns>
    public static X509Certificate2 FindInStore(X509Certificate2 certificate, StoreLocation location)
    {
        using var store = new X509Store(StoreName.My, location);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, certificate.Thumbprint, validOnly: false);
        X509Certificate2? match = null;
        foreach (var candidate in found)
        {
            if (match is null && candidate.HasPrivateKey)
            {
                match = candidate;
            }
            else
            {
                candidate.Dispose();
            }
        }

        return match ?? throw new SegurCardException(CpsErrorCodes.TlsKeyUnavailable,
            $"The card's certificate ({certificate.Thumbprint}) is not in the {location} 'My' store with a key: install the CPS middleware "
            + "(Cryptolib CPS with its minidriver on Windows) and keep the card inserted.");
    }

    /// <summary>Throws <see cref="CpsErrorCodes.TlsKeyMismatch"/> unless <paramref name="key"/> is the certificate's key.</summary>
    internal static void EnsureSameKey(X509Certificate2 certificate, RSA key)
    {
        using var publicKey = certificate.GetRSAPublicKey()
            ?? throw new SegurCardException(CpsErrorCodes.TlsKeyMismatch, "The card's authentication certificate has no RSA key.");
        var expected = publicKey.ExportParameters(false);
        var actual = key.ExportParameters(false);
        if (expected.Modulus is null || actual.Modulus is null || !expected.Modulus.AsSpan().SequenceEqual(actual.Modulus)
            || !(expected.Exponent ?? []).AsSpan().SequenceEqual(actual.Exponent ?? []))
        {
            throw new SegurCardException(CpsErrorCodes.TlsKeyMismatch,
                "The PKCS#11 key found for TLS is not the key of the card's authentication certificate: narrow CpsTlsOptions.Pkcs11KeyUri (token=, serial=, id=).");
        }
    }

    private static string PercentEncode(ReadOnlySpan<char> value)
    {
        var builder = new System.Text.StringBuilder(value.Length * 3);
        foreach (var c in value)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
