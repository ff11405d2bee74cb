using Segur.Ins;

namespace Segur.Testing.Insi;

/// <summary>One identity the <see cref="InsiSimulator"/> knows, with the INS it answers.</summary>
public sealed class InsiSimulatorIdentity
{
    /// <summary>Creates an identity.</summary>
    /// <param name="birthName">The birth name in RNIV form.</param>
    /// <param name="givenNames">The space-separated birth first-name list (<c>ListePrenom</c>).</param>
    /// <param name="sex"><c>M</c> or <c>F</c>.</param>
    /// <param name="birthDate">The birth date, <c>YYYY-MM-DD</c>.</param>
    /// <param name="birthPlace">The COG code.</param>
    /// <param name="matricule">The 15-character matricule INS (13 characters + key, kept as given even when the key is wrong).</param>
    /// <param name="oid">The OID. <value>Default: INS-NIR <c>1.2.250.1.213.1.4.8</c>.</value></param>
    public InsiSimulatorIdentity(string birthName, string givenNames, string sex, string birthDate, string birthPlace, string matricule, string oid = "1.2.250.1.213.1.4.8")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(birthName);
        ArgumentException.ThrowIfNullOrWhiteSpace(givenNames);
        ArgumentException.ThrowIfNullOrWhiteSpace(sex);
        ArgumentException.ThrowIfNullOrWhiteSpace(birthDate);
        ArgumentException.ThrowIfNullOrWhiteSpace(birthPlace);
        ArgumentException.ThrowIfNullOrWhiteSpace(matricule);
        if (matricule.Length != 15)
        {
            throw new ArgumentException("The matricule has 15 characters (13 + key).", nameof(matricule));
        }

        BirthName = birthName;
        GivenNames = givenNames;
        Sex = sex;
        BirthDate = birthDate;
        BirthPlace = birthPlace;
        Matricule = matricule;
        Oid = oid;
    }

    /// <summary>The birth name.</summary>
    public string BirthName { get; }

    /// <summary>The first-name list.</summary>
    public string GivenNames { get; }

    /// <summary>The sex code.</summary>
    public string Sex { get; }

    /// <summary>The birth date (<c>YYYY-MM-DD</c>).</summary>
    public string BirthDate { get; }

    /// <summary>The COG code of the birth place.</summary>
    public string BirthPlace { get; }

    /// <summary>The matricule with its key.</summary>
    public string Matricule { get; }

    /// <summary>The OID.</summary>
    public string Oid { get; }

    /// <summary>Previous matricules (INSHISTO), 15 characters each, answered with <see cref="Oid"/>.</summary>
    public IList<string> History { get; init; } = [];

    /// <summary>Whether the answer omits <c>TIQ/Prenom</c> (as real answers sometimes do). <value>Default: <see langword="false"/>.</value></summary>
    public bool OmitPrenom { get; init; }

    /// <summary>The insured person's NIR (15 characters) under which a Vitale search finds this identity, or
    /// <see langword="null"/>. <value>Default: <see langword="null"/>.</value></summary>
    public string? VitaleInsuredNir { get; init; }

    /// <summary>The birth rank on the Vitale card. <value>Default: 1.</value></summary>
    public int VitaleRank { get; init; } = 1;

    /// <summary>The public qualification-platform test identities and their behaviours: ADRTROIS DOMINIQUE and
    /// TOUSSAINT (found), ADRUN ZOE (found in qualification), TCHITCHI (found with CATARINA, not with OLA), DE VINCI
    /// LEONARDO (several: two records, told apart by the first-name list or the birth place), HOUILLES (absent: none
    /// whatever the first names), NESSI MICHELANGELO, ECETINSI (two INSHISTO, no <c>Prenom</c>), PROVISOIRE MATRICULE
    /// (NIA), CORSE ANTHONY (2B). Matricules not published are synthetic, with a correct key.</summary>
    /// <returns>A new list.</returns>
    public static IList<InsiSimulatorIdentity> Qualification() =>
    [
        new("ADRTROIS", "DOMINIQUE", "F", "1997-02-26", "2A020", "297022A02077878") { VitaleInsuredNir = "297022A02077878" },
        new("ADRTROIS", "TOUSSAINT", "M", "1960-01-01", "2B020", "160012B02077713"),
        new("ADRUN", "ZOE", "F", "1975-12-31", "63220", Synthetic("2751263220001")),
        new("TCHITCHI", "CATARINA BELLA", "F", "1936-06-21", "63220", "236066322083656"),
        new("DE VINCI", "LEONARDO", "M", "2014-02-01", "75056", Synthetic("1140275056001")),
        new("DE VINCI", "LEONARDO MARCO", "M", "2014-02-01", "63220", Synthetic("1140263220002")),
        new("NESSI", "MICHELANGELO", "M", "2010-08-07", "63220", "110086322083060"),
        new("ECETINSI", "PIERRE-ALAIN MURIEL FLORIANT", "M", "2009-07-14", "63220", "109076322083489")
        {
            History = ["209076322083439", "209066322012355"],
            OmitPrenom = true,
        },
        new("PROVISOIRE", "MATRICULE", "M", "2009-07-01", "63220", "109076322088835", "1.2.250.1.213.1.4.9"),
        new("CORSE", "ANTHONY", "M", "1980-03-02", "2B020", "180032B02040123"),
    ];

    private static string Synthetic(string number) => number + InsMatricule.ComputeKey(number);
}
