using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Segur.Identifiers;

namespace Segur.Cps;

/// <summary>CPS card generation, recognised from the ATR.</summary>
public enum CpsCardGeneration
{
    /// <summary>Not a known CPS ATR.</summary>
    Unknown = 0,

    /// <summary>CPS3, contact (T=0 only).</summary>
    Cps3 = 1,

    /// <summary>CPS3 used contactless: no PIN, no signature.</summary>
    Cps3Contactless = 2,

    /// <summary>CPS4 (experimental support: the ChipDoc side is not public).</summary>
    Cps4 = 3,
}

/// <summary>The kind of CPx card, from the holder certificate.</summary>
public enum CpxCardType
{
    /// <summary>Not determined.</summary>
    Unknown = 0,

    /// <summary>Carte de Professionnel de Santé (a person with an RPPS or ADELI identifier).</summary>
    Cps = 1,

    /// <summary>Carte de Personnel d'Établissement (structure card, "Carte de service santé ou social").</summary>
    Cpe = 2,

    /// <summary>Carte de Personnel Autorisé.</summary>
    Cpa = 3,

    /// <summary>Carte de Professionnel en Formation.</summary>
    Cpf = 4,
}

/// <summary>What the national identifier (IdNat_PS, OID <c>1.2.250.1.71.4.2.1</c>) is built from.</summary>
public enum NationalIdKind
{
    /// <summary>Not recognised, or not valid (e.g. a wrong RPPS check digit): kept as an opaque string, see
    /// <see cref="CpsCardInfo.NationalIdIssue"/>.</summary>
    Other = 0,

    /// <summary><c>8</c> + RPPS number (12 characters, Luhn check digit verified).</summary>
    Rpps = 1,

    /// <summary><c>0</c> + ADELI number (10 characters).</summary>
    Adeli = 2,

    /// <summary>Structure card: <c>&lt;structure id&gt;/&lt;personal number&gt;</c>.</summary>
    Structure = 3,
}

/// <summary>Who holds a CPS card and what the card is, read without the PIN.</summary>
public sealed record CpsCardInfo
{
    /// <summary>The card number from EF.SN.ICC (issuer prefix and check digit removed).</summary>
    public required string CardNumber { get; init; }

    /// <summary>The generation recognised from the ATR.</summary>
    public required CpsCardGeneration Generation { get; init; }

    /// <summary>The CPx card kind.</summary>
    public required CpxCardType CardType { get; init; }

    /// <summary>The national identifier IdNat_PS (e.g. <c>899700012349</c>).</summary>
    public required string NationalId { get; init; }

    /// <summary>What the national identifier is built from.</summary>
    public required NationalIdKind NationalIdKind { get; init; }

    /// <summary>The national identifier checked by Core's rules (<c>8</c>+RPPS with its Luhn check digit, <c>0</c>+ADELI,
    /// structure staff), or <see langword="null"/> when the card's value does not pass them (see
    /// <see cref="NationalIdIssue"/>). Use it to call services that take a <see cref="ProfessionalIdentifier"/>.</summary>
    public ProfessionalIdentifier? ProfessionalId => CpsIdentity.CheckNationalId(NationalId).Identifier;

    /// <summary>Why <see cref="NationalId"/> is not a valid professional identifier (Core error code and reason, e.g. a
    /// wrong RPPS check digit), or <see langword="null"/> when it is valid. The card stays readable either way.</summary>
    public string? NationalIdIssue => CpsIdentity.CheckNationalId(NationalId).Issue;

    /// <summary>The RPPS number (11 digits) when <see cref="NationalIdKind"/> is <see cref="Cps.NationalIdKind.Rpps"/>.</summary>
    public string? Rpps => NationalIdKind == NationalIdKind.Rpps ? ProfessionalId?.LocalId : null;

    /// <summary>The ADELI number (9 characters) when <see cref="NationalIdKind"/> is <see cref="Cps.NationalIdKind.Adeli"/>.</summary>
    public string? Adeli => NationalIdKind == NationalIdKind.Adeli ? ProfessionalId?.LocalId : null;

