using System.Security.Cryptography.X509Certificates;

namespace Segur.Cps.Tls;

/// <summary>
/// How <see cref="CpsCredentialSource.GetTlsClientCertificateAsync"/> reaches the card's authentication key for TLS.
/// The SDK's own APDUs cannot be plugged into the operating system's TLS stack, so TLS goes through the CPS
/// middleware: on Linux a PKCS#11 module (the ANS "Cryptolib CPS" in production, OpenSC for tests) loaded by the
/// OpenSSL <c>pkcs11</c> engine (libp11); on Windows and macOS the certificate store, where the CPS middleware
/// (minidriver / token extension) publishes the card's certificate with its key.
/// </summary>
/// <remarks>
/// libp11 loads p11-kit's proxy module by default, which exposes every module registered with p11-kit: register the
/// Cryptolib with a file <c>/etc/pkcs11/modules/cryptolib-cps.module</c> holding
/// <c>module: /opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so</c> (path of Cryptolib 5.2; not public, check your
/// installation), or set <c>MODULE_PATH</c> in the engine section of the OpenSSL configuration.
/// </remarks>
public sealed class CpsTlsOptions
{
    /// <summary>The default key URI: the CPS authentication key by its PKCS#11 label.</summary>
    public const string DefaultKeyUri = "pkcs11:object=CPS_PRIV_AUT;type=private";

    /// <summary>The OpenSSL ENGINE that opens the key (Linux).</summary>
    /// <value>Default: <c>pkcs11</c> (libp11; Debian/Ubuntu package <c>libengine-pkcs11-openssl</c>).</value>
    public string OpenSslEngine { get; set; } = "pkcs11";

    /// <summary>The RFC 7512 URI of the authentication private key, without PIN (the PIN comes from the credential's
    /// PIN provider). Add <c>token=</c> or <c>serial=</c> to pick one card when several are inserted.</summary>
    /// <value>Default: <see cref="DefaultKeyUri"/> (label <c>CPS_PRIV_AUT</c> of CPS3 cards, as OpenSC and the
    /// Cryptolib show it).</value>
    public string Pkcs11KeyUri { get; set; } = DefaultKeyUri;

    /// <summary>The store searched on Windows and macOS for the card's certificate with its key.</summary>
    /// <value>Default: <see cref="StoreLocation.CurrentUser"/> (where the CPS minidriver propagates it).</value>
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">An empty engine, a URI that is not <c>pkcs11:</c>, or a URI holding a PIN.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(OpenSslEngine, nameof(OpenSslEngine));
        ArgumentException.ThrowIfNullOrWhiteSpace(Pkcs11KeyUri, nameof(Pkcs11KeyUri));
        if (!Pkcs11KeyUri.StartsWith("pkcs11:", StringComparison.Ordinal))
        {
            throw new ArgumentException("The key URI must be an RFC 7512 'pkcs11:' URI.", nameof(Pkcs11KeyUri));
        }

        if (Pkcs11KeyUri.Contains("pin-value", StringComparison.OrdinalIgnoreCase) || Pkcs11KeyUri.Contains("pin-source", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The key URI must not carry the PIN: it is asked from the PIN provider and never stored.", nameof(Pkcs11KeyUri));
        }
    }
}
