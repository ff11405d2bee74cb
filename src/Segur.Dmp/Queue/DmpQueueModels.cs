using System.ComponentModel.DataAnnotations;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Dmp.Queue;

/// <summary>Where a document handed to the <see cref="DmpSendQueue"/> stands (domain reference dmp.md §2.9).</summary>
public enum DmpQueueItemState
{
    /// <summary>Held back (by the professional, by default, or by the feeding rules); see
    /// <see cref="DmpQueueItem.HoldReason"/>. Sent after <see cref="DmpSendQueue.ReleaseAsync"/>.</summary>
    Held,

    /// <summary>Queued; sent as soon as possible (possibly after a back-off, see <see cref="DmpQueueItem.NextAttemptAt"/>).</summary>
    Ready,

    /// <summary>Being sent now.</summary>
    Sending,

    /// <summary>Waiting for the professional's CPS card (DIRECTE mode).</summary>
    WaitingForCard,

    /// <summary>Waiting for the network.</summary>
    WaitingForNetwork,

    /// <summary>Waiting for an access token (the user must log in again).</summary>
    WaitingForToken,

    /// <summary>The last attempt may have reached the DMP (timeout after sending): the next attempt asks the DMP first.</summary>
    Ambiguous,

    /// <summary>Accepted by the DMP; <see cref="DmpQueueItem.EntryUuid"/> holds the entryUUID when known.</summary>
    Sent,

    /// <summary>Refused permanently (DMP registry error, access denied, validation); see
    /// <see cref="DmpQueueItem.ErrorCode"/>, <see cref="DmpQueueItem.Error"/> and <see cref="DmpQueueItem.RegistryErrorCodes"/>.</summary>
    Rejected,

    /// <summary>Cancelled by the professional before it was sent.</summary>
    Cancelled,
}

/// <summary>A document to feed later through the <see cref="DmpSendQueue"/>.</summary>
public sealed record DmpSendRequest
{
    /// <summary>The patient (qualified INS). Required.</summary>
    public required DmpPatient Patient { get; init; }

    /// <summary>The document: exact CDA bytes and DMP options (class code, format code, visibility). Required.
    /// <see cref="DmpDocument.ReplacesEntryUuid"/> may stay null for a replacement: the queue resolves the replaced
    /// version's entryUUID at send time.</summary>
    public required DmpDocument Document { get; init; }

    /// <summary>Who sends (the author or the user on whose behalf the software feeds): stored with the document, the
    /// VIHF is built from it at send time. Required.</summary>
    public required DmpUserContext User { get; init; }

    /// <summary>The submission set contentTypeCode (JDV_J59), or null for the client's default.</summary>
    public CdaCode? ContentTypeCode { get; init; }

    /// <summary>The submission set title, or null.</summary>
    public string? Title { get; init; }

    /// <summary>Whether to hold the document until the professional releases it; null follows
    /// <see cref="DmpSendQueueOptions.HoldByDefault"/>. <value>Default: null.</value></summary>
    public bool? Hold { get; init; }
}

/// <summary>A document in the <see cref="DmpSendQueue"/>, as shown to the professional. Holds no health data.</summary>
public sealed record DmpQueueItem
{
    /// <summary>The durable operation id (the outbox item id).</summary>
    public required Guid Id { get; init; }

    /// <summary>The state.</summary>
    public required DmpQueueItemState State { get; init; }

    /// <summary>The document uniqueId (CDA id).</summary>
    public required string UniqueId { get; init; }

    /// <summary>The document setId.</summary>
    public required string SetId { get; init; }

    /// <summary>The document versionNumber.</summary>
    public required int Version { get; init; }

    /// <summary>The uniqueId of the version this one replaces (RPLC), or null.</summary>
    public string? ReplacesUniqueId { get; init; }

    /// <summary>A pseudonymous patient reference (keyed hash of the INS), for <see cref="DmpQueueQuery.Patient"/>.</summary>
    public required string PatientReference { get; init; }