    /// <summary>The holder's last name (certificate <c>SN</c>), if present.</summary>
    public string? LastName { get; init; }

    /// <summary>The holder's first name (certificate <c>GN</c>), if present.</summary>
    public string? FirstName { get; init; }

    /// <summary>The profession (certificate <c>title</c>, else <c>OU</c>), e.g. <c>Médecin</c>, <c>Pharmacien</c>.</summary>
    public string? Profession { get; init; }

    /// <summary>The authentication certificate's subject.</summary>
    public required string CertificateSubject { get; init; }

    /// <summary>The authentication certificate's issuer.</summary>
    public required string CertificateIssuer { get; init; }

    /// <summary>Start of the certificate's validity.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>End of the certificate's validity.</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>Whether the issuer is a test authority (<c>TEST …</c>, as on test cards and the virtual card).</summary>
    public bool IsTestCard => CertificateIssuer.Contains("TEST", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reads a CPx holder's identity from a certificate subject.</summary>
public static class CpsIdentity
{
    private const string OidCommonName = "2.5.4.3";
    private const string OidSurname = "2.5.4.4";
    private const string OidTitle = "2.5.4.12";
    private const string OidOrganizationalUnit = "2.5.4.11";
    private const string OidGivenName = "2.5.4.42";

    /// <summary>Reads the attributes of a distinguished name, multi-valued RDNs included (<c>SN=…+CN=…+GN=…</c>).</summary>
    /// <param name="name">The distinguished name.</param>
    /// <returns>(OID, value) pairs in encoding order.</returns>
    /// <exception cref="SegurValidationException">The name is not valid DER (<see cref="CpsErrorCodes.CertificateInvalid"/>).</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadAttributes(X500DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = new List<KeyValuePair<string, string>>();
        try
        {
            var reader = new AsnReader(name.RawData, AsnEncodingRules.DER);
            var rdns = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf();
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    var oid = attribute.ReadObjectIdentifier();
                    var tag = attribute.PeekTag();
                    var value = tag.TagValue switch
                    {
                        (int)UniversalTagNumber.UTF8String => attribute.ReadCharacterString(UniversalTagNumber.UTF8String),
                        (int)UniversalTagNumber.PrintableString => attribute.ReadCharacterString(UniversalTagNumber.PrintableString),
                        (int)UniversalTagNumber.IA5String => attribute.ReadCharacterString(UniversalTagNumber.IA5String),
                        (int)UniversalTagNumber.BMPString => attribute.ReadCharacterString(UniversalTagNumber.BMPString),
                        (int)UniversalTagNumber.T61String => attribute.ReadCharacterString(UniversalTagNumber.T61String),
                        _ => Convert.ToHexString(attribute.ReadEncodedValue().Span),
                    };
                    result.Add(new(oid, value));
                }
            }
        }
        catch (AsnContentException ex)
        {
            throw new SegurValidationException(CpsErrorCodes.CertificateInvalid, "The certificate subject is not valid DER.", innerException: ex) { Field = "subject" };
        }

