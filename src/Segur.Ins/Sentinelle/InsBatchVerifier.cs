using Microsoft.Extensions.Logging;
using Segur.Ins.Insi;

namespace Segur.Ins.Sentinelle;

/// <summary>What a batch verification concluded for one record.</summary>
public enum RecordVerificationOutcome
{
    /// <summary>INSi confirmed the INS and traits (<c>00</c>).</summary>
    Confirmed,

    /// <summary>INSi did not confirm them; with <see cref="SentinelleOptions.ApplyVerificationFailures"/> the INS was
    /// removed from the record (RECUP→PROV, QUAL→VALI) and the record saved.</summary>
    NotConfirmed,

    /// <summary>Nothing to verify: the record holds no INS, or INSi may not be called (doubtful, fictitious).</summary>
    Skipped,

    /// <summary>The record is not in the directory.</summary>
    NotFound,

    /// <summary>The verification failed (<see cref="RecordVerification.ErrorCode"/>, <see cref="RecordVerification.IsTransient"/>).</summary>
    Error,

    /// <summary>The batch was cancelled before this record was verified: verify it again later.</summary>
    Cancelled,
}

/// <summary>The result of one record of a batch.</summary>
public sealed class RecordVerification
{
    internal RecordVerification(string recordId, RecordVerificationOutcome outcome)
    {
        RecordId = recordId;
        Outcome = outcome;
    }

    /// <summary>The record id.</summary>
    public string RecordId { get; }

    /// <summary>The outcome.</summary>
    public RecordVerificationOutcome Outcome { get; }

    /// <summary>The INSi return code, or <see langword="null"/> when INSi did not answer.</summary>
    public string? ReturnCode { get; internal init; }

    /// <summary>The request's <c>wsa:MessageID</c>, or <see langword="null"/>.</summary>
    public string? MessageId { get; internal init; }

    /// <summary>The RNIV status before, or <see langword="null"/> when the record was not read.</summary>
    public IdentityStatus? PreviousStatus { get; internal init; }

    /// <summary>The RNIV status after, or <see langword="null"/> when the record was not read.</summary>
    public IdentityStatus? Status { get; internal init; }

    /// <summary>The error, or <see langword="null"/>.</summary>
    public SegurException? Error { get; internal init; }

    /// <summary>The error code, or <see langword="null"/>.</summary>
    public string? ErrorCode => Error?.ErrorCode;

    /// <summary>Whether the error is transient.</summary>
    public bool IsTransient => Error?.IsTransient ?? false;
}

/// <summary>Progress of a batch verification.</summary>
/// <param name="Completed">How many records are done.</param>
/// <param name="Total">How many records the batch holds.</param>
/// <param name="Last">The record just done.</param>
public sealed record BatchVerificationProgress(int Completed, int Total, RecordVerification Last);

/// <summary>The results of a batch verification: one entry per distinct record id, in input order.</summary>
public sealed class BatchVerificationReport
{
    internal BatchVerificationReport(IReadOnlyList<RecordVerification> results, bool isCancelled)
    {
        Results = results;
        IsCancelled = isCancelled;
    }

    /// <summary>One result per distinct record id, in input order; none is missing, even after cancellation.</summary>
    public IReadOnlyList<RecordVerification> Results { get; }

    /// <summary>Whether the batch was cancelled (unverified records are <see cref="RecordVerificationOutcome.Cancelled"/>).</summary>
    public bool IsCancelled { get; }

    /// <summary>How many records had an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The count.</returns>
    public int Count(RecordVerificationOutcome outcome) => Results.Count(r => r.Outcome == outcome);
}

/// <summary>
/// Verifies many records' INS with INSi (WS_INS3, <see cref="InsiClient.VerifyAsync"/>) with bounded concurrency
/// (<see cref="SentinelleOptions.BatchMaxConcurrency"/>) and a rate limit shared by every batch of this instance
/// (<see cref="SentinelleOptions.BatchPermitsPerPeriod"/> per <see cref="SentinelleOptions.BatchRatePeriod"/>, on the
/// options' <see cref="TimeProvider"/>). Each record gets a result, even when the batch is cancelled. Thread-safe.
/// </summary>
public sealed partial class InsBatchVerifier
{
    private readonly InsiClient _insi;
    private readonly IPatientDirectory _directory;
    private readonly SentinelleOptions _options;
    private readonly TokenBucket _bucket;
    private readonly ILogger _logger;

    /// <summary>Creates a verifier.</summary>
    /// <param name="insi">The INSi client.</param>
    /// <param name="directory">The patient store.</param>
    /// <param name="options">The settings; default: <see cref="SentinelleOptions"/> defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="insi"/> or <paramref name="directory"/> is null.</exception>
    /// <exception cref="SegurValidationException">The options are invalid (<c>SGR-1601</c>).</exception>
    public InsBatchVerifier(InsiClient insi, IPatientDirectory directory, SentinelleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(insi);
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new SentinelleOptions();
        options.ThrowIfInvalid();
        _insi = insi;
        _directory = directory;
        _options = options;
        _bucket = new TokenBucket(options.BatchPermitsPerPeriod, options.BatchRatePeriod, options.TimeProvider);
        _logger = options.LoggerFactory.CreateLogger<InsBatchVerifier>();
    }

