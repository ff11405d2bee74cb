using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Segur.Diagnostics;
using Segur.Ins.Datamatrix;
using Segur.Ins.Insi;

namespace Segur.Ins.Sentinelle;

/// <summary>
/// The "Sentinelle" identity workflows over the editor's <see cref="IPatientDirectory"/> and an <see cref="InsiClient"/>:
/// a background INSi check whenever an unqualified record is opened (never blocking the caller), one-call
/// qualification once INSi agreed and an identity document was checked, and patient lookup from a scanned INS
/// Datamatrix or Vitale data. Thread-safe; one instance per application; dispose it to stop the workers.
/// </summary>
/// <remarks>
/// <para>Background checks go through a bounded queue (<see cref="SentinelleOptions.QueueCapacity"/>) served by
/// <see cref="SentinelleOptions.MaxConcurrentChecks"/> workers; concurrent opens of one record share one check.</para>
/// <para>Telemetry: log events 2100–2119 on category <c>Segur.Ins.Sentinelle.SentinelleService</c>; audit actions
/// <c>ins.insi-check</c>, <c>ins.qualify</c> when <see cref="SentinelleOptions.AuditTrail"/> is set. Names and INS are
/// logged only with <see cref="SegurClientOptions.EnableSensitiveDataLogging"/>.</para>
/// </remarks>
public sealed partial class SentinelleService : IAsyncDisposable, IDisposable
{
    private readonly InsiClient _insi;
    private readonly IPatientDirectory _directory;
    private readonly SentinelleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<InsiCheck> _queue;
    private readonly ConcurrentDictionary<string, InsiCheck> _inflight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InsiCheckOutcome> _latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _subscribersGate = new();
    private readonly List<Channel<InsiCheckOutcome>> _subscribers = [];
    private readonly Task[] _workers;
    private int _disposed;

