using Segur.Ins;

namespace Segur.Dmp.Client;

/// <summary>
/// The patient a DMP call is about: the INS of a qualified identity (only a qualified INS may be used with the DMP)
/// and the traits that travel with it.
/// </summary>
public sealed class DmpPatient
{
    private DmpPatient(InsIdentifier ins, InsTraits traits)
    {
        Ins = ins;
        Traits = traits;
    }

    /// <summary>The matricule INS and its OID.</summary>
    public InsIdentifier Ins { get; }

    /// <summary>The strict identity traits.</summary>
    public InsTraits Traits { get; }

    /// <summary>The XDS patientId / VIHF resource-id: <c>matricule^^^&amp;oid&amp;ISO^NH</c>.</summary>
    public string PatientId => $"{Ins.Matricule.Value}^^^&{Ins.Oid.Value}&ISO^NH";

    /// <summary>Creates the DMP patient from a qualified identity.</summary>
    /// <param name="ins">The shareable INS of a qualified identity.</param>
    /// <returns>The patient.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ins"/> is null.</exception>
    public static DmpPatient FromQualifiedIns(QualifiedIns ins)
    {
        ArgumentNullException.ThrowIfNull(ins);
        return new DmpPatient(ins.Identifier, ins.Traits);
    }

    /// <summary>Restores a patient persisted by the SDK itself (send queue); the identity was qualified when it was
    /// enqueued.</summary>
    internal static DmpPatient Restore(InsIdentifier ins, InsTraits traits) => new(ins, traits);

    /// <inheritdoc />
    public override string ToString() => "DmpPatient { [redacted] }";
}
