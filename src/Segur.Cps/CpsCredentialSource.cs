using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Cps.Tls;
using Segur.Security;

namespace Segur.Cps;

/// <summary>
/// An <see cref="ICredentialSource"/> backed by a CPS card: the authentication certificate and signatures made by
/// the card's authentication key. The PIN is asked from <c>pinProvider</c> when the card needs it, used once and
/// cleared; it is never stored. For TLS client authentication it also implements
/// <see cref="ITlsClientCertificateSource"/> (used by <see cref="SegurHttpHandlerFactory"/>): on Linux the card signs
/// the handshake through the SDK (or through a PKCS#11 module), on Windows/macOS the CPS middleware's certificate store
/// entry is used; see <see cref="CpsTlsOptions"/>.
/// </summary>
public sealed class CpsCredentialSource : ICredentialSource, ITlsClientCertificateSource, IDisposable
{
    private readonly CpsCard _card;
    private readonly Func<CancellationToken, ValueTask<char[]>>? _pinProvider;
    private readonly bool _ownsCard;
    private readonly CpsTlsOptions _tls;
    private readonly SemaphoreSlim _tlsLock = new(1, 1);
    private X509Certificate2? _tlsCertificate;
    private RSA? _tlsKey;

    /// <summary>Creates a source over an open card.</summary>
    /// <param name="card">The card.</param>
    /// <param name="pinProvider">Asks the user for the PIN when the card needs it (the returned array is cleared after
    /// use); null when the caller verifies the PIN itself with <see cref="CpsCard.VerifyPinAsync"/>.</param>
    /// <param name="ownsCard">Whether disposing the source disposes the card.</param>
    /// <param name="tlsOptions">How TLS reaches the card's key; default: <see cref="CpsTlsOptions"/> defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="card"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="tlsOptions"/> is invalid.</exception>
    public CpsCredentialSource(CpsCard card, Func<CancellationToken, ValueTask<char[]>>? pinProvider = null, bool ownsCard = false, CpsTlsOptions? tlsOptions = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        _tls = tlsOptions ?? new CpsTlsOptions();
        _tls.Validate();
        _card = card;
        _pinProvider = pinProvider;
        _ownsCard = ownsCard;
    }

    /// <summary>The card.</summary>
    public CpsCard Card => _card;

    /// <summary>Why the card could not sign the last TLS handshake (<see cref="CpsErrorCodes.CardRemoved"/>, a blocked
    /// PIN…), or null after a handshake it signed. The TLS stack only reports a generic handshake failure
    /// (<see cref="HttpRequestException"/> around an <see cref="System.Security.Authentication.AuthenticationException"/>):
    /// read this to tell the user what to do. Linux, <see cref="CpsTlsRoute.CardApdus"/> only.</summary>
    public SegurException? LastTlsSignatureFailure { get; private set; }

    /// <inheritdoc/>
    public ValueTask<X509Certificate2> GetCertificateAsync(CancellationToken cancellationToken = default) =>
        _card.ReadAuthenticationCertificateAsync(cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="CpsPinException">The PIN is needed and no provider was given, or the PIN is wrong or blocked.</exception>
    public ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default) =>
        WithPinAsync(token => _card.SignDataAsync(data, hashAlgorithm, token), cancellationToken);

