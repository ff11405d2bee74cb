using System.Diagnostics.CodeAnalysis;

namespace Segur.Identifiers;

/// <summary>The kind of a professional national identifier.</summary>
public enum ProfessionalIdentifierType
{
    /// <summary><c>8</c> + RPPS number (11 digits, Luhn check digit).</summary>
    Rpps,

    /// <summary><c>0</c> + ADELI number (9 characters).</summary>
    Adeli,

    /// <summary>A structure staff member: <c>1</c>, <c>3</c>, <c>4</c>, <c>5</c> or <c>6</c> + structure id + <c>/</c> + internal id
    /// (CPE/CPA cards). Kept as an opaque value.</summary>
    StructureStaff,
}

/// <summary>
/// A health professional's national identifier (IdNat_PS / PS_IdNat), assigning authority
/// <see cref="HealthOids.ProfessionalNationalIdentifier"/>: <c>8</c>+RPPS or <c>0</c>+ADELI, or a structure staff identifier.
/// </summary>
/// <remarks>
/// RPPS numbers carry a Luhn check digit, verified on parse. ADELI numbers are checked for length and characters only
/// (their key algorithm is not relied on). Test identifiers issued by ANS for test cards may contain letters
/// (e.g. <c>00B7010446</c>); such values are accepted for ADELI and reported by <see cref="IsTestIdentifier"/>.
/// </remarks>
public sealed class ProfessionalIdentifier : IEquatable<ProfessionalIdentifier>
{
    private ProfessionalIdentifier(string value, ProfessionalIdentifierType type)
    {
        Value = value;
        Type = type;
    }

    /// <summary>The national identifier with its prefix, e.g. <c>810001234567</c>.</summary>
    public string Value { get; }

    /// <summary>The kind of identifier.</summary>
    public ProfessionalIdentifierType Type { get; }

    /// <summary>The number without the type prefix (the RPPS or ADELI number).</summary>
    public string LocalId => Value[1..];

    /// <summary>The assigning authority OID, <see cref="HealthOids.ProfessionalNationalIdentifier"/>.</summary>
    [SuppressMessage("Performance", "CA1822", Justification = "Read beside Value, like an instance property of the identifier.")]
    public string Oid => HealthOids.ProfessionalNationalIdentifier;

    /// <summary>Whether the value looks like an ANS test identifier (RPPS beginning <c>99</c>, or letters in an ADELI number).</summary>
    public bool IsTestIdentifier => Type == ProfessionalIdentifierType.Rpps ? LocalId.StartsWith("99", StringComparison.Ordinal) : !Luhn.AllDigits(LocalId);

    /// <summary>Parses a national identifier with its prefix (<c>8</c>+RPPS, <c>0</c>+ADELI, structure staff).</summary>
    /// <param name="value">The identifier; surrounding spaces are ignored.</param>
    /// <returns>The identifier.</returns>
    /// <exception cref="SegurValidationException">The value is empty, of the wrong length or characters, has an unknown
    /// prefix or a wrong RPPS check digit; the message says which.</exception>
    public static ProfessionalIdentifier Parse(string? value) =>
        TryParseCore(value, out var result, out var error) ? result : throw error;

    /// <summary>Tries to parse a national identifier with its prefix.</summary>
    /// <param name="value">The identifier.</param>
    /// <param name="result">The identifier when valid.</param>
    /// <returns>Whether the value is valid.</returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ProfessionalIdentifier? result) => TryParseCore(value, out result, out _);

    /// <summary>Builds the identifier of an RPPS number (11 digits, Luhn check digit).</summary>
    /// <param name="rpps">The RPPS number.</param>
    /// <returns><c>8</c>+RPPS.</returns>
    /// <exception cref="SegurValidationException">The RPPS number is invalid.</exception>
    public static ProfessionalIdentifier FromRpps(string? rpps) => Parse("8" + rpps?.Trim());

    /// <summary>Builds the identifier of an ADELI number (9 characters).</summary>
    /// <param name="adeli">The ADELI number.</param>
    /// <returns><c>0</c>+ADELI.</returns>
    /// <exception cref="SegurValidationException">The ADELI number is invalid.</exception>
    public static ProfessionalIdentifier FromAdeli(string? adeli) => Parse("0" + adeli?.Trim());

    /// <inheritdoc />
    public bool Equals(ProfessionalIdentifier? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ProfessionalIdentifier);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns <see cref="Value"/>.</summary>
    /// <returns>The national identifier.</returns>
    public override string ToString() => Value;

    private static bool TryParseCore(string? raw, [NotNullWhen(true)] out ProfessionalIdentifier? result, [NotNullWhen(false)] out SegurValidationException? error)
    {
        result = null;
        var value = raw?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(value))
        {
            error = Invalid(CoreErrorCodes.IdentifierEmpty, "The professional national identifier is empty.");
            return false;
        }

        switch (value[0])
        {
            case '8':
                if (value.Length != 12)
                {
                    error = Invalid(CoreErrorCodes.IdentifierLength, $"An RPPS identifier is '8' followed by 11 digits (12 characters); this one has {value.Length}.");
                    return false;
                }

                if (!Luhn.AllDigits(value.AsSpan(1)))
                {
                    error = Invalid(CoreErrorCodes.IdentifierCharacters, "An RPPS number holds digits only.");
                    return false;
                }

                if (!Luhn.IsValid(value.AsSpan(1)))
                {
                    error = Invalid(CoreErrorCodes.IdentifierCheckDigit, "The RPPS number's check digit (Luhn) is wrong: check for a typing error.");
                    return false;
                }

                result = new ProfessionalIdentifier(value, ProfessionalIdentifierType.Rpps);
                break;
            case '0':
                if (value.Length != 10)
                {
                    error = Invalid(CoreErrorCodes.IdentifierLength, $"An ADELI identifier is '0' followed by 9 characters (10 characters); this one has {value.Length}.");
                    return false;
                }

                if (!Luhn.AllUpperAlphanumeric(value.AsSpan(1)))
                {
                    error = Invalid(CoreErrorCodes.IdentifierCharacters, "An ADELI number holds digits and letters only.");
                    return false;
                }

                result = new ProfessionalIdentifier(value, ProfessionalIdentifierType.Adeli);
                break;
            case '1' or '3' or '4' or '5' or '6':
                var slash = value.IndexOf('/', StringComparison.Ordinal);
                if (slash < 2 || slash == value.Length - 1 || value.Length > 64)
                {
                    error = Invalid(CoreErrorCodes.IdentifierType, "A structure staff identifier is a structure id (with its prefix), '/', then the internal id.");
                    return false;
                }

                result = new ProfessionalIdentifier(value, ProfessionalIdentifierType.StructureStaff);
                break;
            default:
                error = Invalid(CoreErrorCodes.IdentifierType, $"Unknown professional identifier prefix '{value[0]}': expected '8' (RPPS), '0' (ADELI) or a structure staff identifier.");
                return false;
        }

        error = null;
        return true;
    }

    private static SegurValidationException Invalid(string code, string message) => new(code, message) { Field = "ProfessionalIdentifier" };
}
