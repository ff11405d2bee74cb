using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Security;

/// <summary>Loads certificates with <c>X509CertificateLoader</c> on .NET 9+ and the legacy constructors on .NET 8.</summary>
internal static class CertificateLoading
{
    /// <summary>Loads one DER-encoded certificate (public part only).</summary>
    public static X509Certificate2 LoadDer(byte[] der)
    {
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadCertificate(der);
#else
        return new X509Certificate2(der);
#endif
    }

    /// <summary>Loads one certificate from DER or PEM text bytes.</summary>
    public static X509Certificate2 LoadDerOrPem(byte[] data)
    {
        if (data.Length > 0 && data[0] == 0x30)
        {
            return LoadDer(data);
        }

        var text = System.Text.Encoding.ASCII.GetString(data);
        var fields = PemEncoding.Find(text);
        if (!text.AsSpan()[fields.Label].SequenceEqual("CERTIFICATE"))
        {
            throw new CryptographicException("The PEM block is not a CERTIFICATE.");
        }

        return LoadDer(Convert.FromBase64String(text[fields.Base64Data]));
    }

    /// <summary>The key storage flags for a PKCS#12 import: ephemeral where TLS allows it.</summary>
    public static X509KeyStorageFlags Pkcs12Flags =>
        OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;

    /// <summary>Loads every certificate of a PKCS#12 blob, with private keys.</summary>
    public static X509Certificate2Collection LoadPkcs12Collection(byte[] data, string? password)
    {
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12Collection(data, password, Pkcs12Flags);
#else
        var collection = new X509Certificate2Collection();
        collection.Import(data, password, Pkcs12Flags);
        return collection;
#endif
    }
}
