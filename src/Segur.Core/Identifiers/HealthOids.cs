namespace Segur.Identifiers;

/// <summary>Object identifiers (OIDs) of the French health identifier systems used across the SDK.</summary>
public static class HealthOids
{
    /// <summary>Professional national identifiers (PS_IdNat: <c>8</c>+RPPS, <c>0</c>+ADELI, structure staff).</summary>
    public const string ProfessionalNationalIdentifier = "1.2.250.1.71.4.2.1";

    /// <summary>Organisation national identifiers (Struct_IdNat: <c>1</c>+FINESS, <c>3</c>+SIRET…).</summary>
    public const string OrganizationNationalIdentifier = "1.2.250.1.71.4.2.2";
}
