using Segur.Ins.Insi;

namespace Segur.Ins.Sentinelle;

/// <summary>What a background INSi check concluded.</summary>
public enum InsiCheckKind
{
    /// <summary>INSi found one identity and its traits match the record's; <see cref="InsiCheckOutcome.Identity"/> is set.
    /// The record may be qualified in one call with an identity document.</summary>
    FoundTraitsMatch,

    /// <summary>INSi found one identity but some traits differ (<see cref="InsiCheckOutcome.Differences"/>): check them
    /// against the identity document before anything else.</summary>
    FoundTraitsDiffer,

    /// <summary>INSi found nobody with any first-name variant: check the traits on the identity document.</summary>
    NotFound,

    /// <summary>Several identities match: follow <see cref="InsiCheckOutcome.NextStep"/> (add first names, then the
    /// birth place).</summary>
    Several,

    /// <summary>The check failed; <see cref="InsiCheckOutcome.ErrorCode"/> and <see cref="InsiCheckOutcome.IsTransient"/>
    /// say whether trying again later may help.</summary>
    Error,

    /// <summary>The check was cancelled (<see cref="InsiCheck.Cancel"/>, or the service stopped).</summary>
    Cancelled,

    /// <summary>No INSi call was needed or allowed (already qualified, doubtful or fictitious identity); never published.</summary>
    Skipped,
}

/// <summary>How <see cref="SentinelleService.OnRecordOpened"/> handled the request.</summary>
public enum InsiCheckStatus
{
    /// <summary>A background check was queued.</summary>
    Queued,

    /// <summary>A check of this record was already queued or running: this one shares it (one INSi call).</summary>
    Joined,

    /// <summary>The identity is already qualified: no call.</summary>
    NotNeeded,

    /// <summary>The identity is doubtful or fictitious: INSi may not be called.</summary>
    NotAllowed,

    /// <summary>The queue was full or the service stopped: an <see cref="InsiCheckKind.Error"/> outcome was published.</summary>
    Rejected,
}

/// <summary>A background INSi check of one record, as returned by <see cref="SentinelleService.OnRecordOpened"/>.
/// The outcome is also published through <see cref="SentinelleService.CheckCompleted"/> and
/// <see cref="SentinelleService.ReadOutcomesAsync"/>.</summary>
public sealed class InsiCheck
{
    private readonly TaskCompletionSource<InsiCheckOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource? _cancellation;

    internal InsiCheck(string recordId, InsiCheckStatus status, CancellationTokenSource? cancellation)
    {
        RecordId = recordId;
        Status = status;
        _cancellation = cancellation;
    }

    private InsiCheck(InsiCheck shared, InsiCheckStatus status)
    {
        RecordId = shared.RecordId;
        Status = status;
        _completion = shared._completion;
        _cancellation = shared._cancellation;
    }

    /// <summary>The record id.</summary>
    public string RecordId { get; }

    /// <summary>How the request was handled.</summary>
    public InsiCheckStatus Status { get; }

    /// <summary>Completes with the outcome (never faults; a failure is an <see cref="InsiCheckKind.Error"/> outcome).
    /// Awaiting it is optional: the UI may rely on the published outcomes instead.</summary>
    public Task<InsiCheckOutcome> Completion => _completion.Task;

    internal CancellationToken Token => _cancellation?.Token ?? CancellationToken.None;

    /// <summary>Cancels the check (for every opener sharing it), for example when the user closes the record.</summary>
    public void Cancel()
    {
        try
        {
            _cancellation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    internal InsiCheck Join() => new(this, InsiCheckStatus.Joined);

    internal void Complete(InsiCheckOutcome outcome)
    {
        _completion.TrySetResult(outcome);
        _cancellation?.Dispose();
    }
}

/// <summary>The outcome of a background INSi check.</summary>
public sealed class InsiCheckOutcome
{
    internal InsiCheckOutcome(string recordId, InsiCheckKind kind, DateTimeOffset checkedAt)
    {
        RecordId = recordId;
        Kind = kind;
        CheckedAt = checkedAt;
    }

    /// <summary>The record id.</summary>
    public string RecordId { get; }

    /// <summary>What the check concluded.</summary>
    public InsiCheckKind Kind { get; }

    /// <summary>When the check finished (service clock).</summary>
    public DateTimeOffset CheckedAt { get; }

    /// <summary>The identity INSi returned (found), or <see langword="null"/>. Personal data.</summary>
    public InsIdentity? Identity { get; internal init; }

    /// <summary>The record's traits that differ from INSi's (<c>birthName</c>, <c>givenNames</c>, <c>firstName</c>,
    /// <c>sex</c>, <c>birthDate</c>, <c>birthPlace</c>); empty unless <see cref="InsiCheckKind.FoundTraitsDiffer"/>.</summary>
    public IReadOnlyList<string> Differences { get; internal init; } = [];

    /// <summary>What to try next (several, not found).</summary>
    public InsiNextStep NextStep { get; internal init; }

    /// <summary>The INSi return code (<c>00</c>, <c>01</c>, <c>02</c>), or <see langword="null"/> when INSi did not answer.</summary>
    public string? ReturnCode { get; internal init; }

    /// <summary>The last request's <c>wsa:MessageID</c>, for traces, or <see langword="null"/>.</summary>
    public string? MessageId { get; internal init; }

    /// <summary>The error code (<c>SGR-…</c>) of an <see cref="InsiCheckKind.Error"/>, or <see langword="null"/>.</summary>
    public string? ErrorCode => Error?.ErrorCode;

    /// <summary>Whether the error is transient (INSi unavailable, queue full): trying again later may work.</summary>
    public bool IsTransient => Error?.IsTransient ?? false;

    /// <summary>The error, or <see langword="null"/>.</summary>
    public SegurException? Error { get; internal init; }

    /// <summary>Whether the result was applied to the record and saved (<see cref="SentinelleOptions.ApplyMatchingResults"/>).
    /// A record changed meanwhile by the user is not overwritten: this is then <see langword="false"/>.</summary>
    public bool RecordUpdated { get; internal init; }

    /// <summary>The record's RNIV status after the check, or <see langword="null"/> when the record was not read.</summary>
    public IdentityStatus? Status { get; internal init; }

    /// <summary>A description without personal data.</summary>
    /// <returns>The record id, kind and code.</returns>
    public override string ToString() => $"{RecordId} {Kind} {ReturnCode ?? ErrorCode}".TrimEnd();
}
