namespace Segur.Ins.Sentinelle;

/// <summary>
/// What a Vitale card (or an ApCV session) says about one beneficiary, as the Sentinelle workflows need it. Segur.Ins
/// does not depend on Segur.Cps: map a <c>Segur.Cps.Vitale.VitaleBeneficiary</c> (or your SESAM-Vitale component's
/// data) to this type. Names are normalised to the RNIV form on creation.
/// </summary>
public sealed class VitaleIdentity
{
    /// <summary>Creates the data of one beneficiary.</summary>
    /// <param name="insuredNir">The insured person's (ouvrant droit) NIR with its key, as on the card.</param>
    /// <param name="lastName">The beneficiary's last name as on the card.</param>
    /// <param name="firstName">The beneficiary's first name as on the card.</param>
    /// <param name="birthDate">The birth date (may be lunar).</param>
    /// <param name="rank">The birth rank (rang de naissance), 1 to 9. <value>Default: 1.</value></param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurValidationException">A name cannot be put in RNIV form, or the rank is out of range
    /// (<see cref="InsErrorCodes.VitaleIdentityInvalid"/>).</exception>
    public VitaleIdentity(InsMatricule insuredNir, string lastName, string firstName, BirthDate birthDate, int rank = 1)
    {
        ArgumentNullException.ThrowIfNull(insuredNir);
        ArgumentNullException.ThrowIfNull(birthDate);
        if (rank is < 1 or > 9)
        {
            throw new SegurValidationException(InsErrorCodes.VitaleIdentityInvalid, "The birth rank must be 1 to 9.") { Field = nameof(rank) };
        }

        InsuredNir = insuredNir;
        LastName = Normalize(lastName, TraitProfile.FamilyName, nameof(lastName));
        FirstName = Normalize(firstName, TraitProfile.GivenName, nameof(firstName)).Split(' ')[0];
        BirthDate = birthDate;
        Rank = rank;
    }

    /// <summary>The insured person's NIR.</summary>
    public InsMatricule InsuredNir { get; }

    /// <summary>The beneficiary's own NIR when the card or the component certifies it (it is the matricule INS).
    /// <value>Default: <see langword="null"/>.</value></summary>
    public InsMatricule? BeneficiaryNir { get; init; }

    /// <summary>The last name in RNIV form.</summary>
    public string LastName { get; }

    /// <summary>The first name in RNIV form (the first one when the card gives several).</summary>
    public string FirstName { get; }

    /// <summary>The birth date.</summary>
    public BirthDate BirthDate { get; }

    /// <summary>The birth rank.</summary>
    public int Rank { get; }

    /// <summary>The INSi query for a search with Vitale data (WS_INS1).</summary>
    /// <param name="vitaleAssertionXml">The "assertion Vitale" from the SESAM-Vitale component, or <see langword="null"/>.</param>
    /// <returns>The query.</returns>
    public Insi.InsiVitaleQuery ToInsiQuery(string? vitaleAssertionXml = null) => new(InsuredNir, BirthDate, Rank)
    {
        BeneficiaryNir = BeneficiaryNir,
        BirthName = LastName,
        VitaleAssertionXml = vitaleAssertionXml,
    };

    internal PatientSearch ToSearch() => new(LastName, FirstName, BirthDate);

    private static string Normalize(string value, TraitProfile profile, string field)
    {
        try
        {
            return TraitNormalizer.Normalize(value, profile, field).Normalized;
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(InsErrorCodes.VitaleIdentityInvalid, $"The Vitale {field} cannot be put in RNIV form ({ex.ErrorCode}).", innerException: ex) { Field = field };
        }
    }
}

/// <summary>Produces the "assertion Vitale" that a search with Vitale data carries in the CPx mode. It is built by the
/// licensed SESAM-Vitale component from the card, in a format that is not public: implement this with it.</summary>
public interface IVitaleAssertionProvider
{
    /// <summary>Builds a fresh assertion for one search (it is short-lived: never cache it).</summary>
    /// <param name="vitale">The beneficiary searched.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The XML of a SAML 2.0 <c>Assertion</c>, or <see langword="null"/> to send none.</returns>
    ValueTask<string?> GetAssertionXmlAsync(VitaleIdentity vitale, CancellationToken cancellationToken = default);
}