    /// <summary>Runs a card signature; when the card asks for the PIN and a provider was given, asks it once, verifies
    /// it and signs again.</summary>
    private async ValueTask<byte[]> WithPinAsync(Func<CancellationToken, ValueTask<byte[]>> sign, CancellationToken cancellationToken)
    {
        try
        {
            return await sign(cancellationToken).ConfigureAwait(false);
        }
        catch (CpsPinException ex) when (ex.ErrorCode == CpsErrorCodes.PinRequired && _pinProvider is not null)
        {
            await VerifyPinFromProviderAsync(cancellationToken).ConfigureAwait(false);
            return await sign(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask VerifyPinFromProviderAsync(CancellationToken cancellationToken)
    {
        var pin = await _pinProvider!(cancellationToken).ConfigureAwait(false);
        try
        {
            await _card.VerifyPinAsync(pin, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(pin);
        }
    }

    /// <summary>Returns the card's authentication certificate bound to a key the TLS stack can use.</summary>
    /// <remarks>
    /// <para>Linux, <see cref="CpsTlsRoute.CardApdus"/> (default): when a PIN provider was given, the PIN is checked by
    /// the card (precise errors with tries left); the certificate is returned with an OpenSSL key whose private
    /// operation is this card's INTERNAL AUTHENTICATE, run synchronously on the handshake's thread. If the card lost
    /// the PIN since, the provider is asked again from that thread: a provider that needs the thread doing the
    /// handshake (a UI thread blocked in a synchronous handshake) would deadlock. See
    /// <see cref="LastTlsSignatureFailure"/> after a failed handshake.</para>
    /// <para>Linux, <see cref="CpsTlsRoute.Pkcs11Engine"/>: the key is opened through the OpenSSL engine
    /// <see cref="CpsTlsOptions.OpenSslEngine"/> with <see cref="CpsTlsOptions.Pkcs11KeyUri"/>. When a PIN provider was
    /// given, the PIN is first checked by the card itself, then handed to the PKCS#11 login; it is not kept by the SDK,
    /// but it passes through a managed string for the engine call. The key found must match the certificate read from
    /// the card (<see cref="CpsErrorCodes.TlsKeyMismatch"/> otherwise).</para>
    /// <para>Windows and macOS: the certificate with its key is taken from the <c>My</c> store, where the CPS
    /// middleware publishes it; the middleware asks the PIN itself.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels reading the card or asking the PIN.</param>
    /// <returns>The certificate; owned by this source (disposed with it).</returns>
    /// <exception cref="CpsPinException">Wrong or blocked PIN.</exception>
    /// <exception cref="SegurCardException">The key is not reachable (<see cref="CpsErrorCodes.TlsKeyUnavailable"/>) or
    /// not the certificate's (<see cref="CpsErrorCodes.TlsKeyMismatch"/>); card removed.</exception>
    public async ValueTask<X509Certificate2> GetTlsClientCertificateAsync(CancellationToken cancellationToken = default)
    {
        if (_tlsCertificate is not null)
        {
            return _tlsCertificate;
        }

        await _tlsLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tlsCertificate is not null)
            {
                return _tlsCertificate;
            }

            var certificate = await _card.ReadAuthenticationCertificateAsync(cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsLinux())
            {
                _tlsCertificate = CpsTlsKey.FindInStore(certificate, _tls.StoreLocation);
                return _tlsCertificate;
            }

            if (_tls.Route == CpsTlsRoute.CardApdus)
            {
                if (_pinProvider is not null)
                {
                    await VerifyPinFromProviderAsync(cancellationToken).ConfigureAwait(false);
                }

                _tlsCertificate = CpsTlsKey.BindToCard(certificate, SignDigestInfo, failure => LastTlsSignatureFailure = failure, out var cardKey);
                _tlsKey = cardKey;
                return _tlsCertificate;
            }

            char[] pin = [];
            try
            {
                if (_pinProvider is not null)
                {
                    pin = await _pinProvider(cancellationToken).ConfigureAwait(false);
                    await _card.VerifyPinAsync(pin, cancellationToken).ConfigureAwait(false);
                }

                _tlsCertificate = CpsTlsKey.OpenFromEngine(certificate, _tls, pin, out var key);
                _tlsKey = key;
                return _tlsCertificate;
            }
            finally
            {
                Array.Clear(pin);
            }
        }
        finally
        {
            _tlsLock.Release();
        }
    }

    /// <inheritdoc/>
    /// <value>False: the card signs PKCS#1 v1.5 only, so the handshake is TLS 1.2 with PKCS#1 v1.5 signatures; true only
    /// with <see cref="CpsTlsRoute.Pkcs11Engine"/> and <see cref="CpsTlsOptions.KeySignsRsaPss"/>.</value>
    public bool SignsRsaPss => _tls.Route == CpsTlsRoute.Pkcs11Engine && _tls.KeySignsRsaPss;

    /// <summary>The handshake signature (called by OpenSSL, synchronously, on the handshake's thread): the card signs
    /// the DigestInfo with INTERNAL AUTHENTICATE; a PIN lost since (card reset) is asked again.</summary>
    private byte[] SignDigestInfo(byte[] digestInfo)
    {
        try
        {
            var decoded = DigestInfo.Decode(digestInfo)
                ?? throw new SegurCardException(CpsErrorCodes.SignatureFailed, "The TLS stack asked the card to sign a hash it does not support (SHA-256, SHA-384, SHA-512).");
            var signature = WithPinAsync(token => _card.SignHashAsync(decoded.Hash, decoded.Algorithm, token), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            LastTlsSignatureFailure = null;
            return signature;
        }
        catch (SegurException ex)
        {
            LastTlsSignatureFailure = ex;
            throw;
        }
    }

    /// <summary>Releases the TLS key and disposes the card when the source owns it.</summary>
    public void Dispose()
    {
        _tlsCertificate?.Dispose();
        _tlsKey?.Dispose();
        _tlsLock.Dispose();
        if (_ownsCard)
        {
            _card.Dispose();
        }
    }
}
