namespace Segur.Audit;

/// <summary>
/// Where the SDK writes the traces Ségur requires: one record per action (DMP, MSSanté, INSi…). The default,
/// <see cref="JsonLinesAuditTrail"/>, appends JSON lines to a file; editors may write to their own store.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Writes one record durably.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    /// <exception cref="SegurException">The record could not be stored (<c>SGR-1602</c>).</exception>
    ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default);
}

/// <summary>One traced action.</summary>
public sealed record AuditRecord
{
    /// <summary>When the action happened (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Who acted: a national identifier (<c>8</c>+RPPS), an organisation or a software name.</summary>
    public required string Actor { get; init; }

    /// <summary>What was done, e.g. <c>dmp.feed</c>, <c>insi.search</c>.</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to, e.g. a document id or a patient reference (avoid clear INS where not required).</summary>
    public string? Target { get; init; }

    /// <summary>The outcome, e.g. <c>success</c>, <c>failure</c>, <c>refused</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The error code when the action failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The correlation id (trace id, operation id) that links this record with logs and requests.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Extra details (reason for break-glass access, document type…).</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }
}
