using System.Text.Json;

namespace Segur.Psc;

/// <summary>A code from a PSC claim in the <c>code^OID</c> form (e.g. <c>10^1.2.250.1.213.1.1.5.5</c>).</summary>
/// <param name="Code">The code (<c>10</c>).</param>
/// <param name="CodeSystem">The OID of the code system, when given.</param>
public sealed record PscCode(string Code, string? CodeSystem)
{
    /// <summary>Splits a <c>code^OID</c> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The code.</returns>
    public static PscCode Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = value.IndexOf('^', StringComparison.Ordinal);
        return i < 0 ? new PscCode(value, null) : new PscCode(value[..i], i + 1 < value.Length ? value[(i + 1)..] : null);
    }
}

/// <summary>An activity of a practice (<c>SubjectRefPro.exercices[].activities[]</c>): where and how the professional works.</summary>
public sealed class PscActivity
{
    /// <summary><c>codeModeExercice</c> (e.g. <c>S</c> salaried, <c>L</c> liberal).</summary>
    public string? ModeExerciceCode { get; init; }

    /// <summary><c>codeSecteurDactivite</c>.</summary>
    public string? SecteurActiviteCode { get; init; }

    /// <summary><c>codeSectionPharmacien</c>.</summary>
    public string? SectionPharmacienCode { get; init; }

    /// <summary><c>codeRole</c>.</summary>
    public string? RoleCode { get; init; }

    /// <summary><c>codeGenreActivite</c>.</summary>
    public string? GenreActiviteCode { get; init; }

    /// <summary><c>numeroSiretSite</c>.</summary>
    public string? Siret { get; init; }

    /// <summary><c>numeroSirenSite</c>.</summary>
    public string? Siren { get; init; }

    /// <summary><c>numeroFinessSite</c>.</summary>
    public string? FinessSite { get; init; }

    /// <summary><c>numeroFinessetablissementJuridique</c>.</summary>
    public string? FinessLegalEntity { get; init; }

    /// <summary><c>identifiantTechniqueDeLaStructure</c>.</summary>
    public string? StructureTechnicalId { get; init; }

    /// <summary><c>raisonSocialeSite</c>.</summary>
    public string? RaisonSociale { get; init; }

    /// <summary><c>enseigneCommercialeSite</c>.</summary>
    public string? EnseigneCommerciale { get; init; }

    /// <summary><c>telephone</c>.</summary>
    public string? Telephone { get; init; }

    /// <summary><c>adresseEMail</c>.</summary>
    public string? Email { get; init; }
}

/// <summary>A practice (<c>SubjectRefPro.exercices[]</c>): a profession with its activities.</summary>
public sealed class PscExercise
{
    /// <summary><c>codeProfession</c> (e.g. <c>10</c> doctor, <c>21</c> pharmacist).</summary>
    public string? ProfessionCode { get; init; }

    /// <summary><c>codeCategorieProfessionnelle</c> (e.g. <c>C</c> civilian).</summary>
    public string? CategoryCode { get; init; }

    /// <summary><c>codeTypeSavoirFaire</c>.</summary>
    public string? SavoirFaireTypeCode { get; init; }

    /// <summary><c>codeSavoirFaire</c> (specialty).</summary>
    public string? SavoirFaireCode { get; init; }

    /// <summary><c>codeCiviliteDexercice</c> (e.g. <c>DR</c>).</summary>
    public string? CiviliteExerciceCode { get; init; }

    /// <summary><c>nomDexercice</c>.</summary>
    public string? LastName { get; init; }

    /// <summary><c>prenomDexercice</c>.</summary>
    public string? FirstName { get; init; }

    /// <summary>The activities.</summary>
    public IReadOnlyList<PscActivity> Activities { get; init; } = [];
}

/// <summary>The professional logged in with Pro Santé Connect, mapped from the ID token and UserInfo. Every
/// member except <see cref="Subject"/> may be missing: the mapping tolerates absent or malformed claims.</summary>
public sealed class PscUser
{
    /// <summary>The <c>sub</c> claim.</summary>
    public required string Subject { get; init; }

    /// <summary>The national identifier (<c>SubjectNameID</c>, e.g. <c>899700218896</c> = 8+RPPS), else <c>preferred_username</c>.</summary>
    public string? NationalId { get; init; }

    /// <summary><c>given_name</c>.</summary>
    public string? GivenName { get; init; }

    /// <summary><c>family_name</c>.</summary>
    public string? FamilyName { get; init; }

    /// <summary>The authentication level of the login (<c>acr</c> of the ID token).</summary>
    public string? Acr { get; init; }

    /// <summary><c>SubjectRefPro.codeCivilite</c>.</summary>
    public string? CivilityCode { get; init; }

    /// <summary><c>SubjectRole[]</c>, split as <c>code^OID</c>.</summary>
    public IReadOnlyList<PscCode> Roles { get; init; } = [];

