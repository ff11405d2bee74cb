namespace Segur.Cps.Vitale;

/// <summary>
/// A birth date as written on a Vitale card: year, month and day may be "lunar" (out of calendar range, e.g. day 31 of
/// a 30-day month, or month 0/day 0 when unknown), so it is not a <see cref="DateOnly"/>.
/// </summary>
/// <param name="Year">Year (4 digits).</param>
/// <param name="Month">Month, 1–12, or outside that range for a lunar date.</param>
/// <param name="Day">Day, 1–31, or outside the calendar for a lunar date.</param>
public readonly record struct VitaleBirthDate(int Year, int Month, int Day)
{
    /// <summary>Whether the date is lunar (not a calendar date).</summary>
    public bool IsLunar => Month is < 1 or > 12 || Day < 1 || Day > DateTime.DaysInMonth(Math.Clamp(Year, 1, 9999), Month);

    /// <summary>The calendar date, or null for a lunar date.</summary>
    public DateOnly? ToDateOnly() => IsLunar ? null : new DateOnly(Year, Month, Day);

    /// <summary>Parses <c>YYYYMMDD</c> (lunar values accepted).</summary>
    /// <param name="value">Eight digits.</param>
    /// <returns>The date.</returns>
    /// <exception cref="SegurValidationException">Not eight digits (<see cref="CpsErrorCodes.VitaleReadFailed"/>).</exception>
    public static VitaleBirthDate Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != 8 || !value.All(char.IsAsciiDigit))
        {
            throw new SegurValidationException(CpsErrorCodes.VitaleReadFailed, "A Vitale birth date must be 8 digits (YYYYMMDD).") { Field = "birthDate" };
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new VitaleBirthDate(int.Parse(value[..4], inv), int.Parse(value[4..6], inv), int.Parse(value[6..], inv));
    }

    /// <summary>The date as <c>YYYYMMDD</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => FormattableString.Invariant($"{Year:D4}{Month:D2}{Day:D2}");
}

/// <summary>A beneficiary on a Vitale card or ApCV session.</summary>
public sealed record VitaleBeneficiary
{
    /// <summary>The NIR (social security number, 13 characters, without key) the beneficiary is insured under.</summary>
    public required string Nir { get; init; }

    /// <summary>The NIR key (2 digits), when given.</summary>
    public string? NirKey { get; init; }

    /// <summary>Birth (usual) last name.</summary>
    public required string LastName { get; init; }

    /// <summary>Used last name, when different.</summary>
    public string? UsedLastName { get; init; }

    /// <summary>First name.</summary>
    public required string FirstName { get; init; }

    /// <summary>Birth date (possibly lunar).</summary>
    public required VitaleBirthDate BirthDate { get; init; }

    /// <summary>Birth rank (rang de naissance) among twins etc., 1 by default.</summary>
    public int BirthRank { get; init; } = 1;

    /// <summary>Beneficiary quality code (assuré, conjoint, enfant…) as given by the licensed component.</summary>
    public string? Quality { get; init; }
}

/// <summary>What a Vitale card (or an ApCV session) holds.</summary>
/// <param name="Beneficiaries">The beneficiaries.</param>
/// <param name="Source">Where the data come from: <c>card</c> or <c>apcv</c>.</param>
public sealed record VitaleReading(IReadOnlyList<VitaleBeneficiary> Beneficiaries, string Source);

/// <summary>
/// Reads a Vitale card. The SDK does not decode Vitale data: the official reading needs the licensed GIE SESAM-Vitale
/// "API de lecture Vitale"; the editor implements this interface with it. <c>Segur.Testing.Cps.FakeVitaleReader</c>
/// simulates it.
/// </summary>
public interface IVitaleReader
{
    /// <summary>Whether a Vitale card is inserted.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>True when a card is present.</returns>
    ValueTask<bool> IsCardPresentAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the beneficiaries (a CPx card may be needed for protected data).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reading.</returns>
    /// <exception cref="SegurException"><see cref="CpsErrorCodes.VitaleNotPresent"/> without card; <see cref="CpsErrorCodes.VitaleReadFailed"/> on failure.</exception>
    ValueTask<VitaleReading> ReadAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Retrieves an ApCV (appli carte Vitale) session from the QR code the patient's phone shows and the pharmacy scans.
/// The QR content and the retrieval web services are licensed and not public: the editor implements this interface with
/// its SESAM-Vitale component. <see cref="ApCvScanRouter"/> feeds it from a <see cref="Serial.BarcodeScanner"/>.
/// </summary>
public interface IApCvService
{
    /// <summary>Whether a scanned code looks like an ApCV QR code (the editor's component decides).</summary>
    /// <param name="code">The scanned code.</param>
    /// <returns>True to route it to <see cref="RetrieveAsync"/>.</returns>
    bool IsApCvCode(Serial.ScannedCode code);

    /// <summary>Retrieves the patient's data for a scanned ApCV QR code.</summary>
    /// <param name="code">The scanned code.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reading (source <c>apcv</c>).</returns>
    /// <exception cref="SegurException"><see cref="CpsErrorCodes.VitaleNotPresent"/> when the session is unknown or expired.</exception>
    ValueTask<VitaleReading> RetrieveAsync(Serial.ScannedCode code, CancellationToken cancellationToken = default);
}

/// <summary>
/// Routes scanner input: ApCV QR codes to an <see cref="IApCvService"/>, INS Datamatrix (<c>IS01…</c>) and other codes to
/// callbacks, so a pharmacy flow can be written end to end with simulators today.
/// </summary>
public sealed class ApCvScanRouter
{
    private readonly IApCvService _apcv;

    /// <summary>Creates a router.</summary>
    /// <param name="apcv">The ApCV service.</param>
    /// <exception cref="ArgumentNullException"><paramref name="apcv"/> is null.</exception>
    public ApCvScanRouter(IApCvService apcv)
    {
        ArgumentNullException.ThrowIfNull(apcv);
        _apcv = apcv;
    }

    /// <summary>Called with each ApCV reading.</summary>
    public Func<VitaleReading, CancellationToken, ValueTask>? OnApCvReading { get; set; }

    /// <summary>Called with each INS Datamatrix (payload starting with <c>IS01</c>), e.g. to look the patient up with Segur.Ins.</summary>
    public Func<Serial.ScannedCode, CancellationToken, ValueTask>? OnInsDatamatrix { get; set; }

    /// <summary>Called with any other code.</summary>
    public Func<Serial.ScannedCode, CancellationToken, ValueTask>? OnOtherCode { get; set; }

    /// <summary>Routes one scanned code.</summary>
    /// <param name="code">The code.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task completing when the handler finished.</returns>
    /// <exception cref="SegurException">The ApCV service failed.</exception>
    public async ValueTask RouteAsync(Serial.ScannedCode code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Text.StartsWith("IS01", StringComparison.Ordinal))
        {
            if (OnInsDatamatrix is { } ins)
            {
                await ins(code, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (_apcv.IsApCvCode(code))
        {
            var reading = await _apcv.RetrieveAsync(code, cancellationToken).ConfigureAwait(false);
            if (OnApCvReading is { } handler)
            {
                await handler(reading, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (OnOtherCode is { } other)
        {
            await other(code, cancellationToken).ConfigureAwait(false);
        }
    }
}
