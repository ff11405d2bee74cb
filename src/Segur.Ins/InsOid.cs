using System.Diagnostics.CodeAnalysis;

namespace Segur.Ins;

/// <summary>What an INS OID (assigning authority of a matricule INS) designates.</summary>
public enum InsOidKind
{
    /// <summary>INS-NIR, production (<c>1.2.250.1.213.1.4.8</c>).</summary>
    Nir,

    /// <summary>INS-NIA, temporary identifier pending registration (<c>1.2.250.1.213.1.4.9</c>).</summary>
    Nia,

    /// <summary>INS-NIR of the test environment (<c>1.2.250.1.213.1.4.10</c>).</summary>
    TestNir,

    /// <summary>INS-NIR of demonstration, fictitious patients (<c>1.2.250.1.213.1.4.11</c>).</summary>
    DemonstrationNir,

    /// <summary>Historical INS-C (calculated INS, <c>1.2.250.1.213.1.4.2</c>): read, never emitted.</summary>
    LegacyInsC,
}

/// <summary>An INS OID: the assigning authority that always travels with a matricule INS.</summary>
/// <remarks>Only the four known OIDs exist; compare instances with <c>==</c> or <see cref="Kind"/>.</remarks>
public sealed class InsOid
{
    private InsOid(string value, InsOidKind kind)
    {
        Value = value;
        Kind = kind;
    }

    /// <summary>INS-NIR (production): <c>1.2.250.1.213.1.4.8</c>.</summary>
    public static InsOid Nir { get; } = new("1.2.250.1.213.1.4.8", InsOidKind.Nir);

    /// <summary>INS-NIA: <c>1.2.250.1.213.1.4.9</c>.</summary>
    public static InsOid Nia { get; } = new("1.2.250.1.213.1.4.9", InsOidKind.Nia);

    /// <summary>INS-NIR test: <c>1.2.250.1.213.1.4.10</c>.</summary>
    public static InsOid TestNir { get; } = new("1.2.250.1.213.1.4.10", InsOidKind.TestNir);

    /// <summary>INS-NIR demonstration: <c>1.2.250.1.213.1.4.11</c>.</summary>
    public static InsOid DemonstrationNir { get; } = new("1.2.250.1.213.1.4.11", InsOidKind.DemonstrationNir);

    /// <summary>Legacy INS-C: <c>1.2.250.1.213.1.4.2</c> (accepted on read, never emitted).</summary>
    public static InsOid LegacyInsC { get; } = new("1.2.250.1.213.1.4.2", InsOidKind.LegacyInsC);

    /// <summary>The dotted OID, for example <c>1.2.250.1.213.1.4.8</c>.</summary>
    public string Value { get; }

    /// <summary>What the OID designates.</summary>
    public InsOidKind Kind { get; }

    /// <summary>Whether this OID is used in production exchanges (<see cref="InsOidKind.Nir"/> or <see cref="InsOidKind.Nia"/>).</summary>
    public bool IsProduction => Kind is InsOidKind.Nir or InsOidKind.Nia;

    /// <summary>Whether this OID may be emitted (shared, printed); <see langword="false"/> only for the legacy INS-C.</summary>
    public bool CanBeEmitted => Kind != InsOidKind.LegacyInsC;

    /// <summary>The FHIR identifier system, <c>urn:oid:</c> followed by <see cref="Value"/>.</summary>
    public string FhirSystem => "urn:oid:" + Value;

    /// <summary>Parses an INS OID, with or without the <c>urn:oid:</c> prefix.</summary>
    /// <param name="value">The OID.</param>
    /// <returns>One of the known instances.</returns>
    /// <exception cref="SegurValidationException">Not an INS OID (<see cref="InsErrorCodes.OidUnknown"/>).</exception>
    public static InsOid Parse(string? value) =>
        TryParse(value, out var oid)
            ? oid
            : throw new SegurValidationException(InsErrorCodes.OidUnknown, "The OID is not an INS OID (expected 1.2.250.1.213.1.4.8, .9, .10 or .11).") { Field = "oid" };

    /// <summary>Tries to parse an INS OID (see <see cref="Parse"/>).</summary>
    /// <param name="value">The OID.</param>
    /// <param name="oid">The OID, when known.</param>
    /// <returns>Whether <paramref name="value"/> is an INS OID.</returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out InsOid? oid)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[8..];
        }

        oid = trimmed switch
        {
            "1.2.250.1.213.1.4.8" => Nir,
            "1.2.250.1.213.1.4.9" => Nia,
            "1.2.250.1.213.1.4.10" => TestNir,
            "1.2.250.1.213.1.4.11" => DemonstrationNir,
            "1.2.250.1.213.1.4.2" => LegacyInsC,
            _ => null,
        };
        return oid is not null;
    }

    /// <summary>The dotted OID (<see cref="Value"/>).</summary>
    /// <returns>The OID.</returns>
    public override string ToString() => Value;
}
