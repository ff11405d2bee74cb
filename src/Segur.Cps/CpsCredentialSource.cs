using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Security;

namespace Segur.Cps;

/// <summary>
/// An <see cref="ICredentialSource"/> backed by a CPS card: the authentication certificate and signatures made by
/// the card's authentication key. The PIN is asked from <c>pinProvider</c> when the card needs it, used once and
/// cleared; it is never stored.
/// </summary>
public sealed class CpsCredentialSource : ICredentialSource, IDisposable
{
    private readonly CpsCard _card;
    private readonly Func<CancellationToken, ValueTask<char[]>>? _pinProvider;
    private readonly bool _ownsCard;

    /// <summary>Creates a source over an open card.</summary>
    /// <param name="card">The card.</param>
    /// <param name="pinProvider">Asks the user for the PIN when the card needs it (the returned array is cleared after
    /// use); null when the caller verifies the PIN itself with <see cref="CpsCard.VerifyPinAsync"/>.</param>
    /// <param name="ownsCard">Whether disposing the source disposes the card.</param>
    /// <exception cref="ArgumentNullException"><paramref name="card"/> is null.</exception>
    public CpsCredentialSource(CpsCard card, Func<CancellationToken, ValueTask<char[]>>? pinProvider = null, bool ownsCard = false)
    {
        ArgumentNullException.ThrowIfNull(card);
        _card = card;
        _pinProvider = pinProvider;
        _ownsCard = ownsCard;
    }

    /// <summary>The card.</summary>
    public CpsCard Card => _card;

    /// <inheritdoc/>
    public ValueTask<X509Certificate2> GetCertificateAsync(CancellationToken cancellationToken = default) =>
        _card.ReadAuthenticationCertificateAsync(cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="CpsPinException">The PIN is needed and no provider was given, or the PIN is wrong or blocked.</exception>
    public async ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _card.SignDataAsync(data, hashAlgorithm, cancellationToken).ConfigureAwait(false);
        }
        catch (CpsPinException ex) when (ex.ErrorCode == CpsErrorCodes.PinRequired && _pinProvider is not null)
        {
            var pin = await _pinProvider(cancellationToken).ConfigureAwait(false);
            try
            {
                await _card.VerifyPinAsync(pin, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Array.Clear(pin);
            }

            return await _card.SignDataAsync(data, hashAlgorithm, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the card when the source owns it.</summary>
    public void Dispose()
    {
        if (_ownsCard)
        {
            _card.Dispose();
        }
    }
}
