namespace Segur.Outbox;

/// <summary>
/// Where the outbox keeps its items. The default is <see cref="SqliteOutboxStore"/> (one SQLite file); implement this
/// interface to keep the queue in your own database. Every method that changes data must be atomic and durable before
/// its task completes (the item survives a crash or a power cut), and must never leave a change half-written.
/// </summary>
/// <remarks>
/// The store never reads a clock: times are passed in. Payloads arrive already encrypted when a key is configured.
/// Implementations must be safe for concurrent use. A contract test suite is in the SDK's repository
/// (<c>OutboxStoreContractTests</c>) to check a custom store.
/// </remarks>
public interface IOutboxStore
{
    /// <summary>Stores a new item unless an item with the same idempotency key is pending or sent.</summary>
    /// <param name="record">The item.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new item's id, or the existing item's id with <see cref="OutboxEnqueueResult.Duplicate"/> set.</returns>
    /// <exception cref="SegurException">The storage failed; nothing was written.</exception>
    Task<OutboxEnqueueResult> AddAsync(OutboxRecord record, CancellationToken cancellationToken = default);

    /// <summary>Reads one item, without its payload.</summary>
    /// <param name="id">The operation id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item, or <see langword="null"/> when unknown.</returns>
    Task<OutboxItem?> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Lists items matching a filter, oldest first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The matching items, without payloads.</returns>
    Task<IReadOnlyList<OutboxItem>> QueryAsync(OutboxQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts items per state and finds the oldest pending and the next due item.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The statistics.</returns>
    Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <see cref="OutboxAcquireRequest.MaxItems"/> items of <see cref="OutboxAcquireRequest.Kinds"/>, oldest first: ready items due at
    /// <see cref="OutboxAcquireRequest.Now"/> and leased items whose lease expired (their process crashed). An item is
    /// skipped while an older item of its partition is ready, leased or waiting. Each leased item gets a new lease
    /// token and its attempt count goes up by one.
    /// </summary>
    /// <param name="request">What to lease.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The leases, with payloads.</returns>
    Task<IReadOnlyList<OutboxLease>> AcquireAsync(OutboxAcquireRequest request, CancellationToken cancellationToken = default);

    /// <summary>Ends an attempt: the item becomes sent, ready again, dead or waiting, if its lease is still held.</summary>
    /// <param name="completion">The outcome.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the lease was lost (expired and taken by another processor).</returns>
    Task<bool> CompleteAsync(OutboxCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>Applies a user command (release, cancel, requeue) to an item.</summary>
    /// <param name="id">The operation id.</param>
    /// <param name="command">The command.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item after the change.</returns>
    /// <exception cref="SegurException"><see cref="CoreErrorCodes.OutboxItemNotFound"/>,
    /// <see cref="CoreErrorCodes.OutboxInvalidState"/> or <see cref="CoreErrorCodes.OutboxIdempotencyConflict"/>.</exception>
    Task<OutboxItem> ApplyAsync(Guid id, OutboxCommand command, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks every ready item of a kind as waiting for a precondition.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="precondition">The precondition's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many items changed.</returns>
    Task<int> MarkWaitingAsync(string kind, string precondition, CancellationToken cancellationToken = default);

    /// <summary>Makes every item waiting for a precondition ready again.</summary>
    /// <param name="precondition">The precondition's name.</param>
    /// <param name="now">The current time (the items' next attempt time).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many items changed.</returns>
    Task<int> ResumeWaitingAsync(string precondition, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes sent and cancelled items completed before a time.</summary>
    /// <param name="completedBefore">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many items were deleted.</returns>
    Task<int> PurgeAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default);
}

/// <summary>A new item as the store receives it (payload already encrypted when a key is configured).</summary>
public sealed record OutboxRecord
{
    /// <summary>The operation id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The kind.</summary>
    public required string Kind { get; init; }

    /// <summary>The stored payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The id of the key that encrypts <see cref="Payload"/>, or <see langword="null"/> when in clear.</summary>
    public string? PayloadKeyId { get; init; }

    /// <summary>The metadata.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The partition key, if any.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>The target, if any.</summary>
    public string? Target { get; init; }

    /// <summary>When it was enqueued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Not before this time.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Whether it starts held.</summary>
    public bool Held { get; init; }

    /// <summary>Why it is held.</summary>
    public string? HoldReason { get; init; }
}

/// <summary>What <see cref="IOutboxStore.AcquireAsync"/> leases.</summary>
public sealed record OutboxAcquireRequest
{
    /// <summary>At most this many items.</summary>
    public int MaxItems { get; init; } = 1;

    /// <summary>The current time.</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>How long the lease lasts.</summary>
    public TimeSpan LeaseDuration { get; init; }

    /// <summary>The kinds to lease (those with a handler, a closed circuit and met preconditions); other kinds stay
    /// where they are.</summary>
    public IReadOnlyCollection<string> Kinds { get; init; } = [];
}

/// <summary>A leased item and its payload.</summary>
/// <param name="Item">The item (state <see cref="OutboxItemState.Leased"/>, attempts already counted).</param>
/// <param name="LeaseToken">Proves the lease when completing.</param>
/// <param name="Payload">The stored payload (encrypted when <see cref="OutboxItem.PayloadKeyId"/> is set).</param>
/// <param name="LeaseWasExpired">Whether the item was taken over from an expired lease (a crashed attempt).</param>
public sealed record OutboxLease(OutboxItem Item, string LeaseToken, ReadOnlyMemory<byte> Payload, bool LeaseWasExpired);

/// <summary>How an attempt ended, for <see cref="IOutboxStore.CompleteAsync"/>.</summary>
public sealed record OutboxCompletion
{
    /// <summary>The operation id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The lease token from <see cref="OutboxLease.LeaseToken"/>.</summary>
    public required string LeaseToken { get; init; }

    /// <summary>The new state: <see cref="OutboxItemState.Sent"/>, <see cref="OutboxItemState.Ready"/> (retry),
    /// <see cref="OutboxItemState.Dead"/> or <see cref="OutboxItemState.Waiting"/>.</summary>
    public required OutboxItemState State { get; init; }

    /// <summary>The current time.</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>For a retry: when to try again.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>The failure's error code, if any.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The failure's message, if any.</summary>
    public string? Error { get; init; }

    /// <summary>For <see cref="OutboxItemState.Waiting"/>: the precondition's name.</summary>
    public string? WaitingFor { get; init; }

    /// <summary>For <see cref="OutboxItemState.Sent"/>: whether to keep the payload (otherwise it is erased).</summary>
    public bool KeepPayload { get; init; }

    /// <summary>Whether the attempt should not count (a precondition failed before anything was sent).</summary>
    public bool UncountAttempt { get; init; }
}

/// <summary>A user command on one item.</summary>
public enum OutboxCommand
{
    /// <summary>A held item becomes ready.</summary>
    Release = 0,

    /// <summary>A ready, held, waiting or dead item is cancelled.</summary>
    Cancel = 1,

    /// <summary>A dead item becomes ready again with its attempts reset.</summary>
    Requeue = 2,
}
