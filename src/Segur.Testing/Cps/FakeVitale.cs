using Segur.Cps;
using Segur.Cps.Serial;
using Segur.Cps.Vitale;

namespace Segur.Testing.Cps;

/// <summary>A simulated Vitale reader: a card is "inserted" with <see cref="Insert"/> and read back.</summary>
public sealed class FakeVitaleReader : IVitaleReader
{
    private VitaleReading? _card;

    /// <summary>Inserts a card with these beneficiaries.</summary>
    /// <param name="beneficiaries">The beneficiaries.</param>
    public void Insert(params VitaleBeneficiary[] beneficiaries) => _card = new VitaleReading(beneficiaries, "card");

    /// <summary>Removes the card.</summary>
    public void Remove() => _card = null;

    /// <inheritdoc/>
    public ValueTask<bool> IsCardPresentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_card is not null);

    /// <inheritdoc/>
    public ValueTask<VitaleReading> ReadAsync(CancellationToken cancellationToken = default) =>
        _card is { } card
            ? ValueTask.FromResult(card)
            : ValueTask.FromException<VitaleReading>(new SegurCardException(CpsErrorCodes.VitaleNotPresent, "No Vitale card in the reader."));
}

/// <summary>
/// A simulated ApCV back end: <see cref="CreateSession"/> returns the text a phone's QR code would carry (a synthetic
/// <c>APCV-TEST:&lt;id&gt;</c>, since the real format is not public); scanning it retrieves the beneficiaries once.
/// </summary>
public sealed class FakeApCvService : IApCvService
{
    private const string Prefix = "APCV-TEST:";
    private readonly Dictionary<string, VitaleReading> _sessions = new(StringComparer.Ordinal);

    /// <summary>Opens a session and returns the QR code text the phone would show.</summary>
    /// <param name="beneficiaries">The beneficiaries.</param>
    /// <returns>The QR payload.</returns>
    public string CreateSession(params VitaleBeneficiary[] beneficiaries)
    {
        var id = Guid.NewGuid().ToString("N");
        lock (_sessions)
        {
            _sessions[id] = new VitaleReading(beneficiaries, "apcv");
        }

        return Prefix + id;
    }

    /// <inheritdoc/>
    public bool IsApCvCode(ScannedCode code) => code.Text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <inheritdoc/>
    public ValueTask<VitaleReading> RetrieveAsync(ScannedCode code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        lock (_sessions)
        {
            // A session is single-use, like a QR code shown once by the app.
            if (IsApCvCode(code) && _sessions.Remove(code.Text[Prefix.Length..], out var reading))
            {
                return ValueTask.FromResult(reading);
            }
        }

        return ValueTask.FromException<VitaleReading>(new SegurServiceException(CpsErrorCodes.VitaleNotPresent, "Unknown or expired ApCV session."));
    }
}
