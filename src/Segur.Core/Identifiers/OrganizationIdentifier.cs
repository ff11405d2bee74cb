using System.Diagnostics.CodeAnalysis;

namespace Segur.Identifiers;

/// <summary>The kind of an organisation national identifier; the value is the Struct_IdNat prefix.</summary>
public enum OrganizationIdentifierType
{
    /// <summary><c>0</c> + ADELI (a professional's office).</summary>
    Adeli = 0,

    /// <summary><c>1</c> + FINESS (9 characters, Luhn check digit).</summary>
    Finess = 1,

    /// <summary><c>2</c> + SIREN (9 digits, Luhn check digit).</summary>
    Siren = 2,

    /// <summary><c>3</c> + SIRET (14 digits, Luhn check digit; for La Poste, SIREN 356000000, the digit sum may instead be a multiple of 5).</summary>
    Siret = 3,

    /// <summary><c>4</c> + RPPS-rang: RPPS (11 digits, Luhn) + rank (1 to 3 digits).</summary>
    RppsRang = 4,
}

/// <summary>
/// An organisation's national identifier (Struct_IdNat), assigning authority <see cref="HealthOids.OrganizationNationalIdentifier"/>.
/// </summary>
/// <remarks>
/// Check digits are verified where the numbering system has one (FINESS, SIREN, SIRET, the RPPS part of RPPS-rang).
/// ANS test structures use letters in FINESS numbers (e.g. <c>0B0127189</c>); such values skip the check and are
/// reported by <see cref="IsTestIdentifier"/>. The RPPS-rang rank length (1 to 3 digits) is an assumption from public
/// examples.
/// </remarks>
public sealed class OrganizationIdentifier : IEquatable<OrganizationIdentifier>
{
    private OrganizationIdentifier(string value, OrganizationIdentifierType type, bool isTest)
    {
        Value = value;
        Type = type;
        IsTestIdentifier = isTest;
    }

    /// <summary>The national identifier with its prefix, e.g. <c>1750712184</c> (<c>1</c>+FINESS).</summary>
    public string Value { get; }

    /// <summary>The kind of identifier.</summary>
    public OrganizationIdentifierType Type { get; }

    /// <summary>The number without the type prefix.</summary>
    public string LocalId => Value[1..];

    /// <summary>The assigning authority OID, <see cref="HealthOids.OrganizationNationalIdentifier"/>.</summary>
    [SuppressMessage("Performance", "CA1822", Justification = "Read beside Value, like an instance property of the identifier.")]
    public string Oid => HealthOids.OrganizationNationalIdentifier;

    /// <summary>Whether the value is an ANS test identifier (letters where digits are expected).</summary>
    public bool IsTestIdentifier { get; }

    /// <summary>Parses a Struct_IdNat (prefix + number).</summary>
    /// <param name="value">The identifier; surrounding spaces are ignored.</param>
    /// <returns>The identifier.</returns>
    /// <exception cref="SegurValidationException">The value is invalid; the message says why.</exception>
    public static OrganizationIdentifier Parse(string? value) => TryParseCore(value, out var result, out var error) ? result : throw error;

    /// <summary>Tries to parse a Struct_IdNat.</summary>
    /// <param name="value">The identifier.</param>
    /// <param name="result">The identifier when valid.</param>
    /// <returns>Whether the value is valid.</returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out OrganizationIdentifier? result) => TryParseCore(value, out result, out _);

    /// <summary>Builds the identifier of a FINESS number.</summary>
    /// <param name="finess">9 characters (geographic or legal entity FINESS).</param>
    /// <returns><c>1</c>+FINESS.</returns>
    /// <exception cref="SegurValidationException">The FINESS number is invalid.</exception>
    public static OrganizationIdentifier FromFiness(string? finess) => Parse("1" + finess?.Trim());