    /// <summary>Why the item is held (starts with its code: <see cref="DmpErrorCodes.QueueHeldByUser"/>,
    /// <see cref="DmpErrorCodes.QueueHeldByPolicy"/>, <see cref="DmpErrorCodes.QueuePredecessorHeld"/>), or null.</summary>
    public string? HoldReason { get; init; }

    /// <summary>The entryUUID the DMP assigned, once <see cref="DmpQueueItemState.Sent"/> (null when the DMP had the
    /// document already and its entryUUID could not be read).</summary>
    public string? EntryUuid { get; init; }

    /// <summary>The code of the last failure (the rejection's code when <see cref="DmpQueueItemState.Rejected"/>), or null.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The message of the last failure, or null. No patient data.</summary>
    public string? Error { get; init; }

    /// <summary>The DMP registry error codes (ebRS <c>errorCode</c>) of a rejection, raw.</summary>
    public IReadOnlyList<string> RegistryErrorCodes { get; init; } = [];

    /// <summary>How many attempts started.</summary>
    public int Attempts { get; init; }

    /// <summary>When the document was queued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the next attempt may start.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>When the item was sent, rejected or cancelled.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Whether the item is finished (<see cref="DmpQueueItemState.Sent"/>, <see cref="DmpQueueItemState.Rejected"/>
    /// or <see cref="DmpQueueItemState.Cancelled"/>).</summary>
    public bool IsFinal => State is DmpQueueItemState.Sent or DmpQueueItemState.Rejected or DmpQueueItemState.Cancelled;
}

/// <summary>A filter for <see cref="DmpSendQueue.ListAsync"/>. Unset fields do not filter.</summary>
public sealed record DmpQueueQuery
{
    /// <summary>Only this patient's documents.</summary>
    public DmpPatient? Patient { get; init; }

    /// <summary>Only documents in this state.</summary>
    public DmpQueueItemState? State { get; init; }

    /// <summary>Only versions of this setId.</summary>
    public string? SetId { get; init; }

    /// <summary>At most this many items, oldest first. <value>Default: 100.</value></summary>
    public int Limit { get; init; } = 100;
}

/// <summary>Raised when a queued document changes state.</summary>
public sealed class DmpQueueItemChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="item">The item after the change.</param>
    public DmpQueueItemChangedEventArgs(DmpQueueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Item = item;
    }

    /// <summary>The item after the change.</summary>
    public DmpQueueItem Item { get; }
}

/// <summary>Settings of the <see cref="DmpSendQueue"/>.</summary>
public sealed class DmpSendQueueOptions : SegurClientOptions
{
    /// <summary>Whether documents are held until the professional releases them, unless the request says otherwise
    /// (<see cref="DmpSendRequest.Hold"/>). <value>Default: <see langword="false"/> (automatic sending).</value></summary>
    public bool HoldByDefault { get; set; }

    /// <summary>The key of the patient references stored in clear beside queued documents (HMAC-SHA256 of the INS).
    /// Set a secret of your installation (at least 16 bytes) so that the references cannot be reversed by trying every
    /// INS. <value>Default: none (a plain SHA-256 with a fixed prefix).</value></summary>
    public byte[]? PatientReferenceKey { get; set; }

    /// <summary>The audience passed to <see cref="Auth.IAccessTokenSource.GetAccessTokenAsync"/> when a token source is
    /// given. <value>Default: null (the session's own token).</value></summary>
    public string? TokenAudience { get; set; }

    /// <summary>How long the queue waits before trying an access token again after the token source said no session.
    /// <value>Default: 1 minute.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TokenRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The actor written in audit records for hold, release and cancel when none is given.
    /// <value>Default: <c>dmp-queue</c>.</value></summary>
    [Required]
    public string AuditActor { get; set; } = "dmp-queue";
}