    /// <summary>Creates the service and starts its background workers.</summary>
    /// <param name="insi">The INSi client.</param>
    /// <param name="directory">The editor's patient store.</param>
    /// <param name="options">The settings; default: <see cref="SentinelleOptions"/> defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="insi"/> or <paramref name="directory"/> is null.</exception>
    /// <exception cref="SegurValidationException">The options are invalid (<c>SGR-1601</c>, every problem listed).</exception>
    public SentinelleService(InsiClient insi, IPatientDirectory directory, SentinelleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(insi);
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new SentinelleOptions();
        options.ThrowIfInvalid();
        _insi = insi;
        _directory = directory;
        _options = options;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger<SentinelleService>();
        _queue = Channel.CreateBounded<InsiCheck>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = options.MaxConcurrentChecks == 1,
        });
        _workers = Enumerable.Range(0, options.MaxConcurrentChecks).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>Raised on a worker thread when a background check finished (any outcome but
    /// <see cref="InsiCheckKind.Skipped"/>). Handlers must be quick; an exception they throw is logged and ignored.</summary>
    public event EventHandler<InsiCheckOutcome>? CheckCompleted;

    /// <summary>How many checks are queued or running.</summary>
    public int PendingChecks => _inflight.Count;

    /// <summary>Call when the user opens a patient record: if its identity is not qualified (and INSi may be called),
    /// an INSi check is queued and this returns at once; it never waits for INSi nor for queue space.</summary>
    /// <param name="record">The record as opened.</param>
    /// <returns>The check (its <see cref="InsiCheck.Status"/> says whether it was queued, joined, not needed or rejected).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="SegurValidationException">The record's identity state breaks an RNIV invariant
    /// (<see cref="InsErrorCodes.RecordStateInvalid"/>…).</exception>
    public InsiCheck OnRecordOpened(PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var identity = IdentityRecord.FromState(record.Identity, _options.IdentityRecordOptions);
        if (!identity.CanCallInsi || identity.Status == IdentityStatus.Qualifiee)
        {
            var skipped = new InsiCheck(record.Id, identity.CanCallInsi ? InsiCheckStatus.NotNeeded : InsiCheckStatus.NotAllowed, null);
            skipped.Complete(new InsiCheckOutcome(record.Id, InsiCheckKind.Skipped, _time.GetUtcNow()) { Status = identity.Status });
            return skipped;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return Reject(record.Id, InsErrorCodes.SentinelleStopped, "The Sentinelle service is stopped.", transient: false);
        }

        while (true)
        {
            if (_inflight.TryGetValue(record.Id, out var existing))
            {
                return existing.Join();
            }

            var check = new InsiCheck(record.Id, InsiCheckStatus.Queued, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            if (!_inflight.TryAdd(record.Id, check))
            {
                check.Complete(new InsiCheckOutcome(record.Id, InsiCheckKind.Cancelled, _time.GetUtcNow()));
                continue;
            }

            if (_queue.Writer.TryWrite(check))
            {
                LogQueued(_logger, record.Id);
                return check;
            }

            _inflight.TryRemove(new KeyValuePair<string, InsiCheck>(record.Id, check));
            check.Complete(new InsiCheckOutcome(record.Id, InsiCheckKind.Cancelled, _time.GetUtcNow()));
            return Volatile.Read(ref _disposed) != 0
                ? Reject(record.Id, InsErrorCodes.SentinelleStopped, "The Sentinelle service is stopped.", transient: false)
                : Reject(record.Id, InsErrorCodes.SentinelleQueueFull, "The background INSi queue is full; open the record again later.", transient: true);
        }
    }

    /// <summary>The outcomes of background checks as they complete, for this subscriber, until cancelled or the
    /// service stops. A subscriber that falls more than 1,000 outcomes behind loses the oldest.</summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The outcomes.</returns>
    public async IAsyncEnumerable<InsiCheckOutcome> ReadOutcomesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<InsiCheckOutcome>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_subscribersGate)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                yield break;
            }

            _subscribers.Add(channel);
        }

        try
        {
            await foreach (var outcome in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return outcome;
            }
        }
        finally
        {
            lock (_subscribersGate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>The latest published outcome for a record (kept for <see cref="QualifyAsync"/>), or <see langword="null"/>.</summary>
    /// <param name="recordId">The record id.</param>
    /// <returns>The outcome.</returns>
    public InsiCheckOutcome? GetLatestOutcome(string recordId)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        return _latest.TryGetValue(recordId, out var outcome) ? outcome : null;
    }

    /// <summary>Qualifies a record in one call: when a recent background check found the identity with the record's
    /// traits (<see cref="SentinelleOptions.AgreementValidity"/>) and a high-trust identity document (or the exception
    /// procedure) is given, applies the INSi identity and the check through <see cref="IdentityRecord.Qualify"/>, saves
    /// the record and writes <c>ins.qualify</c> to the audit trail. Refusals are audited too.</summary>
    /// <param name="recordId">The record id.</param>
    /// <param name="evidence">What the professional checked, or <see langword="null"/> (refused).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The saved, qualified record and its shareable INS.</returns>
    /// <exception cref="SegurValidationException">No document (<see cref="InsErrorCodes.IdentityDocumentMissing"/>), not
    /// a high-trust document (<see cref="InsErrorCodes.IdentityDocumentNotHighTrust"/>), no recent INSi agreement
    /// (<see cref="InsErrorCodes.InsiAgreementMissing"/>), traits differ (<see cref="InsErrorCodes.InsiTraitsDiffer"/>),
    /// doubtful or fictitious identity (<see cref="InsErrorCodes.InsiForbidden"/>), OID not allowed.</exception>
    /// <exception cref="SegurServiceException">Unknown record (<see cref="InsErrorCodes.PatientNotFound"/>) or changed
    /// meanwhile (<see cref="InsErrorCodes.PatientRecordConflict"/>).</exception>
    public async Task<QualificationResult> QualifyAsync(string recordId, IdentityEvidence? evidence, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordId);
        try
        {
            var result = await QualifyCoreAsync(recordId, evidence, cancellationToken).ConfigureAwait(false);
            var details = new Dictionary<string, string>
            {
                ["previousStatus"] = result.PreviousStatus.ToCode(),
                ["status"] = result.Status.ToCode(),
                ["validationMode"] = evidence!.ValidationMode,
                ["exceptionProcedure"] = evidence.IsExceptionProcedure ? "true" : "false",
            };
            if (evidence.Justification is { } justification)
            {
                details["justification"] = justification;
            }

            if (_latest.TryGetValue(recordId, out var agreed) && agreed.MessageId is { } messageId)
            {
                details["insiMessageId"] = messageId;
            }

            await AuditAsync("ins.qualify", recordId, "success", null, details, cancellationToken).ConfigureAwait(false);
            LogQualified(_logger, recordId, result.PreviousStatus);
            return result;
        }
        catch (SegurException ex)
        {
            LogQualificationRefused(_logger, recordId, ex.ErrorCode);
            await AuditAsync("ins.qualify", recordId, "refused", ex.ErrorCode, null, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Finds the patient of a scanned INS Datamatrix: by INS first, then by traits; reports found, not found,
    /// traits differ and several. A scan does not qualify anything.</summary>
    /// <param name="scannedContent">The scanner's text (an AIM prefix such as <c>]d1</c> and a trailing CR/LF are accepted).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>What was found.</returns>
    /// <exception cref="SegurValidationException">The content is not an INS Datamatrix (<c>SGR-2060</c>…<c>SGR-2065</c>,
    /// matricule and trait codes).</exception>
    public async Task<PatientLookup> FindFromDatamatrixAsync(string scannedContent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scannedContent);
        var scanned = InsDatamatrix.ParseContent(scannedContent);
        var byIns = await _directory.FindByInsAsync(scanned.Matricule!, cancellationToken).ConfigureAwait(false);
        if (byIns.Count > 0)
        {
            return Classify(PatientLookupKind.FoundByIns, byIns, r => TraitDifferences(r, scanned.Traits), scanned);
        }

        var byTraits = await _directory.FindByTraitsAsync(PatientSearch.FromTraits(scanned.Traits), cancellationToken).ConfigureAwait(false);
        return Classify(PatientLookupKind.FoundByTraits, byTraits, r =>
        {
            var differences = TraitDifferences(r, scanned.Traits).ToList();
            if (r.Identity.Ins is { } ins && !ins.Matricule.Equals(scanned.Matricule))
            {
                differences.Insert(0, "ins");
            }

            return differences;
        }, scanned);
    }

    /// <summary>Finds the patient of Vitale data: by the beneficiary's own NIR when given, then by last name, first
    /// name and birth date; reports found, not found, traits differ and several.</summary>
    /// <param name="vitale">The beneficiary read from the card.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>What was found (<see cref="PatientLookup.ScannedIdentity"/> is null).</returns>
    public async Task<PatientLookup> FindFromVitaleAsync(VitaleIdentity vitale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vitale);
        var search = vitale.ToSearch();
        if (vitale.BeneficiaryNir is { } nir)
        {
            var byIns = await _directory.FindByInsAsync(nir, cancellationToken).ConfigureAwait(false);
            if (byIns.Count > 0)
            {
                return Classify(PatientLookupKind.FoundByIns, byIns, r => SearchDifferences(r, search), null);
            }
        }

        var byTraits = await _directory.FindByTraitsAsync(search, cancellationToken).ConfigureAwait(false);
        return Classify(PatientLookupKind.FoundByTraits, byTraits, r => SearchDifferences(r, search), null);
    }

    /// <summary>Searches INSi with Vitale data (WS_INS1), adding the "assertion Vitale" from
    /// <see cref="SentinelleOptions.VitaleAssertionProvider"/> when configured.</summary>
    /// <param name="vitale">The beneficiary read from the card.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The INSi answer; apply a found identity with <see cref="IdentityRecord.ApplyInsiResult"/>.</returns>
    /// <exception cref="InsiFaultException">INSi answered with a fault.</exception>
    /// <exception cref="SegurTransportException">The network failed, after retries.</exception>
    public async Task<InsiSearchResult> SearchInsiWithVitaleAsync(VitaleIdentity vitale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vitale);
        var assertion = _options.VitaleAssertionProvider is { } provider
            ? await provider.GetAssertionXmlAsync(vitale, cancellationToken).ConfigureAwait(false)
            : null;
        return await _insi.SearchWithVitaleAsync(vitale.ToInsiQuery(assertion), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the workers: queued and running checks complete as <see cref="InsiCheckKind.Cancelled"/>.</summary>
    /// <returns>A task completing when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        finally
        {
            lock (_subscribersGate)
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Writer.TryComplete();
                }
            }

            _stopping.Dispose();
        }
    }

    /// <summary>Stops the workers (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static IReadOnlyList<string> TraitDifferences(PatientRecord record, InsTraits scanned) =>
        record.Identity.Traits.DifferencesFrom(scanned);

    private static List<string> SearchDifferences(PatientRecord record, PatientSearch search)
    {
        var differences = new List<string>();
        var traits = record.Identity.Traits;
        if (!new PatientSearch(search.BirthName, traits.FirstName, traits.BirthDate).Matches(traits))
        {
            differences.Add("birthName");
        }

        if (!new PatientSearch(traits.BirthName, search.FirstName, traits.BirthDate).Matches(traits))
        {
            differences.Add("firstName");
        }

        if (!traits.BirthDate.Equals(search.BirthDate))
        {
            differences.Add("birthDate");
        }

        return differences;
    }

    private static PatientLookup Classify(PatientLookupKind foundKind, IReadOnlyList<PatientRecord> candidates, Func<PatientRecord, IReadOnlyList<string>> differences, InsIdentity? scanned)
    {
        switch (candidates.Count)
        {
            case 0:
                return new PatientLookup(PatientLookupKind.NotFound, [], [], scanned);
            case 1:
                var diff = differences(candidates[0]);
                return new PatientLookup(diff.Count == 0 ? foundKind : PatientLookupKind.TraitsDiffer, candidates, diff, scanned);
            default:
                return new PatientLookup(PatientLookupKind.Several, candidates, [], scanned);
        }
    }

    private async Task<QualificationResult> QualifyCoreAsync(string recordId, IdentityEvidence? evidence, CancellationToken cancellationToken)
    {
        if (evidence is null)
        {
            throw new SegurValidationException(InsErrorCodes.IdentityDocumentMissing,
                "Qualification needs the identity document checked (passport, identity card, residence permit…) or the documented exception procedure.")
            { Field = nameof(evidence) };
        }

        if (!evidence.IsExceptionProcedure && !_options.HighTrustModes.Contains(evidence.ValidationMode))
        {
            throw new SegurValidationException(InsErrorCodes.IdentityDocumentNotHighTrust,
                $"The validation mode {evidence.ValidationMode} is not a high-trust identity document ({string.Join(", ", _options.HighTrustModes.Order(StringComparer.Ordinal))}); use the exception procedure if your identity-vigilance policy allows it.")
            { Field = nameof(evidence) };
        }

        var stored = await LoadAsync(recordId, cancellationToken).ConfigureAwait(false);
        var record = IdentityRecord.FromState(stored.Identity, _options.IdentityRecordOptions);
        record.EnsureInsiAllowed();
        var previous = record.Status;
        if (previous == IdentityStatus.Qualifiee)
        {
            return new QualificationResult(stored, previous, record.GetShareableIns());
        }

        var agreed = RecentAgreement(recordId, record);
        var outcome = record.Qualify(agreed, evidence.ToCheck(_time.GetUtcNow()));
        if (outcome.Discrepancies.Count > 0 || record.Status != IdentityStatus.Qualifiee)
        {
            throw TraitsDiffer(outcome.Discrepancies);
        }

        var saved = await _directory.SaveAsync(stored.WithIdentity(record.ToState()), cancellationToken).ConfigureAwait(false);
        return new QualificationResult(saved, previous, record.GetShareableIns());
    }

    private InsIdentity RecentAgreement(string recordId, IdentityRecord record)
    {
        if (!_latest.TryGetValue(recordId, out var latest) || latest.Identity is null
            || latest.Kind is not (InsiCheckKind.FoundTraitsMatch or InsiCheckKind.FoundTraitsDiffer))
        {
            throw new SegurValidationException(InsErrorCodes.InsiAgreementMissing,
                "No INSi answer found this identity yet: open the record (background INSi check) and wait for a matching result.")
            { Field = "insi" };
        }

        if (_time.GetUtcNow() - latest.CheckedAt > _options.AgreementValidity)
        {
            throw new SegurValidationException(InsErrorCodes.InsiAgreementMissing,
                $"The last INSi answer is older than {_options.AgreementValidity}: open the record again to check it with INSi.")
            { Field = "insi" };
        }

        var differences = record.Traits.DifferencesFrom(latest.Identity.Traits);
        if (differences.Count > 0)
        {
            throw TraitsDiffer(differences);
        }

        return latest.Identity;
    }

    private static SegurValidationException TraitsDiffer(IReadOnlyList<string> differences) =>
        new(InsErrorCodes.InsiTraitsDiffer,
            $"INSi returned traits that differ from the record ({string.Join(", ", differences)}): check them on the identity document, correct the record, and let INSi check again.")
        { Field = "traits" };

    private async Task<PatientRecord> LoadAsync(string recordId, CancellationToken cancellationToken) =>
        await _directory.GetAsync(recordId, cancellationToken).ConfigureAwait(false)
        ?? throw new SegurServiceException(InsErrorCodes.PatientNotFound, "The patient record is not in the directory.");

    private InsiCheck Reject(string recordId, string code, string message, bool transient)
    {
        var check = new InsiCheck(recordId, InsiCheckStatus.Rejected, null);
        var outcome = new InsiCheckOutcome(recordId, InsiCheckKind.Error, _time.GetUtcNow())
        {
            Error = new SegurServiceException(code, message, isTransient: transient),
        };
        LogRejected(_logger, recordId, code);
        Publish(outcome);
        check.Complete(outcome);
        return check;
    }

    private async Task WorkAsync()
    {
        await foreach (var check in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            InsiCheckOutcome outcome;
            try
            {
                outcome = await RunCheckAsync(check).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                outcome = new InsiCheckOutcome(check.RecordId, InsiCheckKind.Error, _time.GetUtcNow())
                {
                    Error = new SegurServiceException(InsErrorCodes.SentinelleCheckFailed, "The background INSi check failed unexpectedly.", innerException: ex),
                };
            }

            _inflight.TryRemove(new KeyValuePair<string, InsiCheck>(check.RecordId, check));
            if (outcome.Kind != InsiCheckKind.Skipped)
            {
                Publish(outcome);
            }

            check.Complete(outcome);
        }
    }

    private async Task<InsiCheckOutcome> RunCheckAsync(InsiCheck check)
    {
        var id = check.RecordId;
        var cancellationToken = check.Token;
        IdentityStatus? status = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = await LoadAsync(id, cancellationToken).ConfigureAwait(false);
            var record = IdentityRecord.FromState(stored.Identity, _options.IdentityRecordOptions);
            status = record.Status;
            if (!record.CanCallInsi || record.Status == IdentityStatus.Qualifiee)
            {
                return new InsiCheckOutcome(id, InsiCheckKind.Skipped, _time.GetUtcNow()) { Status = status };
            }

            var result = _options.UseFirstNameStrategy
                ? await _insi.SearchWithFirstNameStrategyAsync(record.Traits, cancellationToken).ConfigureAwait(false)
                : await _insi.SearchByTraitsAsync(InsiTraitsQuery.FromTraits(record.Traits), cancellationToken).ConfigureAwait(false);
            var outcome = await ConcludeAsync(stored, record, result, cancellationToken).ConfigureAwait(false);
            LogChecked(_logger, id, outcome.Kind, result.ReturnCode);
            await AuditAsync("ins.insi-check", id, outcome.Kind.ToString(), null, new Dictionary<string, string>
            {
                ["returnCode"] = result.ReturnCode,
                ["messageId"] = result.MessageId,
                ["recordUpdated"] = outcome.RecordUpdated ? "true" : "false",
            }, CancellationToken.None).ConfigureAwait(false);
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new InsiCheckOutcome(id, InsiCheckKind.Cancelled, _time.GetUtcNow()) { Status = status };
        }
        catch (SegurException ex)
        {
            LogCheckFailed(_logger, id, ex.ErrorCode, ex.IsTransient);
            await AuditAsync("ins.insi-check", id, "error", ex.ErrorCode, null, CancellationToken.None).ConfigureAwait(false);
            return new InsiCheckOutcome(id, InsiCheckKind.Error, _time.GetUtcNow()) { Error = ex, Status = status };
        }
    }

    private async Task<InsiCheckOutcome> ConcludeAsync(PatientRecord stored, IdentityRecord record, InsiSearchResult result, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (result.Outcome != InsiSearchOutcome.Found || result.Identity is null)
        {
            var kind = result.Outcome == InsiSearchOutcome.Several ? InsiCheckKind.Several : InsiCheckKind.NotFound;
            var missed = new InsiCheckOutcome(stored.Id, kind, now)
            {
                NextStep = result.NextStep,
                ReturnCode = result.ReturnCode,
                MessageId = result.MessageId,
                Status = record.Status,
            };
            Remember(missed);
            return missed;
        }

        var differences = record.Traits.DifferencesFrom(result.Identity.Traits);
        var updated = false;
        if (differences.Count == 0 && _options.ApplyMatchingResults)
        {
            record.ApplyInsiResult(result.Identity);
            try
            {
                await _directory.SaveAsync(stored.WithIdentity(record.ToState()), cancellationToken).ConfigureAwait(false);
                updated = true;
            }
            catch (SegurServiceException ex) when (ex.ErrorCode == InsErrorCodes.PatientRecordConflict)
            {
                // The user changed the record meanwhile: never overwrite; the outcome still tells what INSi said.
                LogNotApplied(_logger, stored.Id);
                record = IdentityRecord.FromState(stored.Identity, _options.IdentityRecordOptions);
            }
        }

        var found = new InsiCheckOutcome(stored.Id, differences.Count == 0 ? InsiCheckKind.FoundTraitsMatch : InsiCheckKind.FoundTraitsDiffer, now)
        {
            Identity = result.Identity,
            Differences = differences,
            ReturnCode = result.ReturnCode,
            MessageId = result.MessageId,
            RecordUpdated = updated,
            Status = record.Status,
        };
        Remember(found);
        return found;
    }

    /// <summary>Keeps the latest answer per record for <see cref="QualifyAsync"/>; answers too old to qualify are
    /// dropped once many records were checked, so a long-running application does not grow without bound.</summary>
    private void Remember(InsiCheckOutcome outcome)
    {
        _latest[outcome.RecordId] = outcome;
        if (_latest.Count > 10_000)
        {
            var limit = _time.GetUtcNow() - _options.AgreementValidity;
            foreach (var entry in _latest.Where(e => e.Value.CheckedAt < limit).ToList())
            {
                _latest.TryRemove(entry);
            }
        }
    }

    private void Publish(InsiCheckOutcome outcome)
    {
        lock (_subscribersGate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(outcome);
            }
        }

        if (CheckCompleted is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<InsiCheckOutcome>>())
        {
            try
            {
                handler(this, outcome);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogHandlerFailed(_logger, ex);
            }
        }
    }

    private ValueTask AuditAsync(string action, string recordId, string outcome, string? errorCode, IReadOnlyDictionary<string, string>? details, CancellationToken cancellationToken) =>
        SentinelleAudit.WriteAsync(_options, _logger, action, recordId, outcome, errorCode, details, cancellationToken);

    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "INSi check of record {RecordId} queued")]
    private static partial void LogQueued(ILogger logger, string recordId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "INSi check of record {RecordId} rejected: {ErrorCode}")]
    private static partial void LogRejected(ILogger logger, string recordId, string errorCode);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "INSi check of record {RecordId}: {Kind} (CodeCR {ReturnCode})")]
    private static partial void LogChecked(ILogger logger, string recordId, InsiCheckKind kind, string returnCode);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "INSi check of record {RecordId} failed with {ErrorCode} (transient: {IsTransient})")]
    private static partial void LogCheckFailed(ILogger logger, string recordId, string errorCode, bool isTransient);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "INSi result for record {RecordId} not applied: the record changed meanwhile")]
    private static partial void LogNotApplied(ILogger logger, string recordId);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Record {RecordId} qualified (was {PreviousStatus})")]
    private static partial void LogQualified(ILogger logger, string recordId, IdentityStatus previousStatus);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Qualification of record {RecordId} refused: {ErrorCode}")]
    private static partial void LogQualificationRefused(ILogger logger, string recordId, string errorCode);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Error, Message = "A CheckCompleted handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