        return result;
    }

    /// <summary>Parses the national identifier, names, profession and card kind from a CPx certificate subject.</summary>
    /// <param name="certificate">The holder certificate.</param>
    /// <returns>(national id, kind, last name, first name, profession, card type).</returns>
    /// <exception cref="SegurValidationException">No CN in the subject (<see cref="CpsErrorCodes.CertificateInvalid"/>).</exception>
    public static (string NationalId, NationalIdKind Kind, string? LastName, string? FirstName, string? Profession, CpxCardType CardType) Parse(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var attributes = ReadAttributes(certificate.SubjectName);
        string? Get(string oid) => attributes.Where(a => a.Key == oid).Select(a => a.Value).FirstOrDefault();
        var cn = Get(OidCommonName)
            ?? throw new SegurValidationException(CpsErrorCodes.CertificateInvalid, "The card certificate has no CN (national identifier).") { Field = "CN" };
        var title = Get(OidTitle);
        var profession = title ?? Get(OidOrganizationalUnit);
        var kind = ClassifyNationalId(cn);
        var type = kind == NationalIdKind.Structure
            ? title switch
            {
                not null when title.Contains("autoris", StringComparison.OrdinalIgnoreCase) => CpxCardType.Cpa,
                _ => CpxCardType.Cpe,
            }
            : title is not null && title.Contains("formation", StringComparison.OrdinalIgnoreCase) ? CpxCardType.Cpf
            : kind is NationalIdKind.Rpps or NationalIdKind.Adeli ? CpxCardType.Cps
            : CpxCardType.Unknown;
        return (cn, kind, Get(OidSurname), Get(OidGivenName), profession, type);
    }

    /// <summary>Classifies a national identifier with Core's <see cref="ProfessionalIdentifier"/> rules: <c>8</c>+RPPS
    /// (12 digits, Luhn check digit), <c>0</c>+ADELI (10 characters), structure (<c>id/number</c>), or other (anything
    /// else, including an RPPS with a wrong check digit).</summary>
    /// <param name="nationalId">The identifier.</param>
    /// <returns>Its kind.</returns>
    public static NationalIdKind ClassifyNationalId(string nationalId)
    {
        ArgumentNullException.ThrowIfNull(nationalId);
        return CheckNationalId(nationalId).Kind;
    }

    /// <summary>Checks a card's IdNat with Core's rules; never throws for bad data (the card stays readable).</summary>
    internal static (ProfessionalIdentifier? Identifier, NationalIdKind Kind, string? Issue) CheckNationalId(string nationalId)
    {
        ProfessionalIdentifier? identifier = null;
        string? issue = null;
        try
        {
            identifier = ProfessionalIdentifier.Parse(nationalId);
        }
        catch (SegurValidationException ex)
        {
            issue = $"{ex.ErrorCode}: {ex.Message}";
        }

        var kind = identifier?.Type switch
        {
            ProfessionalIdentifierType.Rpps => NationalIdKind.Rpps,
            ProfessionalIdentifierType.Adeli => NationalIdKind.Adeli,
            ProfessionalIdentifierType.StructureStaff => NationalIdKind.Structure,

            // A structure card whose structure prefix Core does not know is still a structure card.
            _ when nationalId.Contains('/', StringComparison.Ordinal) => NationalIdKind.Structure,
            _ => NationalIdKind.Other,
        };
        return (identifier, kind, issue);
    }
}

/// <summary>The state of the card holder's PIN.</summary>
/// <param name="RemainingTries">Tries left before the PIN blocks, when the card says.</param>
/// <param name="MaxTries">The maximum number of tries, when the card says (3 on CPS3).</param>
/// <param name="IsBlocked">Whether the PIN is blocked.</param>
public sealed record CpsPinStatus(int? RemainingTries, int? MaxTries, bool IsBlocked);

/// <summary>The card refused the PIN, or the PIN is blocked.</summary>
public sealed class CpsPinException : SegurAuthenticationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode"><see cref="CpsErrorCodes.PinIncorrect"/>, <see cref="CpsErrorCodes.PinBlocked"/> or <see cref="CpsErrorCodes.PinRequired"/>.</param>
    /// <param name="message">The message (never the PIN).</param>
    /// <param name="remainingTries">Tries left, when known.</param>
    /// <param name="rawFault">The status word.</param>
    public CpsPinException(string errorCode, string message, int? remainingTries, string? rawFault = null)
        : base(errorCode, message, isTransient: false, rawFault: rawFault)
    {
        RemainingTries = remainingTries;
    }

    /// <summary>Tries left before the PIN blocks (0 when blocked), when known.</summary>
    public int? RemainingTries { get; }

    /// <summary>Whether the PIN is blocked.</summary>
    public bool IsBlocked => ErrorCode == CpsErrorCodes.PinBlocked;
}
