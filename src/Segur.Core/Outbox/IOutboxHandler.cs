namespace Segur.Outbox;

/// <summary>
/// Sends the items of one kind. Return normally when the receiver accepted the item. Throw a transient
/// <see cref="SegurException"/> (<see cref="SegurException.IsTransient"/>) to retry later with back-off, an
/// <see cref="OutboxPreconditionNotMetException"/> (before sending anything) to wait for the network, the card or a
/// token, or any other <see cref="SegurException"/> for a permanent refusal (the item becomes a dead letter).
/// </summary>
/// <remarks>
/// Delivery is at least once: when <see cref="OutboxAttemptContext.IsRetry"/> is set, an earlier attempt may have
/// reached the receiver (the process crashed, or the answer was lost), so ask the service whether it already has the
/// item (for the DMP: a search by document uniqueId) before sending again.
/// </remarks>
public interface IOutboxHandler
{
    /// <summary>The kind this handler sends.</summary>
    string Kind { get; }

    /// <summary>Sends one item.</summary>
    /// <param name="context">The item, its payload and whether this is a retry.</param>
    /// <param name="cancellationToken">Cancelled when the lease is about to expire or the processor stops.</param>
    /// <returns>A task that completes when the receiver accepted the item.</returns>
    Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default);
}

/// <summary>What a handler gets for one attempt.</summary>
public sealed class OutboxAttemptContext
{
    internal OutboxAttemptContext(OutboxItem item, ReadOnlyMemory<byte> payload, bool previousLeaseExpired)
    {
        Item = item;
        Payload = payload;
        PreviousLeaseExpired = previousLeaseExpired;
    }

    /// <summary>The item (its <see cref="OutboxItem.Id"/> is the durable operation id).</summary>
    public OutboxItem Item { get; }

    /// <summary>The decrypted payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>This attempt's number, from 1.</summary>
    public int Attempt => Item.Attempts;

    /// <summary>Whether an earlier attempt started, which may have reached the receiver: check with the service before
    /// sending again.</summary>
    public bool IsRetry => Item.Attempts > 1;

    /// <summary>Whether the previous attempt was cut short by a crash (its lease expired).</summary>
    public bool PreviousLeaseExpired { get; }

    /// <summary>Opens the payload as a read-only stream.</summary>
    /// <returns>A stream over <see cref="Payload"/>.</returns>
    public Stream OpenPayload() => new MemoryStream(Payload.ToArray(), writable: false);
}

/// <summary>Thrown by a handler, before sending anything, when a precondition (network, card, token) is missing: the item
/// waits until the <see cref="IOutboxPrecondition"/> of that name is satisfied again, without using up an attempt.</summary>
public sealed class OutboxPreconditionNotMetException : SegurException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="precondition">The precondition's name, as registered with the processor (for example <c>network</c>).</param>
    /// <param name="message">What is missing.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public OutboxPreconditionNotMetException(string precondition, string? message = null, Exception? innerException = null)
        : base(CoreErrorCodes.OutboxPreconditionNotMet, message ?? $"Waiting for the precondition '{precondition}'.", isTransient: true, innerException: innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(precondition);
        Precondition = precondition;
    }

    /// <summary>The precondition's name.</summary>
    public string Precondition { get; }
}

/// <summary>
/// Something items of some kinds need before they can be sent: the network, a CPS card in the reader, a valid token.
/// While it is not satisfied the processor leaves those items waiting; when <see cref="Changed"/> fires and it is
/// satisfied again they are sent at once (the processor also re-checks every <see cref="OutboxOptions.PollInterval"/>).
/// </summary>
public interface IOutboxPrecondition
{
    /// <summary>A short name, shown in <see cref="OutboxItem.WaitingFor"/> (for example <c>network</c>, <c>card</c>).</summary>
    string Name { get; }

    /// <summary>Whether it is met now. Must be cheap and must not block.</summary>
    bool IsSatisfied { get; }

    /// <summary>Raised when <see cref="IsSatisfied"/> may have changed.</summary>
    event EventHandler? Changed;

    /// <summary>Whether items of a kind need this precondition.</summary>
    /// <param name="kind">The item kind.</param>
    /// <returns><see langword="true"/> when the kind needs it.</returns>
    bool AppliesTo(string kind);
}

/// <summary>An <see cref="IOutboxPrecondition"/> the application sets (from a network-change, card-reader or token event).</summary>
public sealed class OutboxPrecondition : IOutboxPrecondition
{
    private readonly HashSet<string> _kinds;
    private volatile bool _satisfied;

    /// <summary>Creates the precondition.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="satisfied">Whether it is met at first.</param>
    /// <param name="kinds">The kinds that need it; none for every kind.</param>
    public OutboxPrecondition(string name, bool satisfied, params string[] kinds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(kinds);
        Name = name;
        _satisfied = satisfied;
        _kinds = new HashSet<string>(kinds, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public event EventHandler? Changed;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool IsSatisfied => _satisfied;

    /// <inheritdoc />
    public bool AppliesTo(string kind) => _kinds.Count == 0 || _kinds.Contains(kind);

    /// <summary>Sets whether the precondition is met, raising <see cref="Changed"/> when it changes.</summary>
    /// <param name="satisfied">The new value.</param>
    public void Set(bool satisfied)
    {
        if (_satisfied != satisfied)
        {
            _satisfied = satisfied;
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }
}

/// <summary>What happened to an item.</summary>
public enum OutboxOutcome
{
    /// <summary>Stored (or released or requeued) and ready.</summary>
    Enqueued = 0,

    /// <summary>Delivered.</summary>
    Sent = 1,

    /// <summary>Failed transiently; retried later.</summary>
    Retrying = 2,

    /// <summary>Failed permanently; now a dead letter.</summary>
    DeadLettered = 3,

    /// <summary>Waiting for a precondition.</summary>
    Waiting = 4,

    /// <summary>The lease expired before the attempt ended; another processor owns the item now.</summary>
    LeaseLost = 5,

    /// <summary>Put back without an attempt (its kind's circuit is open, or the processor is stopping).</summary>
    Deferred = 6,
}

/// <summary>Describes an outbox event.</summary>
public sealed class OutboxItemEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="id">The operation id.</param>
    /// <param name="kind">The item kind.</param>
    /// <param name="outcome">What happened.</param>
    /// <param name="attempt">The attempt number (0 before any).</param>
    /// <param name="errorCode">The error code of a failure, if any.</param>
    /// <param name="error">The error message of a failure, if any.</param>
    public OutboxItemEventArgs(Guid id, string kind, OutboxOutcome outcome, int attempt, string? errorCode, string? error)
    {
        Id = id;
        Kind = kind;
        Outcome = outcome;
        Attempt = attempt;
        ErrorCode = errorCode;
        Error = error;
    }

    /// <summary>The operation id.</summary>
    public Guid Id { get; }

    /// <summary>The item kind.</summary>
    public string Kind { get; }

    /// <summary>What happened.</summary>
    public OutboxOutcome Outcome { get; }

    /// <summary>The attempt number (0 before any).</summary>
    public int Attempt { get; }

    /// <summary>The error code of a failure, if any.</summary>
    public string? ErrorCode { get; }

    /// <summary>The error message of a failure, if any.</summary>
    public string? Error { get; }
}
