namespace Segur.Outbox;

/// <summary>Where an outbox item stands.</summary>
public enum OutboxItemState
{
    /// <summary>Waiting to be sent (possibly not before <see cref="OutboxItem.NextAttemptAt"/>).</summary>
    Ready = 0,

    /// <summary>Held back by the user or the application; not sent until released.</summary>
    Held = 1,

    /// <summary>Leased by a processor and being sent.</summary>
    Leased = 2,

    /// <summary>Waiting for a precondition (network, card, token) named in <see cref="OutboxItem.WaitingFor"/>.</summary>
    Waiting = 3,

    /// <summary>Delivered. Kept for <see cref="OutboxOptions.SentRetention"/>, then purged.</summary>
    Sent = 4,

    /// <summary>Failed permanently (or too many times); see <see cref="OutboxItem.LastError"/>. Can be requeued.</summary>
    Dead = 5,

    /// <summary>Cancelled before it was sent.</summary>
    Cancelled = 6,
}

/// <summary>A work item handed to the outbox.</summary>
public sealed class OutboxEnqueueRequest
{
    /// <summary>What the item is, which selects its handler (for example <c>dmp.feed</c>). Required.</summary>
    public required string Kind { get; init; }

    /// <summary>The payload bytes. Ignored when <see cref="PayloadStream"/> is set. <value>Default: empty.</value></summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>A stream to read the payload from (read to its end, not disposed). <value>Default: none.</value></summary>
    public Stream? PayloadStream { get; init; }

    /// <summary>Small key/value data stored in clear beside the payload: never put health data here.
    /// <value>Default: none.</value></summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>A key that identifies the operation for the receiver; an item whose key is already pending or sent is
    /// not stored twice. <value>Default: none (no deduplication).</value></summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Items with the same partition key (for example the patient) are sent one at a time, in enqueue order.
    /// <value>Default: none (no ordering).</value></summary>
    public string? PartitionKey { get; init; }

    /// <summary>Where the item goes (a service, a mailbox), for queries. <value>Default: none.</value></summary>
    public string? Target { get; init; }

    /// <summary>Do not send before this time. <value>Default: as soon as possible.</value></summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Whether the item is held until <see cref="IOutbox.ReleaseAsync"/>. <value>Default: <see langword="false"/>.</value></summary>
    public bool Held { get; init; }

    /// <summary>Why the item is held, shown to the user. <value>Default: none.</value></summary>
    public string? HoldReason { get; init; }
}

/// <summary>The answer to <see cref="IOutbox.EnqueueAsync"/>.</summary>
/// <param name="OperationId">The durable operation id (the existing item's id for a duplicate).</param>
/// <param name="Duplicate">Whether an item with the same idempotency key was already pending or sent, so nothing was stored.</param>
public sealed record OutboxEnqueueResult(Guid OperationId, bool Duplicate);

/// <summary>A stored outbox item, without its payload.</summary>
public sealed record OutboxItem
{
    /// <summary>The durable operation id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The enqueue order (increasing).</summary>
    public long Sequence { get; init; }

    /// <summary>The kind, which selects the handler.</summary>
    public required string Kind { get; init; }

    /// <summary>The current state.</summary>
    public OutboxItemState State { get; init; }

    /// <summary>The idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The partition key (patient), if any.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>The target, if any.</summary>
    public string? Target { get; init; }

    /// <summary>The metadata given at enqueue.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>When the item was enqueued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the item may next be attempted.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>How many attempts started so far (including attempts cut short by a crash).</summary>
    public int Attempts { get; init; }

    /// <summary>When the current lease expires, while <see cref="OutboxItemState.Leased"/>.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The precondition the item waits for, while <see cref="OutboxItemState.Waiting"/>.</summary>
    public string? WaitingFor { get; init; }

    /// <summary>Why the item is held, if it is.</summary>
    public string? HoldReason { get; init; }

    /// <summary>The error code of the last failure (a dead letter's reason code), if any.</summary>
    public string? LastErrorCode { get; init; }

    /// <summary>The message of the last failure (a dead letter's reason), if any.</summary>
    public string? LastError { get; init; }

    /// <summary>When the item reached <see cref="OutboxItemState.Sent"/>, <see cref="OutboxItemState.Dead"/> or
    /// <see cref="OutboxItemState.Cancelled"/>.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The payload size in bytes, as stored (encrypted size when encrypted).</summary>
    public long PayloadSize { get; init; }

    /// <summary>The id of the key that encrypts the payload, or <see langword="null"/> when stored in clear.</summary>
    public string? PayloadKeyId { get; init; }
}

/// <summary>A filter for <see cref="IOutbox.QueryAsync"/>. Unset fields do not filter.</summary>
public sealed class OutboxQuery
{
    /// <summary>Only items in this state.</summary>
    public OutboxItemState? State { get; init; }

    /// <summary>Only items with this kind.</summary>
    public string? Kind { get; init; }

    /// <summary>Only items of this partition (patient).</summary>
    public string? PartitionKey { get; init; }

    /// <summary>Only items for this target.</summary>
    public string? Target { get; init; }

    /// <summary>Only the item with this idempotency key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>At most this many items, oldest first. <value>Default: 100.</value></summary>
    public int Limit { get; init; } = 100;
}

/// <summary>Counts of the queue, for status screens and metrics.</summary>
public sealed record OutboxStatistics
{
    /// <summary>Items per state.</summary>
    public IReadOnlyDictionary<OutboxItemState, long> CountByState { get; init; } = new Dictionary<OutboxItemState, long>();

    /// <summary>Items not yet finished: ready, held, leased and waiting.</summary>
    public long Pending { get; init; }

    /// <summary>When the oldest pending item was enqueued, if any.</summary>
    public DateTimeOffset? OldestPendingCreatedAt { get; init; }

    /// <summary>The earliest time a ready item may be attempted, if any.</summary>
    public DateTimeOffset? NextDueAt { get; init; }
}
