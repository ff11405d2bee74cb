namespace Segur.Dmp;

/// <content>The deferred send queue (<c>DmpSendQueue</c>): <c>SGR-4500</c> to <c>SGR-4599</c>.</content>
public static partial class DmpErrorCodes
{
    /// <summary>The document handed to the queue is empty or is not a readable CDA R2 document (the reader's own code
    /// is in the message); nothing was queued.</summary>
    public const string QueueCdaInvalid = "SGR-4501";

    /// <summary>The CDA cannot be fed as it is: its id is not a bare OID, or it has no setId or no versionNumber (the
    /// queue keys documents by uniqueId and by setId and version).</summary>
    public const string QueueCdaIdentifiersMissing = "SGR-4502";

    /// <summary>The CDA's patient (INS and OID in <c>recordTarget</c>) is not the patient the document is queued for.</summary>
    public const string QueueCdaPatientMismatch = "SGR-4503";

    /// <summary>Another document with the same setId and versionNumber but a different id is already queued or sent:
    /// a new version needs a new versionNumber.</summary>
    public const string QueueVersionConflict = "SGR-4504";

    /// <summary>Held by the feeding rules: the patient was not informed, or opposed feeding. Release the item once the
    /// patient's record allows it (the rules are checked again before sending).</summary>
    public const string QueueHeldByPolicy = "SGR-4505";

    /// <summary>Held by the professional (hold-back), or held by default by the queue options.</summary>
    public const string QueueHeldByUser = "SGR-4506";

    /// <summary>Held because the version it replaces is held: release that one first.</summary>
    public const string QueuePredecessorHeld = "SGR-4507";

    /// <summary>The replaced version (RPLC) was neither sent through the queue nor found in the DMP: the replacement
    /// cannot point at it.</summary>
    public const string QueuePredecessorNotSent = "SGR-4508";

    /// <summary>The submission may have reached the DMP (timeout or connection cut after the request was sent); the next
    /// attempt first asks the DMP for the document before sending again.</summary>
    public const string QueueOutcomeUnknown = "SGR-4509";

    /// <summary>No DMP queue item has this id (unknown, purged, or not a DMP document).</summary>
    public const string QueueItemNotFound = "SGR-4510";

    /// <summary>The item cannot be released or cancelled in its current state.</summary>
    public const string QueueInvalidState = "SGR-4511";

    /// <summary>A stored queue item could not be read back (unknown format version or damaged data).</summary>
    public const string QueuePayloadUnreadable = "SGR-4512";

    /// <summary>The DMP accepted the submission but its answer does not name the document.</summary>
    public const string QueueSubmissionUnconfirmed = "SGR-4513";

    /// <summary>The replaced version (RPLC) is still waiting to be sent: the replacement waits for it.</summary>
    public const string QueuePredecessorPending = "SGR-4514";
}