    /// <summary><c>SubjectOrganization</c>.</summary>
    public string? Organization { get; init; }

    /// <summary><c>SubjectOrganizationID</c>.</summary>
    public string? OrganizationId { get; init; }

    /// <summary><c>Secteur_Activite</c>, split as <c>code^OID</c>.</summary>
    public PscCode? SecteurActivite { get; init; }

    /// <summary>The practices (<c>SubjectRefPro.exercices[]</c>).</summary>
    public IReadOnlyList<PscExercise> Exercises { get; init; } = [];

    /// <summary>Every UserInfo member, including those not mapped above (JSON values).</summary>
    public IReadOnlyDictionary<string, JsonElement> Claims { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Every activity of every practice.</summary>
    public IEnumerable<PscActivity> Activities => Exercises.SelectMany(e => e.Activities);

    /// <summary>Describes the user without personal data.</summary>
    /// <returns>The subject only.</returns>
    public override string ToString() => $"PSC user sub {Subject}, acr {Acr}";

    /// <summary>Maps UserInfo (a JSON object) to a user, tolerating missing or mistyped members.</summary>
    /// <param name="userInfo">The UserInfo JSON object.</param>
    /// <param name="acr">The <c>acr</c> of the ID token.</param>
    /// <param name="subject">The <c>sub</c> to use when UserInfo has none.</param>
    /// <returns>The user.</returns>
    /// <exception cref="ArgumentException"><paramref name="userInfo"/> is not a JSON object.</exception>
    public static PscUser FromUserInfo(JsonElement userInfo, string? acr = null, string? subject = null)
    {
        if (userInfo.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("UserInfo must be a JSON object.", nameof(userInfo));
        }

        var claims = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in userInfo.EnumerateObject())
        {
            claims[p.Name] = p.Value.Clone();
        }

        var refPro = Obj(userInfo, "SubjectRefPro");
        return new PscUser
        {
            Subject = Str(userInfo, "sub") ?? subject ?? "",
            NationalId = Str(userInfo, "SubjectNameID") ?? Str(userInfo, "preferred_username"),
            GivenName = Str(userInfo, "given_name"),
            FamilyName = Str(userInfo, "family_name"),
            Acr = acr,
            CivilityCode = refPro is { } r ? Str(r, "codeCivilite") : null,
            Roles = Strings(userInfo, "SubjectRole").Select(PscCode.Parse).ToList(),
            Organization = Str(userInfo, "SubjectOrganization"),
            OrganizationId = Str(userInfo, "SubjectOrganizationID"),
            SecteurActivite = Str(userInfo, "Secteur_Activite") is { } s ? PscCode.Parse(s) : null,
            Exercises = refPro is { } rp ? Objects(rp, "exercices").Select(MapExercise).ToList() : [],
            Claims = claims,
        };
    }

    private static PscExercise MapExercise(JsonElement e) => new()
    {
        ProfessionCode = Str(e, "codeProfession"),
        CategoryCode = Str(e, "codeCategorieProfessionnelle"),
        SavoirFaireTypeCode = Str(e, "codeTypeSavoirFaire"),
        SavoirFaireCode = Str(e, "codeSavoirFaire"),
        CiviliteExerciceCode = Str(e, "codeCiviliteDexercice"),
        LastName = Str(e, "nomDexercice"),
        FirstName = Str(e, "prenomDexercice"),
        Activities = Objects(e, "activities").Select(a => new PscActivity
        {
            ModeExerciceCode = Str(a, "codeModeExercice"),
            SecteurActiviteCode = Str(a, "codeSecteurDactivite"),
            SectionPharmacienCode = Str(a, "codeSectionPharmacien"),
            RoleCode = Str(a, "codeRole"),
            GenreActiviteCode = Str(a, "codeGenreActivite"),
            Siret = Str(a, "numeroSiretSite"),
            Siren = Str(a, "numeroSirenSite"),
            FinessSite = Str(a, "numeroFinessSite"),
            FinessLegalEntity = Str(a, "numeroFinessetablissementJuridique"),
            StructureTechnicalId = Str(a, "identifiantTechniqueDeLaStructure"),
            RaisonSociale = Str(a, "raisonSocialeSite"),
            EnseigneCommerciale = Str(a, "enseigneCommercialeSite"),
            Telephone = Str(a, "telephone"),
            Email = Str(a, "adresseEMail"),
        }).ToList(),
    };

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static JsonElement? Obj(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }

        // Some providers send nested claims as a JSON string.
        if (v.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var doc = JsonDocument.Parse(v.GetString()!);
                return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return v.ValueKind == JsonValueKind.Object ? v : null;
    }

    private static List<JsonElement> Objects(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).ToList()
            : [];

    private static List<string> Strings(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return [];
        }

        return v.ValueKind switch
        {
            JsonValueKind.Array => v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList(),
            JsonValueKind.String => [v.GetString()!],
            _ => [],
        };
    }
}
