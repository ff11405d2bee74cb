using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Testing.Dmp;

/// <summary>One stored DocumentEntry version (mutable under the state lock).</summary>
internal sealed class StoredEntry
{
    public required string EntryUuid { get; init; }
    public required string Lid { get; init; }
    public required int Version { get; init; }
    public required string UniqueId { get; init; }
    public required string PatientId { get; init; }
    public required string Status { get; set; }
    public required string AuthorId { get; init; }
    public required List<string> Confidentiality { get; init; }
    public required string MimeType { get; init; }
    public required long Size { get; init; }
    public required string Hash { get; init; }
    public required string SubmissionSetEntryUuid { get; init; }
    public required string SubmissionSetUniqueId { get; init; }
    public required string CreationTime { get; init; }
    public required List<(string Code, string Scheme)> ClassCodes { get; init; }
    public required List<(string Code, string Scheme)> TypeCodes { get; init; }
    public required List<(string Code, string Scheme)> FormatCodes { get; init; }
    public required List<string> ReferenceIds { get; init; }

    /// <summary>The ExtrinsicObject as returned (status attribute rewritten on output).</summary>
    public required XmlElement Metadata { get; init; }

    public bool IsMasked => Confidentiality.Contains(DmpCodes.MasquePs);

    public DmpSimulatorEntry ToPublic() => new(EntryUuid, Lid, Version, UniqueId, PatientId, Status, AuthorId, [.. Confidentiality], MimeType, Size, Hash,
        SubmissionSetUniqueId, Emit().OuterXml);

    public XmlElement Emit()
    {
        var copy = (XmlElement)Metadata.CloneNode(true);
        copy.SetAttribute("status", DmpCodes.LongStatus(Status));
        return copy;
    }
}

/// <summary>One stored submission set.</summary>
internal sealed class StoredSubmissionSet
{
    public required string EntryUuid { get; init; }
    public required string UniqueId { get; init; }
    public required string PatientId { get; init; }
    public required string SubmissionTime { get; init; }
    public required string SourceId { get; init; }
    public required List<(string Code, string Scheme)> ContentTypeCodes { get; init; }
    public required XmlElement Metadata { get; init; }
    public List<string> Members { get; } = [];
}

/// <summary>The simulator's memory: patients, authorisations, registry and repository. Every access holds <see cref="Gate"/>.</summary>
internal sealed class DmpSimulatorState
{
    public object Gate { get; } = new();

    public Dictionary<string, DmpSimulatorPatient> Patients { get; } = new(StringComparer.Ordinal);

    /// <summary>(INS, PS_IdNat) → authorisation and when it was last set.</summary>
    public Dictionary<(string Ins, string Ps), (DmpAuthorization Status, DateTimeOffset At)> Authorizations { get; } = [];

    public List<StoredEntry> Entries { get; } = [];

    public List<StoredSubmissionSet> SubmissionSets { get; } = [];

    /// <summary>uniqueId → bytes (the repository).</summary>
    public Dictionary<string, byte[]> Repository { get; } = new(StringComparer.Ordinal);

    /// <summary>uniqueId → number of committed submissions holding it.</summary>
    public Dictionary<string, int> StoredCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>uniqueId → number of ITI-41 requests naming it (accepted or not).</summary>
    public Dictionary<string, int> ReceivedCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>The XML document that owns the stored metadata elements.</summary>
    public XmlDocument Store { get; } = new() { PreserveWhitespace = false };

    public DmpAuthorization AuthorizationOf(string ins, string ps) =>
        Authorizations.TryGetValue((ins, ps), out var value) ? value.Status : DmpAuthorization.None;

    public StoredEntry? ByEntryUuid(string entryUuid) => Entries.Find(e => e.EntryUuid == entryUuid);

    /// <summary>The current (highest) version of every logical document.</summary>
    public IEnumerable<StoredEntry> Latest() => Entries.GroupBy(e => e.Lid).Select(g => g.MaxBy(e => e.Version)!);
}

/// <summary>DMP and IHE constants the simulator uses.</summary>
internal static class DmpCodes
{
    public const string MasquePs = "MASQUE_PS";
    public const string InvisiblePatient = "INVISIBLE_PATIENT";
    public const string InvisibleLegalRepresentatives = "INVISIBLE_REPRESENTANTS_LEGAUX";
    public const string VisibilityScheme = "1.2.250.1.213.1.1.4.13";
    public const string OppositionBreakGlass = "OPPOSITION_BRIS_DE_GLACE";
    public const string OppositionEmergency = "OPPOSITION_ACCES_URGENCE";
    public const string Approved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
    public const string Deprecated = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
    public const string Archived = "urn:asip:ci-sis:2010:StatusType:Archived";
    public const string Deleted = "urn:asip:ci-sis:2010:StatusType:Deleted";

    public static string LongStatus(string shortStatus) => shortStatus switch
    {
        "Approved" => Approved,
        "Deprecated" => Deprecated,
        "Archived" => Archived,
        "Deleted" => Deleted,
        _ => shortStatus,
    };

    public static string? ShortStatus(string longStatus) => longStatus switch
    {
        Approved => "Approved",
        Deprecated => "Deprecated",
        Archived => "Archived",
        Deleted => "Deleted",
        _ => null,
    };

    public static string AuthorizationCode(DmpAuthorization value) => value switch
    {
        DmpAuthorization.Valid => "VALIDE",
        DmpAuthorization.Expired => "EXPIRE",
        DmpAuthorization.Forbidden => "INTERDIT",
        _ => "NON_EXISTE",
    };

    public static List<string> VisibilityCodes(DmpVisibility visibility)
    {
        var codes = new List<string>();
        if (visibility.HasFlag(DmpVisibility.HiddenFromProfessionals))
        {
            codes.Add(MasquePs);
        }

        if (visibility.HasFlag(DmpVisibility.InvisibleToPatient))
        {
            codes.Add(InvisiblePatient);
        }

        if (visibility.HasFlag(DmpVisibility.InvisibleToLegalRepresentatives))
        {
            codes.Add(InvisibleLegalRepresentatives);
        }

        return codes;
    }
}
