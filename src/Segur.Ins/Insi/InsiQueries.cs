using System.Xml;
using Segur.Xml;

namespace Segur.Ins.Insi;

/// <summary>
/// A search by identity traits (WS_INS2, <c>RECSANSVITALE</c>): birth name, first name(s), sex, birth date and,
/// optionally, the birth place. Values must already be in RNIV form (upper case, no diacritics): normalise user input
/// with <see cref="InsTraits.Normalize"/> first.
/// </summary>
public sealed class InsiTraitsQuery
{
    /// <summary>Creates a query.</summary>
    /// <param name="birthName">The birth name (nom de naissance).</param>
    /// <param name="firstNames">One first name, or the space-separated list of birth first names, sent as INSi's <c>Prenom</c>.</param>
    /// <param name="sex">The sex.</param>
    /// <param name="birthDate">The birth date.</param>
    /// <param name="birthPlace">The COG code of the birth place, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="birthDate"/> is null.</exception>
    /// <exception cref="SegurValidationException">A trait is missing or breaks the RNIV rules (<see cref="InsErrorCodes.InsiQueryInvalid"/>).</exception>
    public InsiTraitsQuery(string birthName, string firstNames, InsSex sex, BirthDate birthDate, string? birthPlace = null)
    {
        ArgumentNullException.ThrowIfNull(birthDate);
        BirthName = Check(birthName, TraitProfile.FamilyName, "birthName");
        FirstNames = Check(firstNames, TraitProfile.GivenName, "firstNames");
        if (!Enum.IsDefined(sex))
        {
            throw new SegurValidationException(InsErrorCodes.InsiQueryInvalid, "The sex must be M or F.") { Field = "sex" };
        }

        Sex = sex;
        BirthDate = birthDate;
        try
        {
            BirthPlace = InsTraits.CheckBirthPlace(birthPlace);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(InsErrorCodes.InsiQueryInvalid, "The birth place must be a 5-character COG code.", innerException: ex) { Field = "birthPlace" };
        }
    }

    /// <summary>The birth name.</summary>
    public string BirthName { get; }

    /// <summary>The first name or first-name list sent.</summary>
    public string FirstNames { get; }

    /// <summary>The first names sent, split on spaces.</summary>
    public IReadOnlyList<string> FirstNameList => FirstNames.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The sex.</summary>
    public InsSex Sex { get; }

    /// <summary>The birth date.</summary>
    public BirthDate BirthDate { get; }

    /// <summary>The COG code of the birth place, or <see langword="null"/>.</summary>
    public string? BirthPlace { get; }

    /// <summary>Creates a query from strict traits.</summary>
    /// <param name="traits">The traits.</param>
    /// <param name="allFirstNames">Whether to send the whole first-name list rather than the first first name.
    /// <value>Default: <see langword="false"/> (the first first name, what INSi matches best).</value></param>
    /// <param name="includeBirthPlace">Whether to send the birth place when known. <value>Default: <see langword="true"/>.</value></param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="traits"/> is null.</exception>
    public static InsiTraitsQuery FromTraits(InsTraits traits, bool allFirstNames = false, bool includeBirthPlace = true)
    {
        ArgumentNullException.ThrowIfNull(traits);
        return new InsiTraitsQuery(traits.BirthName, allFirstNames ? traits.GivenNameList : traits.FirstName, traits.Sex, traits.BirthDate,
            includeBirthPlace ? traits.BirthPlace : null);
    }

    /// <summary>The same query with other first names (retry guidance).</summary>
    /// <param name="firstNames">The first name(s).</param>
    /// <returns>A new query.</returns>
    public InsiTraitsQuery WithFirstNames(string firstNames) => new(BirthName, firstNames, Sex, BirthDate, BirthPlace);

    /// <summary>The same query with a birth place (retry guidance for "several identities").</summary>
    /// <param name="birthPlace">The COG code.</param>
    /// <returns>A new query.</returns>
    public InsiTraitsQuery WithBirthPlace(string birthPlace) => new(BirthName, FirstNames, Sex, BirthDate, birthPlace);

    private static string Check(string value, TraitProfile profile, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SegurValidationException(InsErrorCodes.InsiQueryInvalid, $"The INSi query needs {field}.") { Field = field };
        }

        try
        {
            TraitNormalizer.Validate(value, profile, field);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(InsErrorCodes.InsiQueryInvalid, $"The INSi query's {field} is not in RNIV form ({ex.ErrorCode}); normalise it first.", innerException: ex) { Field = field };
        }

        return value;
    }
}

/// <summary>
/// A search with Vitale data (WS_INS1, <c>RECVITALE</c>): what the editor's SESAM-Vitale component read from the card.
/// The insured person's NIR goes in <c>ContexteBAM/COUVERTURE/ASSURE</c>, the beneficiary in <c>BENEFICIAIRE</c>.
/// </summary>
public sealed class InsiVitaleQuery
{
    /// <summary>Creates a query.</summary>
    /// <param name="insuredNir">The insured person's (ouvrant droit) NIR with its key.</param>
    /// <param name="beneficiaryBirthDate">The beneficiary's birth date as on the card (may be lunar).</param>
    /// <param name="rank">The beneficiary's birth rank (rang de naissance), 1 to 9.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurValidationException">The rank is out of range (<see cref="InsErrorCodes.InsiVitaleQueryInvalid"/>).</exception>
    public InsiVitaleQuery(InsMatricule insuredNir, BirthDate beneficiaryBirthDate, int rank)
    {
        ArgumentNullException.ThrowIfNull(insuredNir);
        ArgumentNullException.ThrowIfNull(beneficiaryBirthDate);
        if (rank is < 1 or > 9)
        {
            throw new SegurValidationException(InsErrorCodes.InsiVitaleQueryInvalid, "The birth rank must be 1 to 9.") { Field = "rank" };
        }

        InsuredNir = insuredNir;
        BeneficiaryBirthDate = beneficiaryBirthDate;
        Rank = rank;
    }

    /// <summary>The insured person's NIR.</summary>
    public InsMatricule InsuredNir { get; }

    /// <summary>The beneficiary's own certified NIR when the card carries one. <value>Default: <see langword="null"/>.</value></summary>
    public InsMatricule? BeneficiaryNir { get; init; }

    /// <summary>The beneficiary's birth date.</summary>
    public BirthDate BeneficiaryBirthDate { get; }

    /// <summary>The birth rank.</summary>
    public int Rank { get; }

    /// <summary>The beneficiary's birth name when known. <value>Default: <see langword="null"/>.</value></summary>
    public string? BirthName { get; init; }

    /// <summary>The "assertion Vitale" produced by the SESAM-Vitale component, added to <c>wsse:Security</c> in the CPx
    /// mode (XML of a <c>saml:Assertion</c>, sent byte-for-byte). Build it for each call: it is short-lived.
    /// <value>Default: <see langword="null"/>.</value></summary>
    public string? VitaleAssertionXml { get; init; }

    internal XmlElement? LoadVitaleAssertion()
    {
        if (string.IsNullOrWhiteSpace(VitaleAssertionXml))
        {
            return null;
        }

        var document = SafeXml.LoadDocument(VitaleAssertionXml);
        return document.DocumentElement is { LocalName: "Assertion", NamespaceURI: "urn:oasis:names:tc:SAML:2.0:assertion" } root
            ? root
            : throw new SegurValidationException(InsErrorCodes.InsiVitaleQueryInvalid, "The Vitale assertion is not a SAML 2.0 Assertion.") { Field = nameof(VitaleAssertionXml) };
    }
}
