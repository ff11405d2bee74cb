namespace Segur.Outbox;

/// <summary>
/// The durable deferred send queue: hand it a work item and it is on disk when the call returns; an
/// <see cref="OutboxProcessor"/> then sends it as soon as possible, in order per partition, retrying transient failures
/// and waiting for missing preconditions (network, card, token).
/// </summary>
public interface IOutbox
{
    /// <summary>Stores a work item durably, unless an item with the same idempotency key is pending or sent.</summary>
    /// <param name="request">The item.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The durable operation id, and whether the item was a duplicate.</returns>
    /// <exception cref="SegurException">The storage failed (full, read-only, unavailable) or the payload is too large;
    /// nothing was stored.</exception>
    Task<OutboxEnqueueResult> EnqueueAsync(OutboxEnqueueRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads one item.</summary>
    /// <param name="id">The operation id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item, or <see langword="null"/> when unknown (or purged).</returns>
    Task<OutboxItem?> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Lists items by state, kind, partition (patient), target or idempotency key, oldest first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The items.</returns>
    Task<IReadOnlyList<OutboxItem>> QueryAsync(OutboxQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts the queue.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The statistics.</returns>
    Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Releases a held item so it is sent.</summary>
    /// <param name="id">The operation id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item after the change.</returns>
    /// <exception cref="SegurException">Unknown item or not held.</exception>
    Task<OutboxItem> ReleaseAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Cancels an item that is not being sent and not sent yet.</summary>
    /// <param name="id">The operation id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item after the change.</returns>
    /// <exception cref="SegurException">Unknown item, or being sent, sent or already cancelled.</exception>
    Task<OutboxItem> CancelAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Lists dead letters (items that failed permanently), oldest first, with their reason.</summary>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The dead letters.</returns>
    Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Puts a dead letter back in the queue with its attempts reset.</summary>
    /// <param name="id">The operation id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item after the change.</returns>
    /// <exception cref="SegurException">Unknown item, not dead, or its idempotency key is used by another item.</exception>
    Task<OutboxItem> RequeueAsync(Guid id, CancellationToken cancellationToken = default);
}
