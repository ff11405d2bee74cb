namespace Segur.Dmp;

/// <content>XDS transactions (TD2.1, TD3.1–TD3.3): <c>SGR-4300</c> to <c>SGR-4379</c> (4300–4309 request input,
/// 4310–4329 DMP responses).</content>
public static partial class DmpErrorCodes
{
    /// <summary>A submission has no document, or a document has no bytes.</summary>
    public const string XdsSubmissionEmpty = "SGR-4300";

    /// <summary>A document of a submission is about another patient than the submission (one patient per set).</summary>
    public const string XdsPatientMismatch = "SGR-4301";

    /// <summary>Two documents of one submission have the same uniqueId.</summary>
    public const string XdsDuplicateUniqueId = "SGR-4302";

    /// <summary>The entryUUID a document replaces (RPLC) is not a <c>urn:uuid:</c> value.</summary>
    public const string XdsReplacedEntryInvalid = "SGR-4303";

    /// <summary>A query is invalid (empty time range).</summary>
    public const string XdsQueryInvalid = "SGR-4304";

    /// <summary>The status change is not allowed from the entry's current status (archive an approved document,
    /// unarchive an archived one, delete an approved or archived one).</summary>
    public const string XdsUpdateNotAllowed = "SGR-4305";

    /// <summary>The document to replace or update is not in the DMP (GetDocuments returned nothing).</summary>
    public const string XdsDocumentNotFound = "SGR-4306";

    /// <summary>The DMP answered <c>Failure</c>; <see cref="Client.DmpRegistryException.Errors"/> holds its raw
    /// RegistryErrors. Transient only when every error is a configured transient code (busy, out of resources).</summary>
    public const string XdsRegistryFailure = "SGR-4310";

    /// <summary>The DMP answered <c>PartialSuccess</c> to a submission or update: part of it was not recorded. Check
    /// with GetDocuments before sending again.</summary>
    public const string XdsRegistryPartialSuccess = "SGR-4311";

    /// <summary>The DMP response is not the expected ebRS/XDS message (wrong element, no status, entry without its
    /// identifiers, document part missing).</summary>
    public const string XdsResponseInvalid = "SGR-4312";

    /// <summary>The ITI-43 response does not hold the document asked for.</summary>
    public const string XdsDocumentNotReturned = "SGR-4313";
}
