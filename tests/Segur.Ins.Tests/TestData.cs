namespace Segur.Ins.Tests;

internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    public static InsTraits Ornano() =>
        InsTraits.Create("D'ORNANO-MARTIN", "JEANNE MARIE-ANGE", InsSex.Female, BirthDate.Create(1985, 3, 14), "2A004");

    public static InsIdentity Retrieved(InsTraits traits, string matricule, InsOid? oid = null, params InsIdentifier[] history) =>
        InsIdentity.Create(traits, new InsIdentifier(InsMatricule.FromReceived(matricule), oid ?? InsOid.Nir), history);

    public static IdentityCheck Check(string mode = IdentityCheck.NationalIdentityCard) => new(mode, Now, "scan-42");

    /// <summary>A qualified record (test OIDs allowed) and its shareable INS.</summary>
    public static QualifiedIns Qualified(InsTraits traits, string matricule, InsOid? oid = null)
    {
        var record = IdentityRecord.CreateProvisional(traits, options: new IdentityRecordOptions { AllowTestOids = true });
        record.Qualify(Retrieved(traits, matricule, oid), Check());
        return record.GetShareableIns();
    }
}
