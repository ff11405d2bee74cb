using Segur.Dmp.Client;
using Segur.Ins;

namespace Segur.Dmp.Cda;

/// <content>Creation from a Segur.Ins qualified identity.</content>
public sealed partial record CdaPatient
{
    /// <summary>Creates the CDA patient from the shareable INS of a qualified identity: matricule, OID, birth name,
    /// birth first names (the first birth first name first, even when it spans several list entries such as
    /// <c>JEAN-CHRISTOPHE</c>), sex, birth date, birth place and, when known, used name and used first name.</summary>
    /// <param name="ins">The qualified INS (<c>IdentityRecord.GetShareableIns()</c>).</param>
    /// <returns>The patient; add <see cref="LocalIds"/> (IPP) with a <c>with</c> expression.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ins"/> is null.</exception>
    /// <exception cref="SegurValidationException">The birth date is lunar (day or month unknown, <c>00</c>): a CDA
    /// <c>birthTime</c> needs a calendar date (<c>SGR-4003</c>, field <c>patient.birthDate</c>).</exception>
    public static CdaPatient FromQualifiedIns(QualifiedIns ins)
    {
        ArgumentNullException.ThrowIfNull(ins);
        return FromTraits(ins.Identifier, ins.Traits) with { UsedName = ins.UsedName, UsedFirstName = ins.UsedFirstName };
    }

    /// <summary>Creates the CDA patient from a DMP patient (INS and strict traits; no used names).</summary>
    /// <param name="patient">The DMP patient, itself created from a qualified INS.</param>
    /// <returns>The patient.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patient"/> is null.</exception>
    /// <exception cref="SegurValidationException">The birth date is lunar (<c>SGR-4003</c>).</exception>
    public static CdaPatient FromDmpPatient(DmpPatient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return FromTraits(patient.Ins, patient.Traits);
    }

    private static CdaPatient FromTraits(InsIdentifier identifier, InsTraits traits)
    {
        var birthDate = traits.BirthDate.ToDateOnly()
            ?? throw new SegurValidationException(DmpErrorCodes.CdaPatientTraitInvalid,
                $"The birth date {traits.BirthDate.ToIsoString()} is lunar (day or month unknown): a CDA birthTime needs a calendar date. "
                + "Record the date completed by the RNIV rules (BirthDate.FromIncomplete: unknown day → 01, unknown month → 01, both → 31/12) in the identity, then retry.")
            { Field = "patient.birthDate" };
        return new CdaPatient
        {
            Ins = identifier.Matricule.Value,
            InsOid = identifier.Oid.Value,
            BirthName = traits.BirthName,
            FirstNames = BirthFirstNames(traits),
            Sex = traits.Sex switch
            {
                InsSex.Female => CdaAdministrativeGender.Female,
                InsSex.Male => CdaAdministrativeGender.Male,
                _ => throw new ArgumentOutOfRangeException(nameof(traits), traits.Sex, "Unknown INS sex."),
            },
            BirthDate = birthDate,
            BirthPlaceCode = traits.BirthPlace,
        };
    }

    /// <summary>The birth first-name list with the first birth first name as its first entry: when the first name
    /// spans several list entries (first name <c>JEAN-CHRISTOPHE</c>, list <c>JEAN CHRISTOPHE PAUL</c>) those entries
    /// are replaced by the first name, so that the CDA's first <c>given</c> is the first birth first name.</summary>
    private static List<string> BirthFirstNames(InsTraits traits)
    {
        var names = traits.GivenNames.ToList();
        var target = Comparable(traits.FirstName);
        var joined = string.Empty;
        for (var i = 0; i < names.Count; i++)
        {
            joined = i == 0 ? names[0] : joined + " " + names[i];
            if (Comparable(joined) == target)
            {
                if (i > 0)
                {
                    names.RemoveRange(0, i + 1);
                    names.Insert(0, traits.FirstName);
                }

                return names;
            }
        }

        return names;
    }

    private static string Comparable(string value) => value.Replace('-', ' ').Replace('\'', ' ');
}
