using System.Globalization;

namespace Segur.Ins;

/// <summary>
/// A birth date as the INS referential knows it: year, month and day, where INSi may send <c>00</c> for an
/// unknown day or month ("lunar" date), and where a date completed from an incomplete document is flagged
/// <see cref="IsEstimated"/>.
/// </summary>
/// <remarks>
/// RNIV completion rules (<see cref="FromIncomplete"/>): day unknown → 01/MM/YYYY; month unknown → DD/01/YYYY;
/// day and month unknown → 31/12/YYYY. Equality compares year, month and day only.
/// </remarks>
public sealed class BirthDate : IEquatable<BirthDate>
{
    private BirthDate(int year, int month, int day, bool isEstimated)
    {
        Year = year;
        Month = month;
        Day = day;
        IsEstimated = isEstimated;
    }

    /// <summary>The year (1 to 9999).</summary>
    public int Year { get; }

    /// <summary>The month, 1 to 12, or 0 when unknown in a received lunar date.</summary>
    public int Month { get; }

    /// <summary>The day, 1 to 31, or 0 when unknown in a received lunar date.</summary>
    public int Day { get; }

    /// <summary>Whether the date was completed from an incomplete document (see <see cref="FromIncomplete"/>).</summary>
    public bool IsEstimated { get; }

    /// <summary>Whether the day or the month is <c>00</c> (unknown), as INSi may send.</summary>
    public bool IsLunar => Month == 0 || Day == 0;

    /// <summary>Creates a complete birth date.</summary>
    /// <param name="date">The date.</param>
    /// <returns>The birth date.</returns>
    public static BirthDate FromDate(DateOnly date) => new(date.Year, date.Month, date.Day, false);

    /// <summary>Creates a birth date from its parts, checking it is a real calendar date.</summary>
    /// <param name="year">The year.</param>
    /// <param name="month">The month.</param>
    /// <param name="day">The day.</param>
    /// <returns>The birth date.</returns>
    /// <exception cref="SegurValidationException">Not a calendar date (<see cref="InsErrorCodes.BirthDateInvalid"/>).</exception>
    public static BirthDate Create(int year, int month, int day)
    {
        CheckCalendar(year, month, day);
        return new BirthDate(year, month, day, false);
    }

    /// <summary>Completes a birth date read from an incomplete document per the RNIV rules and flags it
    /// <see cref="IsEstimated"/> (when a part is missing).</summary>
    /// <param name="year">The year (always known).</param>
    /// <param name="month">The month, or <see langword="null"/> when unknown.</param>
    /// <param name="day">The day, or <see langword="null"/> when unknown.</param>
    /// <returns>The completed birth date.</returns>
    /// <exception cref="SegurValidationException">The known parts are not a calendar date.</exception>
    public static BirthDate FromIncomplete(int year, int? month, int? day)
    {
        var (m, d) = (month, day) switch
        {
            (null, null) => (12, 31),
            (null, { } dd) => (1, dd),
            ({ } mm, null) => (mm, 1),
            ({ } mm, { } dd) => (mm, dd),
        };
        CheckCalendar(year, m, d);
        return new BirthDate(year, m, d, month is null || day is null);
    }

    /// <summary>Parses a date received from INSi, <c>YYYY-MM-DD</c>, where the day or month may be <c>00</c>.</summary>
    /// <param name="value">The date.</param>
    /// <returns>The birth date (possibly lunar).</returns>
    /// <exception cref="SegurValidationException">Not in the form <c>YYYY-MM-DD</c>, or out of range.</exception>
    public static BirthDate ParseIso(string? value)
    {
        var s = value?.Trim() ?? string.Empty;
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !TryDigits(s, 0, 4, out var year) || !TryDigits(s, 5, 2, out var month) || !TryDigits(s, 8, 2, out var day))
        {
            throw Invalid("A birth date must be written YYYY-MM-DD.");
        }

        return CreateReceived(year, month, day);
    }

    /// <summary>Parses a date written <c>DD-MM-YYYY</c> (INS Datamatrix), where the day or month may be <c>00</c>.</summary>
    /// <param name="value">The date.</param>
    /// <returns>The birth date (possibly lunar).</returns>
    /// <exception cref="SegurValidationException">Not in the form <c>DD-MM-YYYY</c>, or out of range.</exception>
    public static BirthDate ParseDayFirst(string? value)
    {
        var s = value?.Trim() ?? string.Empty;
        if (s.Length != 10 || s[2] != '-' || s[5] != '-'
            || !TryDigits(s, 0, 2, out var day) || !TryDigits(s, 3, 2, out var month) || !TryDigits(s, 6, 4, out var year))
        {
            throw Invalid("A birth date must be written DD-MM-YYYY.");
        }

        return CreateReceived(year, month, day);
    }

    /// <summary>The date as a <see cref="DateOnly"/>, or <see langword="null"/> for a lunar date.</summary>
    /// <returns>The date, when complete.</returns>
    public DateOnly? ToDateOnly() => IsLunar ? null : new DateOnly(Year, Month, Day);

    /// <summary>The date as <c>YYYY-MM-DD</c> (INSi form; <c>00</c> for unknown parts).</summary>
    /// <returns>The ISO form.</returns>
    public string ToIsoString() => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Month:00}-{Day:00}");

    /// <summary>The date as <c>DD-MM-YYYY</c> (INS Datamatrix form).</summary>
    /// <returns>The day-first form.</returns>
    public string ToDayFirstString() => string.Create(CultureInfo.InvariantCulture, $"{Day:00}-{Month:00}-{Year:0000}");

    /// <inheritdoc/>
    public bool Equals(BirthDate? other) => other is not null && Year == other.Year && Month == other.Month && Day == other.Day;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as BirthDate);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Year, Month, Day);

    /// <summary>The ISO form (<see cref="ToIsoString"/>).</summary>
    /// <returns>The date.</returns>
    public override string ToString() => ToIsoString();

    private static BirthDate CreateReceived(int year, int month, int day)
    {
        if (year < 1 || month > 12 || day > 31)
        {
            throw Invalid("The birth date is out of range.");
        }

        if (month != 0 && day != 0)
        {
            CheckCalendar(year, month, day);
        }

        return new BirthDate(year, month, day, false);
    }

    private static void CheckCalendar(int year, int month, int day)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            throw Invalid("The birth date is not a calendar date.");
        }
    }

    private static bool TryDigits(string s, int start, int length, out int value) =>
        int.TryParse(s.AsSpan(start, length), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static SegurValidationException Invalid(string message) =>
        new(InsErrorCodes.BirthDateInvalid, message) { Field = "birthDate" };
}
