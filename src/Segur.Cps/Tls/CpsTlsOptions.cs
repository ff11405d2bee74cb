using System.Security.Cryptography.X509Certificates;

namespace Segur.Cps.Tls;

/// <summary>How the TLS stack reaches the card's authentication key on Linux.</summary>
public enum CpsTlsRoute
{
    /// <summary>The SDK binds the card's key to OpenSSL itself: the handshake signature is computed by the card through
    /// the SDK's own APDUs (MSE SET + INTERNAL AUTHENTICATE), over the same PC/SC connection as the rest of
    /// <see cref="CpsCard"/>. No PKCS#11 middleware is needed.</summary>
    CardApdus = 0,

    /// <summary>The key is opened through an OpenSSL ENGINE (libp11's <c>pkcs11</c>) and a PKCS#11 module: the ANS
    /// "Cryptolib CPS" in production, OpenSC, or a software token. See <see cref="CpsTlsOptions.Pkcs11KeyUri"/>.</summary>
    Pkcs11Engine = 1,
}

/// <summary>
/// How <see cref="CpsCredentialSource.GetTlsClientCertificateAsync"/> reaches the card's authentication key for TLS.
/// On Linux the default route (<see cref="CpsTlsRoute.CardApdus"/>) has the card sign the handshake through the SDK's
/// own APDUs; <see cref="CpsTlsRoute.Pkcs11Engine"/> goes through a PKCS#11 module loaded by the OpenSSL
/// <c>pkcs11</c> engine (libp11) instead. On Windows and macOS the key is taken from the certificate store, where the
/// CPS middleware (minidriver / token extension) publishes the card's certificate with its key.
/// </summary>
/// <remarks>
/// <para>CPS cards sign PKCS#1 v1.5 only, so the handshake is TLS 1.2 without the RSA-PSS signature algorithms (see
/// <see cref="KeySignsRsaPss"/>); on .NET 8 the process's OpenSSL configuration must leave RSA-PSS out of the client
/// signature algorithms (Segur.Cps README), on .NET 10 the SDK does it per connection.</para>
/// <para>PKCS#11 route: libp11 loads p11-kit's proxy module by default, which exposes every module registered with
/// p11-kit: register the Cryptolib with a file <c>/etc/pkcs11/modules/cryptolib-cps.module</c> holding
/// <c>module: /opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so</c> (path of Cryptolib 5.2; not public, check your
/// installation), or set <c>MODULE_PATH</c> in the engine section of the OpenSSL configuration. libp11 (0.4.12) lists
/// the PKCS#11 tokens once per process: a card inserted after the first key was opened is not seen by that route.</para>
/// </remarks>
public sealed class CpsTlsOptions
{
    /// <summary>The default key URI: the CPS authentication key by its PKCS#11 label.</summary>
    public const string DefaultKeyUri = "pkcs11:object=CPS_PRIV_AUT;type=private";

    /// <summary>How the key is reached on Linux.</summary>
    /// <value>Default: <see cref="CpsTlsRoute.CardApdus"/>.</value>
    public CpsTlsRoute Route { get; set; } = CpsTlsRoute.CardApdus;

    /// <summary>The OpenSSL ENGINE that opens the key (Linux, <see cref="CpsTlsRoute.Pkcs11Engine"/>).</summary>
    /// <value>Default: <c>pkcs11</c> (libp11; Debian/Ubuntu package <c>libengine-pkcs11-openssl</c>).</value>
    public string OpenSslEngine { get; set; } = "pkcs11";

    /// <summary>The RFC 7512 URI of the authentication private key (<see cref="CpsTlsRoute.Pkcs11Engine"/>), without PIN (the PIN comes from the credential's
    /// PIN provider). Add <c>token=</c> or <c>serial=</c> to pick one card when several are inserted.</summary>
    /// <value>Default: <see cref="DefaultKeyUri"/> (label <c>CPS_PRIV_AUT</c> of CPS3 cards, as OpenSC and the
    /// Cryptolib show it).</value>
    public string Pkcs11KeyUri { get; set; } = DefaultKeyUri;

    /// <summary>The store searched on Windows and macOS for the card's certificate with its key.</summary>
    /// <value>Default: <see cref="StoreLocation.CurrentUser"/> (where the CPS minidriver propagates it).</value>
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>Whether the PKCS#11 key (<see cref="CpsTlsRoute.Pkcs11Engine"/>) can make RSA-PSS signatures (see
    /// <see cref="Segur.Security.ITlsClientCertificateSource.SignsRsaPss"/>). CPS cards sign PKCS#1 v1.5 only (OpenSC
    /// answers <c>CKR_MECHANISM_INVALID</c> for RSA-PSS and raw RSA), so the handshake is TLS 1.2 with PKCS#1 v1.5
    /// signatures; the national services (DMP, INSi) use TLS 1.2.</summary>
    /// <value>Default: false. Set true only for a key whose module signs RSA-PSS (a software token), to allow TLS 1.3.</value>
    public bool KeySignsRsaPss { get; set; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">An unknown route, an empty engine, a URI that is not <c>pkcs11:</c>, or a URI
    /// holding a PIN.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Route))
        {
            throw new ArgumentException($"Unknown TLS route {Route}.", nameof(Route));
        }


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
