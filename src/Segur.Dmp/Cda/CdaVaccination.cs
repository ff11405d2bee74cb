namespace Segur.Dmp.Cda;

/// <summary>One vaccination act of a vaccination note (entry FR-Vaccination, a <c>substanceAdministration</c>).</summary>
public sealed record CdaVaccination
{
    /// <summary>The day the vaccine was given.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>The vaccine, typically a CIS code (1.2.250.1.213.2.3.1) with its label as display name.</summary>
    public required CdaCode Vaccine { get; init; }

    /// <summary>Other codings of the vaccine written as <c>translation</c> (ATC 2.16.840.1.113883.6.73, CIP 1.2.250.1.213.2.3.2).</summary>
    public IReadOnlyList<CdaCode> VaccineTranslations { get; init; } = [];

    /// <summary>The product name (<c>manufacturedMaterial/name</c>), optional.</summary>
    public string? VaccineName { get; init; }

    /// <summary>The lot number (<c>lotNumberText</c>).</summary>
    public required string LotNumber { get; init; }

    /// <summary>The dose rank in the vaccination schedule (FR-Rang-de-la-vaccination), optional, ≥ 1.</summary>
    public int? DoseNumber { get; init; }

    /// <summary>The route (EDQM, for example <c>20035000</c> intramuscular in 0.4.0.127.0.16.1.1.2.1), optional.</summary>
    public CdaCode? Route { get; init; }

    /// <summary>The body site (SNOMED CT), optional.</summary>
    public CdaCode? ApproachSite { get; init; }

    /// <summary>The kind of act (ActSubstanceAdministrationImmunizationCode, 2.16.840.1.113883.5.4).</summary>
    /// <value>Default: <c>IMMUNIZ</c> (Vaccination).</value>
    public CdaCode ActCode { get; init; } = new("IMMUNIZ", "2.16.840.1.113883.5.4", "Vaccination");

    /// <summary>A free-text comment (FR-Commentaire-ER), optional.</summary>
    public string? Comment { get; init; }

    /// <summary>Who gave the vaccine; null means the document's author.</summary>
    public CdaAuthor? Performer { get; init; }
}

/// <summary>The body of a vaccination note (CI-SIS volet VAC-NOTE, CDA R2 N3): one FR-Vaccinations section.</summary>
public sealed record CdaVaccinationNote
{
    /// <summary>The LOINC type code of a vaccination note: <c>87273-9</c>.</summary>
    public static readonly CdaCode TypeCode = CdaCode.FromLoinc("87273-9", "Note de vaccination");

    /// <summary>The vaccinations, at least one.</summary>
    public required IReadOnlyList<CdaVaccination> Vaccinations { get; init; }

    /// <summary>The section title.</summary>
    /// <value>Default: <c>Note de vaccination</c>.</value>
    public string SectionTitle { get; init; } = "Note de vaccination";
}

/// <summary>
/// The template ids of the vaccination note. The defaults are those of the public ANS example
/// <c>VAC-NOTE_2023.01</c> (CI-SIS volet "Note de vaccination" 2023.01 with IHE PCC Immunization Content); the
/// volet and IHE specifications themselves are not reproduced here, so every id is configurable: check them against
/// the volet version the DMP accepts when you certify.
/// </summary>
public sealed record CdaVaccinationNoteTemplates
{
    /// <summary>Document templates written after HL7 France and CI-SIS.</summary>
    public IReadOnlyList<CdaInstanceId> Document { get; init; } =
        [new("1.3.6.1.4.1.19376.1.5.3.1.1.18.1.2"), new("1.2.250.1.213.1.1.1.46", "2023.01")];

    /// <summary>FR-Vaccinations section templates.</summary>
    public IReadOnlyList<CdaInstanceId> Section { get; init; } =
        [new("2.16.840.1.113883.10.20.1.6"), new("1.3.6.1.4.1.19376.1.5.3.1.3.23"), new("1.2.250.1.213.1.1.2.147")];

    /// <summary>The section code (LOINC 11369-6, history of immunization).</summary>
    public CdaCode SectionCode { get; init; } = CdaCode.FromLoinc("11369-6", "Historique des vaccinations");

    /// <summary>FR-Vaccination entry templates.</summary>
    public IReadOnlyList<CdaInstanceId> Entry { get; init; } =
        [new("2.16.840.1.113883.10.20.1.24"), new("1.3.6.1.4.1.19376.1.5.3.1.4.12"), new("1.2.250.1.213.1.1.3.45")];

    /// <summary>FR-Produit-de-sante templates (<c>manufacturedProduct</c>).</summary>
    public IReadOnlyList<CdaInstanceId> Product { get; init; } =
        [new("2.16.840.1.113883.10.20.1.53"), new("1.3.6.1.4.1.19376.1.5.3.1.4.7.2"), new("1.2.250.1.213.1.1.3.43")];

    /// <summary>FR-Rang-de-la-vaccination templates.</summary>
    public IReadOnlyList<CdaInstanceId> DoseNumber { get; init; } =
        [new("2.16.840.1.113883.10.20.1.46"), new("1.2.250.1.213.1.1.3.82")];

    /// <summary>FR-Commentaire-ER templates.</summary>
    public IReadOnlyList<CdaInstanceId> Comment { get; init; } =
        [new("2.16.840.1.113883.10.20.1.40"), new("1.3.6.1.4.1.19376.1.5.3.1.4.2"), new("1.2.250.1.213.1.1.3.32")];
}