    /// <summary>Verifies the records. Cancellation does not throw: the report lists the records not verified as
    /// <see cref="RecordVerificationOutcome.Cancelled"/> and <see cref="BatchVerificationReport.IsCancelled"/> is set.</summary>
    /// <param name="recordIds">The record ids (duplicates are verified once).</param>
    /// <param name="progress">Receives progress after each record, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the batch.</param>
    /// <returns>One result per distinct record id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recordIds"/> is null.</exception>
    /// <exception cref="ArgumentException">An id is null or empty.</exception>
    public async Task<BatchVerificationReport> VerifyAsync(IEnumerable<string> recordIds, IProgress<BatchVerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordIds);
        var ids = recordIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("A record id is null or empty.", nameof(recordIds));
        }

        var results = new RecordVerification[ids.Count];
        var next = -1;
        var completed = 0;
        async Task WorkAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                var result = await VerifyOneAsync(ids[i], cancellationToken).ConfigureAwait(false);
                results[i] = result;
                var done = Interlocked.Increment(ref completed);
                progress?.Report(new BatchVerificationProgress(done, ids.Count, result));
            }
        }

        var workers = Enumerable.Range(0, Math.Min(_options.BatchMaxConcurrency, ids.Count)).Select(_ => Task.Run(WorkAsync, CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
        var report = new BatchVerificationReport(results, cancellationToken.IsCancellationRequested);
        var notConfirmed = report.Count(RecordVerificationOutcome.NotConfirmed);
        LogBatchDone(_logger, ids.Count, notConfirmed, report.IsCancelled);
        return report;
    }

    private async Task<RecordVerification> VerifyOneAsync(string id, CancellationToken cancellationToken)
    {
        IdentityStatus? before = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = await _directory.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return new RecordVerification(id, RecordVerificationOutcome.NotFound);
            }

            var record = IdentityRecord.FromState(stored.Identity, _options.IdentityRecordOptions);
            before = record.Status;
            if (!record.HasIns || !record.CanCallInsi)
            {
                return new RecordVerification(id, RecordVerificationOutcome.Skipped) { PreviousStatus = before, Status = before };
            }

            var ins = record.GetInsForInsiVerification();
            await _bucket.AcquireAsync(cancellationToken).ConfigureAwait(false);
            var answer = await _insi.VerifyAsync(ins, record.Traits, cancellationToken).ConfigureAwait(false);
            var outcome = answer.IsConfirmed ? RecordVerificationOutcome.Confirmed : RecordVerificationOutcome.NotConfirmed;
            if (!answer.IsConfirmed && _options.ApplyVerificationFailures)
            {
                record.RecordInsiVerificationFailure();
                await _directory.SaveAsync(stored.WithIdentity(record.ToState()), CancellationToken.None).ConfigureAwait(false);
            }

            await AuditAsync(id, outcome.ToString(), null, answer.ReturnCode).ConfigureAwait(false);
            return new RecordVerification(id, outcome)
            {
                ReturnCode = answer.ReturnCode,
                MessageId = answer.MessageId,
                PreviousStatus = before,
                Status = record.Status,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new RecordVerification(id, RecordVerificationOutcome.Cancelled) { PreviousStatus = before, Status = before };
        }
        catch (SegurException ex)
        {
            LogRecordFailed(_logger, id, ex.ErrorCode, ex.IsTransient);
            await AuditAsync(id, "error", ex.ErrorCode, null).ConfigureAwait(false);
            return new RecordVerification(id, RecordVerificationOutcome.Error) { Error = ex, PreviousStatus = before, Status = before };
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            var error = new SegurServiceException(InsErrorCodes.SentinelleCheckFailed, "The verification failed unexpectedly.", innerException: ex);
            LogRecordFailed(_logger, id, error.ErrorCode, false);
            return new RecordVerification(id, RecordVerificationOutcome.Error) { Error = error, PreviousStatus = before, Status = before };
        }
    }

    private ValueTask AuditAsync(string id, string outcome, string? errorCode, string? returnCode) =>
        SentinelleAudit.WriteAsync(_options, _logger, "ins.insi-verify", id, outcome, errorCode,
            returnCode is null ? null : new Dictionary<string, string> { ["returnCode"] = returnCode }, CancellationToken.None);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "INSi verification of record {RecordId} failed with {ErrorCode} (transient: {IsTransient})")]
    private static partial void LogRecordFailed(ILogger logger, string recordId, string errorCode, bool isTransient);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "INSi batch verification of {Count} records done: {NotConfirmed} not confirmed (cancelled: {Cancelled})")]
    private static partial void LogBatchDone(ILogger logger, int count, int notConfirmed, bool cancelled);
}