    /// <summary>Builds the identifier of a SIREN number.</summary>
    /// <param name="siren">9 digits.</param>
    /// <returns><c>2</c>+SIREN.</returns>
    /// <exception cref="SegurValidationException">The SIREN number is invalid.</exception>
    public static OrganizationIdentifier FromSiren(string? siren) => Parse("2" + siren?.Trim().Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>Builds the identifier of a SIRET number.</summary>
    /// <param name="siret">14 digits (spaces ignored).</param>
    /// <returns><c>3</c>+SIRET.</returns>
    /// <exception cref="SegurValidationException">The SIRET number is invalid.</exception>
    public static OrganizationIdentifier FromSiret(string? siret) => Parse("3" + siret?.Trim().Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>Builds the identifier of a professional's activity (RPPS + rank).</summary>
    /// <param name="rpps">The RPPS number (11 digits).</param>
    /// <param name="rank">The activity rank (1 to 3 digits).</param>
    /// <returns><c>4</c>+RPPS+rank.</returns>
    /// <exception cref="SegurValidationException">The RPPS number or the rank is invalid.</exception>
    public static OrganizationIdentifier FromRppsRang(string? rpps, string? rank) => Parse("4" + rpps?.Trim() + rank?.Trim());

    /// <inheritdoc />
    public bool Equals(OrganizationIdentifier? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as OrganizationIdentifier);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns <see cref="Value"/>.</summary>
    /// <returns>The national identifier.</returns>
    public override string ToString() => Value;

    private static bool TryParseCore(string? raw, [NotNullWhen(true)] out OrganizationIdentifier? result, [NotNullWhen(false)] out SegurValidationException? error)
    {
        result = null;
        var value = raw?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(value))
        {
            error = Invalid(CoreErrorCodes.IdentifierEmpty, "The organisation national identifier is empty.");
            return false;
        }

        var number = value.AsSpan(1);
        bool isTest;
        switch (value[0])
        {
            case '0':
                if (!Check(number, 9, 9, "ADELI", allowLetters: true, luhn: false, out isTest, out error))
                {
                    return false;
                }

                result = new(value, OrganizationIdentifierType.Adeli, isTest);
                break;
            case '1':
                if (!Check(number, 9, 9, "FINESS", allowLetters: true, luhn: true, out isTest, out error))
                {
                    return false;
                }

                result = new(value, OrganizationIdentifierType.Finess, isTest);
                break;
            case '2':
                if (!Check(number, 9, 9, "SIREN", allowLetters: false, luhn: true, out isTest, out error))
                {
                    return false;
                }

                result = new(value, OrganizationIdentifierType.Siren, isTest);
                break;
            case '3':
                if (!Check(number, 14, 14, "SIRET", allowLetters: false, luhn: !number.StartsWith("356000000"), out isTest, out error))
                {
                    return false;
                }

                // La Poste's establishments (SIREN 356000000) use a digit-sum rule instead of Luhn; accept either.
                if (number.StartsWith("356000000") && DigitSum(number) % 5 != 0 && !Luhn.IsValid(number))
                {
                    error = Invalid(CoreErrorCodes.IdentifierCheckDigit, "The SIRET number of La Poste (SIREN 356000000) fails both its digit-sum rule and the Luhn check.");
                    return false;
                }

                result = new(value, OrganizationIdentifierType.Siret, isTest);
                break;
            case '4':
                if (!Check(number, 12, 14, "RPPS-rang", allowLetters: false, luhn: false, out isTest, out error))
                {
                    return false;
                }

                if (!Luhn.IsValid(number[..11]))
                {
                    error = Invalid(CoreErrorCodes.IdentifierCheckDigit, "The RPPS part of the RPPS-rang identifier has a wrong check digit (Luhn).");
                    return false;
                }

                result = new(value, OrganizationIdentifierType.RppsRang, number.StartsWith("99"));
                break;
            default:
                error = Invalid(CoreErrorCodes.IdentifierType, $"Unknown organisation identifier prefix '{value[0]}': expected 0 (ADELI), 1 (FINESS), 2 (SIREN), 3 (SIRET) or 4 (RPPS-rang).");
                return false;
        }

        error = null;
        return true;
    }

    private static bool Check(ReadOnlySpan<char> number, int minLength, int maxLength, string name, bool allowLetters, bool luhn, out bool isTest, [NotNullWhen(false)] out SegurValidationException? error)
    {
        isTest = false;
        if (number.Length < minLength || number.Length > maxLength)
        {
            var expected = minLength == maxLength ? $"{minLength}" : $"{minLength} to {maxLength}";
            error = Invalid(CoreErrorCodes.IdentifierLength, $"A {name} number has {expected} characters; this one has {number.Length}.");
            return false;
        }

        var digits = Luhn.AllDigits(number);
        if (!digits && !(allowLetters && Luhn.AllUpperAlphanumeric(number)))
        {
            error = Invalid(CoreErrorCodes.IdentifierCharacters, $"A {name} number holds {(allowLetters ? "digits (and letters for test structures)" : "digits")} only.");
            return false;
        }

        if (!digits)
        {
            isTest = true;
        }
        else if (luhn && !Luhn.IsValid(number))
        {
            error = Invalid(CoreErrorCodes.IdentifierCheckDigit, $"The {name} number's check digit (Luhn) is wrong: check for a typing error.");
            return false;
        }

        error = null;
        return true;
    }

    private static int DigitSum(ReadOnlySpan<char> number)
    {
        var sum = 0;
        foreach (var c in number)
        {
            sum += c - '0';
        }

        return sum;
    }

    private static SegurValidationException Invalid(string code, string message) => new(code, message) { Field = "OrganizationIdentifier" };
}
