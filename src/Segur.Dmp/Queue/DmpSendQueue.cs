using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using System.Xml;
using Microsoft.Extensions.Logging;
using Segur.Audit;
using Segur.Auth;
using Segur.Dmp.Access;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Outbox;
using Segur.Xml;

namespace Segur.Dmp.Queue;

/// <summary>
/// Automatic DMP feeding on the durable outbox: a document handed to <see cref="EnqueueAsync"/> is on disk before the
/// call returns and is sent by the application's <see cref="OutboxProcessor"/> as soon as the feeding rules, the
/// network, the card (DIRECTE) and the token allow; the professional can hold it back, release or cancel it. An
/// unchanged document is never queued or sent twice, versions of one setId go in order (a replacement waits for the
/// version it replaces and points at its entryUUID), and a retry after an unknown outcome first asks the DMP whether it
/// already has the document.
/// </summary>
/// <remarks>
/// Register <see cref="Handlers"/> and <see cref="Preconditions"/> with the outbox processor (done by
/// <c>AddSegurDmpQueue</c>), and call <see cref="Observe"/> with it to get every state change in
/// <see cref="ItemChanged"/> / <see cref="WatchAsync"/>. Stored in clear beside each document: its uniqueId, setId,
/// version, a content hash and a pseudonymous patient reference; the document and the patient's identity are in the
/// payload, encrypted when the outbox has a key.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The DMP send queue is the domain name (dmp.md §2.9).")]
public class DmpSendQueue
{
    private const string UniqueIdKey = "uniqueId";
    private const string SetIdKey = "setId";
    private const string VersionKey = "version";
    private const string HashKey = "hash";
    private const string PatientKey = "patient";
    private const string ReplacesKey = "replaces";
    private const string EntryUuidKey = "entryUuid";
    private const string RegistryErrorsKey = "registryErrors";
    private const string Target = "dmp";
    private const int PartitionScan = 10_000;

    private readonly IOutbox _outbox = null!;
    private readonly IDmpClient _client = null!;
    private readonly DmpSendQueueOptions _options = null!;
    private readonly DmpAccessPolicy? _policy;
    private readonly IAuditTrail? _audit;
    private readonly IAccessTokenSource? _tokens;
    private readonly DmpTokenPrecondition _tokenPrecondition = null!;
    private readonly ILogger _logger = null!;
    private readonly TimeProvider _time = null!;
    private readonly CdaReader _reader = new();
    private readonly object _watchersLock = new();
    private readonly List<ChannelWriter<DmpQueueItem>> _watchers = [];
    private readonly bool _hasCardSignal;
    private Func<OutboxProcessor?>? _processorAccessor;
    private EventHandler<DmpQueueItemChangedEventArgs>? _itemChanged;

    /// <summary>For mocking.</summary>
    protected DmpSendQueue()
    {
    }

    /// <summary>Creates the queue.</summary>
    /// <param name="outbox">The durable outbox the documents are stored in.</param>
    /// <param name="client">The DMP client that sends them.</param>
    /// <param name="options">The settings; null for the defaults.</param>
    /// <param name="accessPolicy">The feeding rules (patient informed, not opposed) checked when a document is queued and
    /// again before it is sent; null for the <see cref="DmpClient.AccessPolicy"/> of <paramref name="client"/> when it is
    /// a <see cref="DmpClient"/>, else none.</param>
    /// <param name="network">Whether the network is up (items wait while it is not); null when unknown (always up).</param>
    /// <param name="card">Whether the CPS card is present, for documents sent in DIRECTE mode; null when unknown.</param>
    /// <param name="tokens">An access-token source to check before sending (items wait while it has no session); null
    /// when the DMP calls need no token.</param>
    /// <param name="audit">Where hold, release and cancel are traced; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="outbox"/> or <paramref name="client"/> is null.</exception>
    /// <exception cref="SegurValidationException">The options are invalid.</exception>
    public DmpSendQueue(IOutbox outbox, IDmpClient client, DmpSendQueueOptions? options = null, DmpAccessPolicy? accessPolicy = null,
        INetworkStatus? network = null, ICardPresence? card = null, IAccessTokenSource? tokens = null, IAuditTrail? audit = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(client);
        _options = options ?? new DmpSendQueueOptions();
        DmpSendQueueOptionsValidator.ThrowIfInvalid(_options);
        _outbox = outbox;
        _client = client;
        _audit = audit;
        _tokens = tokens;
        _policy = accessPolicy ?? (client as DmpClient)?.AccessPolicy;
        _time = _options.TimeProvider;
        _logger = _options.LoggerFactory.CreateLogger("Segur.Dmp.Queue");
        _tokenPrecondition = new DmpTokenPrecondition(_time, _options.TokenRetryInterval);
        Handlers =
        [
            new DmpFeedHandler(this, DmpQueueKinds.Feed),
            new DmpFeedHandler(this, DmpQueueKinds.FeedWithCard),
            new DmpReceiptHandler(),
        ];
        // Always the three preconditions (fixed names), so that a DI registration can list them: without a signal the
        // network and the card count as present, and the token is missing only after the token source said so.
        var preconditions = new List<IOutboxPrecondition>
        {
            new DmpSignalPrecondition(DmpQueueKinds.Network, () => network?.IsAvailable ?? true, h => { if (network is not null) { network.Changed += h; } }, DmpQueueKinds.Feed, DmpQueueKinds.FeedWithCard),
            new DmpSignalPrecondition(DmpQueueKinds.Card, () => card?.IsCardPresent ?? true, h => { if (card is not null) { card.Changed += h; } }, DmpQueueKinds.FeedWithCard),
            _tokenPrecondition,
        };
        _hasCardSignal = card is not null;
        Preconditions = preconditions;
    }

    /// <summary>Raised when a queued document changes state (queued, held, released, cancelled, sending, waiting,
    /// ambiguous, sent, rejected). State changes made by the processor are seen once <see cref="Observe"/> was called.</summary>
    public event EventHandler<DmpQueueItemChangedEventArgs>? ItemChanged
    {
        add
        {
            ObserveLazily();
            lock (_watchersLock)
            {
                _itemChanged += value;
            }
        }

        remove
        {
            lock (_watchersLock)
            {
                _itemChanged -= value;
            }
        }
    }

    /// <summary>The outbox handlers that send the queue's items: register them with the outbox processor.</summary>
    public virtual IReadOnlyList<IOutboxHandler> Handlers { get; } = [];

    /// <summary>The outbox preconditions (network, card, token) the queue's items wait for: register them with the
    /// outbox processor.</summary>
    public virtual IReadOnlyList<IOutboxPrecondition> Preconditions { get; } = [];

    /// <summary>Queues a document for the DMP. It is validated (a readable CDA whose patient is
    /// <see cref="DmpSendRequest.Patient"/>, with a bare-OID id, a setId and a version), checked against the feeding
    /// rules (held when the patient was not informed or opposed), and stored durably before the call returns. The same
    /// document (same uniqueId), or an unchanged one (same content as the latest version of its setId for this patient),
    /// is not queued again: the existing item is returned.</summary>
    /// <param name="request">The document, its patient and the user context.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The queued (or existing) item.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="SegurValidationException">The CDA is empty or unreadable (<see cref="DmpErrorCodes.QueueCdaInvalid"/>),
    /// lacks its identifiers (<see cref="DmpErrorCodes.QueueCdaIdentifiersMissing"/>), is about another patient
    /// (<see cref="DmpErrorCodes.QueueCdaPatientMismatch"/>), or reuses a version number
    /// (<see cref="DmpErrorCodes.QueueVersionConflict"/>).</exception>
    /// <exception cref="SegurException">The storage failed; nothing was queued.</exception>
    public virtual async Task<DmpQueueItem> EnqueueAsync(DmpSendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Patient);
        ArgumentNullException.ThrowIfNull(request.Document);
        ArgumentNullException.ThrowIfNull(request.User);
        var cda = await ReadCdaAsync(request, cancellationToken).ConfigureAwait(false);
        var uniqueId = cda.Id.Root;
        var setId = cda.SetId!.Root;
        var version = cda.VersionNumber!.Value;
        var patientRef = PatientReference(request.Patient);
        var hash = ContentHash(request.Document.Cda);
        var replaces = cda.RelatedDocument is { Type: CdaRelationType.Replace } related ? related.ParentDocumentId : null;

        var partition = await _outbox.QueryAsync(new OutboxQuery { PartitionKey = Partition(setId), Limit = PartitionScan }, cancellationToken).ConfigureAwait(false);
        // Live: everything but cancelled and rejected items (an item held by the feeding rules at send time is a dead letter
        // that the professional can release: it is live).
        var live = partition.Where(i => DmpQueueKinds.IsFeed(i.Kind) && i.State != OutboxItemState.Cancelled
            && (i.State != OutboxItemState.Dead || i.LastErrorCode == DmpErrorCodes.QueueHeldByPolicy)).ToList();
        if (live.FirstOrDefault(i => Meta(i, UniqueIdKey) == uniqueId) is { } same)
        {
            return await DeduplicatedAsync(same, "duplicate", cancellationToken).ConfigureAwait(false);
        }

        if (live.LastOrDefault(i => Meta(i, PatientKey) == patientRef) is { } latest && Meta(latest, HashKey) == hash)
        {
            return await DeduplicatedAsync(latest, "unchanged", cancellationToken).ConfigureAwait(false);
        }

        if (live.Any(i => Meta(i, VersionKey) == version.ToString(CultureInfo.InvariantCulture)))
        {
            throw new SegurValidationException(DmpErrorCodes.QueueVersionConflict,
                $"Version {version} of document set {setId} is already queued or sent with another document id; give the new version a new versionNumber.") { Field = "versionNumber" };
        }

        string? holdReason = null;
        if (_policy is not null && await _policy.EvaluateFeedingAsync(request.Patient, request.User, cancellationToken).ConfigureAwait(false) is { IsAllowed: false } verdict)
        {
            holdReason = PolicyHoldReason(verdict.ErrorCode, verdict.Reason);
        }
        else if (replaces is not null && live.FirstOrDefault(i => Meta(i, UniqueIdKey) == replaces) is { State: OutboxItemState.Held })
        {
            holdReason = $"{DmpErrorCodes.QueuePredecessorHeld}: the version it replaces is held; release that one first.";
        }
        else if (request.Hold ?? _options.HoldByDefault)
        {
            holdReason = $"{DmpErrorCodes.QueueHeldByUser}: held back by the professional.";
        }

        var metadata = new Dictionary<string, string>
        {
            [UniqueIdKey] = uniqueId,
            [SetIdKey] = setId,
            [VersionKey] = version.ToString(CultureInfo.InvariantCulture),
            [HashKey] = hash,
            [PatientKey] = patientRef,
        };
        if (replaces is not null)
        {
            metadata[ReplacesKey] = replaces;
        }

        var result = await _outbox.EnqueueAsync(new OutboxEnqueueRequest
        {
            Kind = request.User.Mode == DmpAuthenticationMode.Direct ? DmpQueueKinds.FeedWithCard : DmpQueueKinds.Feed,
            Payload = DmpQueuePayload.From(request).Write(),
            Metadata = metadata,
            IdempotencyKey = "dmp:" + uniqueId,
            PartitionKey = Partition(setId),
            Target = Target,
            Held = holdReason is not null,
            HoldReason = holdReason,
        }, cancellationToken).ConfigureAwait(false);

        var item = await GetRequiredAsync(result.OperationId, cancellationToken).ConfigureAwait(false);
        if (result.Duplicate)
        {
            return await DeduplicatedAsync(await _outbox.GetAsync(result.OperationId, cancellationToken).ConfigureAwait(false) ?? throw NotFound(result.OperationId), "duplicate", cancellationToken).ConfigureAwait(false);
        }

        DmpQueueLog.Queued(_logger, uniqueId, setId, version, item.Id, item.State);
        DmpQueueMetrics.Enqueue(holdReason is null ? "queued" : "held");
        if (holdReason is not null)
        {
            DmpQueueLog.Held(_logger, item.Id, holdReason);
            await AuditAsync("dmp.queue.hold", request.User.User.Value, item, holdReason, cancellationToken).ConfigureAwait(false);
        }

        Publish(item);
        return item;
    }

    /// <summary>Reads one queued document's state.</summary>
    /// <param name="id">The item id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item, or null when unknown (or purged after <see cref="OutboxOptions.SentRetention"/>).</returns>
    public virtual async Task<DmpQueueItem?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var item = await _outbox.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return item is not null && DmpQueueKinds.IsFeed(item.Kind) ? await MapAsync(item, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>Lists queued documents, oldest first, by patient, state or setId.</summary>
    /// <param name="query">The filter; null for every document.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The items.</returns>
    public virtual async Task<IReadOnlyList<DmpQueueItem>> ListAsync(DmpQueueQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new DmpQueueQuery();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var patientRef = query.Patient is null ? null : PatientReference(query.Patient);
        var outboxState = query.State is { } s ? OutboxStateOf(s) : null;
        var scan = Math.Max(query.Limit, PartitionScan);
        var found = new List<OutboxItem>();
        foreach (var kind in new[] { DmpQueueKinds.Feed, DmpQueueKinds.FeedWithCard })
        {
            found.AddRange(await _outbox.QueryAsync(new OutboxQuery
            {
                Kind = kind,
                State = outboxState,
                PartitionKey = query.SetId is null ? null : Partition(query.SetId),
                Limit = scan,
            }, cancellationToken).ConfigureAwait(false));
        }

        var result = new List<DmpQueueItem>();
        foreach (var item in found.OrderBy(i => i.Sequence))
        {
            if (patientRef is not null && Meta(item, PatientKey) != patientRef)
            {
                continue;
            }

            var mapped = await MapAsync(item, cancellationToken).ConfigureAwait(false);
            if (query.State is null || mapped.State == query.State)
            {
                result.Add(mapped);
                if (result.Count == query.Limit)
                {
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>Releases a held document so that it is sent (the feeding rules are checked again before sending). Also
    /// releases the later versions of its setId that were held only because this one was.</summary>
    /// <param name="id">The item id.</param>
    /// <param name="actor">Who released it (PS_IdNat), for the audit trail; null for <see cref="DmpSendQueueOptions.AuditActor"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item after the change.</returns>
    /// <exception cref="SegurException">Unknown item (<see cref="DmpErrorCodes.QueueItemNotFound"/>) or not held
    /// (<see cref="DmpErrorCodes.QueueInvalidState"/>).</exception>
    public virtual async Task<DmpQueueItem> ReleaseAsync(Guid id, string? actor = null, CancellationToken cancellationToken = default)
    {
        var item = await _outbox.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (item is null || !DmpQueueKinds.IsFeed(item.Kind))
        {
            throw NotFound(id);
        }

        OutboxItem released = item switch
        {
            { State: OutboxItemState.Held } => await _outbox.ReleaseAsync(id, cancellationToken).ConfigureAwait(false),
            { State: OutboxItemState.Dead, LastErrorCode: DmpErrorCodes.QueueHeldByPolicy } => await _outbox.RequeueAsync(id, cancellationToken).ConfigureAwait(false),
            _ => throw new SegurException(DmpErrorCodes.QueueInvalidState, $"DMP queue item {id} is {(await MapAsync(item, cancellationToken).ConfigureAwait(false)).State}, not held: there is nothing to release."),
        };
        var mapped = await MapAsync(released, cancellationToken).ConfigureAwait(false);
        actor ??= _options.AuditActor;
        DmpQueueLog.Command(_logger, id, "released", actor);
        await AuditAsync("dmp.queue.release", actor, mapped, null, cancellationToken).ConfigureAwait(false);
        Publish(mapped);

        if (Meta(item, SetIdKey) is { } setId)
        {
            var followers = await _outbox.QueryAsync(new OutboxQuery { PartitionKey = Partition(setId), State = OutboxItemState.Held, Limit = PartitionScan }, cancellationToken).ConfigureAwait(false);
            foreach (var follower in followers.Where(f => Meta(f, ReplacesKey) == mapped.UniqueId && f.HoldReason?.StartsWith(DmpErrorCodes.QueuePredecessorHeld, StringComparison.Ordinal) == true))
            {
                await ReleaseAsync(follower.Id, actor, cancellationToken).ConfigureAwait(false);
            }
        }

        return mapped;
    }

    /// <summary>Cancels a document that is not sent yet (held, queued, waiting or rejected).</summary>
    /// <param name="id">The item id.</param>
    /// <param name="actor">Who cancelled it (PS_IdNat), for the audit trail; null for <see cref="DmpSendQueueOptions.AuditActor"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The item after the change.</returns>
    /// <exception cref="SegurException">Unknown item (<see cref="DmpErrorCodes.QueueItemNotFound"/>), or being sent, sent
    /// or already cancelled (<see cref="DmpErrorCodes.QueueInvalidState"/>).</exception>
    public virtual async Task<DmpQueueItem> CancelAsync(Guid id, string? actor = null, CancellationToken cancellationToken = default)
    {
        var item = await _outbox.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (item is null || !DmpQueueKinds.IsFeed(item.Kind))
        {
            throw NotFound(id);
        }

        if (item.State is OutboxItemState.Leased or OutboxItemState.Sent or OutboxItemState.Cancelled)
        {
            throw new SegurException(DmpErrorCodes.QueueInvalidState, $"DMP queue item {id} is {(await MapAsync(item, cancellationToken).ConfigureAwait(false)).State}: it can no longer be cancelled.");
        }

        var cancelled = await MapAsync(await _outbox.CancelAsync(id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        actor ??= _options.AuditActor;
        DmpQueueLog.Command(_logger, id, "cancelled", actor);
        await AuditAsync("dmp.queue.cancel", actor, cancelled, null, cancellationToken).ConfigureAwait(false);
        Publish(cancelled);
        return cancelled;
    }

    /// <summary>Streams state changes (for a UI), from now until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The items after each change.</returns>
    public virtual async IAsyncEnumerable<DmpQueueItem> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObserveLazily();
        var channel = Channel.CreateUnbounded<DmpQueueItem>(new UnboundedChannelOptions { SingleReader = true });
        lock (_watchersLock)
        {
            _watchers.Add(channel.Writer);
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            lock (_watchersLock)
            {
                _watchers.Remove(channel.Writer);
            }
        }
    }

    /// <summary>Follows a processor's attempts so that the state changes it makes (waiting, retrying, ambiguous, sent,
    /// rejected) reach <see cref="ItemChanged"/> and <see cref="WatchAsync"/>.</summary>
    /// <param name="processor">The processor that runs the queue's handlers.</param>
    /// <returns>Stops following when disposed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="processor"/> is null.</exception>
    public virtual IDisposable Observe(OutboxProcessor processor)
    {
        ArgumentNullException.ThrowIfNull(processor);
        EventHandler<OutboxItemEventArgs> handler = (_, e) =>
        {
            if (DmpQueueKinds.IsFeed(e.Kind))
            {
                _ = PublishAsync(e.Id);
            }
        };
        processor.AttemptCompleted += handler;
        return new Subscription(() => processor.AttemptCompleted -= handler);
    }

    /// <summary>Tells the queue that the user logged in again, so documents waiting for a token are tried at once
    /// (otherwise they are tried again after <see cref="DmpSendQueueOptions.TokenRetryInterval"/>).</summary>
    public virtual void NotifyTokenAvailable() => _tokenPrecondition.NotifyTokenAvailable();

    internal DmpSendQueueOptions Options => _options;

    /// <summary>Lets a DI container hand the processor over once someone listens (the processor is built from the
    /// queue's handlers, so it cannot be a constructor argument).</summary>
    internal void ObserveWhenListened(Func<OutboxProcessor?> processorAccessor) => _processorAccessor = processorAccessor;

    private void ObserveLazily()
    {
        if (Interlocked.Exchange(ref _processorAccessor, null) is { } accessor && accessor() is { } processor)
        {
            Observe(processor);
        }
    }

    /// <summary>Sends one item: the handler body of both feed kinds.</summary>
    internal async Task SendAsync(OutboxAttemptContext context, CancellationToken cancellationToken)
    {
        var item = context.Item;
        PublishSending(item);
        var payload = DmpQueuePayload.Read(context.Payload.Span);
        var patient = payload.ToPatient();
        var user = payload.ToUser();
        var uniqueId = Meta(item, UniqueIdKey) ?? throw new SegurException(DmpErrorCodes.QueuePayloadUnreadable, $"DMP queue item {item.Id} has no uniqueId.");

        if (_policy is not null && await _policy.EvaluateFeedingAsync(patient, user, cancellationToken).ConfigureAwait(false) is { IsAllowed: false } verdict)
        {
            throw HeldByPolicy(item, verdict.ErrorCode, verdict.Reason);
        }

        await EnsureTokenAsync(cancellationToken).ConfigureAwait(false);

        if (context.IsRetry || context.PreviousLeaseExpired)
        {
            if (await FindInDmpAsync(item, patient, uniqueId, user, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                DmpQueueLog.AlreadyPresent(_logger, item.Id);
                DmpQueueMetrics.Outcome("already_present");
                await WriteReceiptAsync(item, existing.EntryUuid, [], cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var replacesEntry = payload.ReplacesEntryUuid;
        if (replacesEntry is null && Meta(item, ReplacesKey) is { } parentUniqueId)
        {
            replacesEntry = await ResolvePredecessorAsync(item, parentUniqueId, patient, user, cancellationToken).ConfigureAwait(false);
        }

        DmpSubmissionResult result;
        try
        {
            result = await _client.SubmitAsync(new DmpSubmission
            {
                Patient = patient,
                Documents = [payload.ToDocument(replacesEntry)],
                ContentTypeCode = payload.ContentTypeCode?.ToCode(),
                Title = payload.Title,
            }, user, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var mapped = await OnSubmitFailedAsync(item, ex, cancellationToken).ConfigureAwait(false);
            if (mapped is null)
            {
                return; // the DMP had it already
            }

            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }

        var entry = result.Documents.FirstOrDefault(d => string.Equals(d.UniqueId, uniqueId, StringComparison.Ordinal)) ?? (result.Documents.Count == 1 ? result.Documents[0] : null);
        if (entry is null)
        {
            throw new SegurServiceException(DmpErrorCodes.QueueSubmissionUnconfirmed, "The DMP accepted the submission but its answer does not name the document.", isTransient: true);
        }

        DmpQueueLog.Sent(_logger, item.Id, entry.EntryUuid);
        DmpQueueMetrics.Outcome("sent");
        await WriteReceiptAsync(item, entry.EntryUuid, [], cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureTokenAsync(CancellationToken cancellationToken)
    {
        if (_tokens is null)
        {
            return;
        }

        try
        {
            await _tokens.GetAccessTokenAsync(_options.TokenAudience, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurAuthenticationException ex)
        {
            _tokenPrecondition.MarkMissing();
            throw new OutboxPreconditionNotMetException(DmpQueueKinds.Token, "Waiting for an access token: the user must log in again.", ex);
        }
    }

    private async Task<DmpDocumentEntry?> FindInDmpAsync(OutboxItem item, DmpPatient patient, string uniqueId, DmpUserContext user, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetDocumentAsync(patient, uniqueId, user, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurException ex) when (!ex.IsTransient && ex is not (SegurCardException or SegurAuthenticationException))
        {
            // Consulting may be refused to a professional without authorisation (feeding needs none): send anyway; the
            // DMP refuses a uniqueId it already has, which is then taken as sent.
            DmpQueueLog.CheckFailed(_logger, item.Id, ex.ErrorCode);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw MapSendFailure(item, ex, sent: false);
        }
    }

    /// <summary>The entryUUID the replacement points at. The DMP assigns entryUUIDs (dmp.md §2.2), so TD3.1 GetDocuments
    /// is asked first; the entryUUID recorded when the queue sent the predecessor is used when consulting is refused (a
    /// professional without authorisation may feed but not consult).</summary>
    private async Task<string> ResolvePredecessorAsync(OutboxItem item, string parentUniqueId, DmpPatient patient, DmpUserContext user, CancellationToken cancellationToken)
    {
        var partition = await _outbox.QueryAsync(new OutboxQuery { PartitionKey = item.PartitionKey, Limit = PartitionScan }, cancellationToken).ConfigureAwait(false);
        var local = partition.Where(i => DmpQueueKinds.IsFeed(i.Kind) && Meta(i, UniqueIdKey) == parentUniqueId).OrderBy(i => i.Sequence).ToList();
        if (!local.Any(i => i.State == OutboxItemState.Sent)
            && local.Any(i => i.State is OutboxItemState.Held or OutboxItemState.Ready or OutboxItemState.Leased or OutboxItemState.Waiting))
        {
            throw new SegurServiceException(DmpErrorCodes.QueuePredecessorPending, "The version this document replaces is not sent yet; the replacement waits for it.", isTransient: true);
        }

        string? known = null;
        if (local.FirstOrDefault(i => i.State == OutboxItemState.Sent) is { } sent && await ReadReceiptAsync(sent.Id, cancellationToken).ConfigureAwait(false) is { } receipt)
        {
            known = Meta(receipt, EntryUuidKey);
        }

        DmpDocumentEntry? entry;
        try
        {
            entry = await _client.GetDocumentAsync(patient, parentUniqueId, user, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurException ex) when (known is not null && !ex.IsTransient && ex is not (SegurCardException or SegurAuthenticationException))
        {
            DmpQueueLog.CheckFailed(_logger, item.Id, ex.ErrorCode);
            DmpQueueLog.ReplacementResolved(_logger, item.Id, known, "locally");
            return known;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw MapSendFailure(item, ex, sent: false);
        }

        if (entry is null)
        {
            throw new SegurServiceException(DmpErrorCodes.QueuePredecessorNotSent, "The version this document replaces was neither sent through the queue nor found in the DMP.");
        }

        DmpQueueLog.ReplacementResolved(_logger, item.Id, entry.EntryUuid, "from the DMP");
        return entry.EntryUuid;
    }

    /// <summary>Records a failed submission and says what to throw, or null when the DMP turned out to have the document.</summary>
    private async Task<Exception?> OnSubmitFailedAsync(OutboxItem item, Exception failure, CancellationToken cancellationToken)
    {
        if (failure is DmpRegistryException registry && !registry.IsTransient)
        {
            if (item.Attempts > 1 && registry.Errors.Any(e => e.ErrorCode.Contains("DuplicateUniqueId", StringComparison.OrdinalIgnoreCase)))
            {
                // An earlier attempt reached the DMP: the document is there.
                DmpQueueLog.AlreadyPresent(_logger, item.Id);
                DmpQueueMetrics.Outcome("already_present");
                await WriteReceiptAsync(item, null, [], cancellationToken).ConfigureAwait(false);
                return null;
            }

            var codes = registry.Errors.Select(e => e.ErrorCode).Distinct(StringComparer.Ordinal).ToList();
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                DmpQueueLog.Rejected(_logger, item.Id, registry.ErrorCode, string.Join(",", codes));
            }

            DmpQueueMetrics.Outcome("rejected", registry.ErrorCode);
            await WriteReceiptAsync(item, null, codes, cancellationToken).ConfigureAwait(false);
            return failure;
        }

        var mapped = MapSendFailure(item, failure, sent: true);
        if (mapped is SegurException { IsTransient: false } permanent and not OutboxPreconditionNotMetException)
        {
            DmpQueueLog.Rejected(_logger, item.Id, permanent.ErrorCode, string.Empty);
            DmpQueueMetrics.Outcome("rejected", permanent.ErrorCode);
        }

        return mapped;
    }

    /// <summary>Turns a failure into what the outbox needs: a precondition (card, token) to wait for, an ambiguous
    /// transient failure when the request may have reached the DMP, or the failure itself.</summary>
    private Exception MapSendFailure(OutboxItem item, Exception failure, bool sent)
    {
        switch (failure)
        {
            case CardNotPresentException or CardRemovedException when item.Kind == DmpQueueKinds.FeedWithCard && _hasCardSignal:
                DmpQueueLog.Waiting(_logger, item.Id, DmpQueueKinds.Card);
                return new OutboxPreconditionNotMetException(DmpQueueKinds.Card, "Waiting for the CPS card.", failure);
            case SegurAuthenticationException when _tokens is not null && failure is not SegurCardException:
                _tokenPrecondition.MarkMissing();
                return new OutboxPreconditionNotMetException(DmpQueueKinds.Token, "Waiting for an access token: the user must log in again.", failure);
            case DmpAccessDeniedException denied when denied.ErrorCode is DmpErrorCodes.AccessFeedingOpposed or DmpErrorCodes.AccessPatientNotInformed:
                return HeldByPolicy(item, denied.ErrorCode, denied.Message);
            case OutboxPreconditionNotMetException or SegurCardException:
                return failure; // before anything was sent
            case SegurException { IsTransient: true } transient when sent && !IsConnectFailure(failure):
                DmpQueueLog.Ambiguous(_logger, item.Id, transient.ErrorCode);
                DmpQueueMetrics.Outcome("ambiguous", transient.ErrorCode);
                return new SegurTransportException(DmpErrorCodes.QueueOutcomeUnknown, $"The outcome of the submission is unknown ({transient.ErrorCode}); the DMP is asked before the next attempt.", innerException: failure)
                {
                    RetryAfter = (transient as SegurTransportException)?.RetryAfter,
                };
            case TimeoutException or IOException or HttpRequestException when sent && !IsConnectFailure(failure):
                var type = failure.GetType().Name;
                DmpQueueLog.Ambiguous(_logger, item.Id, type);
                DmpQueueMetrics.Outcome("ambiguous", type);
                return new SegurTransportException(DmpErrorCodes.QueueOutcomeUnknown, "The outcome of the submission is unknown (the connection failed during the call); the DMP is asked before the next attempt.", innerException: failure);
            default:
                return failure;
        }
    }

    /// <summary>The permanent failure that the outbox stores as a dead letter and the queue shows as Held: releasing it
    /// requeues it (the rules are checked again then).</summary>
    private SegurServiceException HeldByPolicy(OutboxItem item, string? code, string? reason)
    {
        var text = PolicyHoldReason(code, reason);
        DmpQueueMetrics.Outcome("held_by_policy", code ?? DmpErrorCodes.QueueHeldByPolicy);
        DmpQueueLog.Held(_logger, item.Id, text);
        return new SegurServiceException(DmpErrorCodes.QueueHeldByPolicy, text[(DmpErrorCodes.QueueHeldByPolicy.Length + 2)..]);
    }

    private static string PolicyHoldReason(string? code, string? reason) =>
        $"{DmpErrorCodes.QueueHeldByPolicy}: held by the feeding rules ({code ?? "no code"}): {reason ?? "feeding is not allowed now."}";

    /// <summary>Whether the failure certainly happened before the request left (connection refused, no route, DNS).</summary>
    private static bool IsConnectFailure(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode is System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound
                    or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkDown;
            }
        }

        return false;
    }

    private async Task WriteReceiptAsync(OutboxItem item, string? entryUuid, List<string> registryErrors, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>();
        if (entryUuid is not null)
        {
            metadata[EntryUuidKey] = entryUuid;
        }

        if (registryErrors.Count > 0)
        {
            metadata[RegistryErrorsKey] = string.Join(",", registryErrors);
        }

        // A receipt is a tiny outbox item (no payload) so it lives in the same durable store, survives restarts and is
        // purged with the same retention; its no-op handler marks it sent at once.
        await _outbox.EnqueueAsync(new OutboxEnqueueRequest
        {
            Kind = DmpQueueKinds.Receipt,
            Metadata = metadata,
            IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"dmp-receipt:{item.Id}:{item.Attempts}"),
            Target = ReceiptTarget(item.Id),
        }, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<OutboxItem?> ReadReceiptAsync(Guid id, CancellationToken cancellationToken)
    {
        var receipts = await _outbox.QueryAsync(new OutboxQuery { Kind = DmpQueueKinds.Receipt, Target = ReceiptTarget(id), Limit = 1000 }, cancellationToken).ConfigureAwait(false);
        return receipts.OrderBy(r => r.Sequence).LastOrDefault();
    }

    private async Task<DmpQueueItem> MapAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var state = item.State switch
        {
            OutboxItemState.Held => DmpQueueItemState.Held,
            OutboxItemState.Ready when item.LastErrorCode == DmpErrorCodes.QueueOutcomeUnknown => DmpQueueItemState.Ambiguous,
            OutboxItemState.Ready => DmpQueueItemState.Ready,
            OutboxItemState.Leased => DmpQueueItemState.Sending,
            OutboxItemState.Waiting when item.WaitingFor?.Contains("card", StringComparison.OrdinalIgnoreCase) == true => DmpQueueItemState.WaitingForCard,
            OutboxItemState.Waiting when item.WaitingFor?.Contains("token", StringComparison.OrdinalIgnoreCase) == true => DmpQueueItemState.WaitingForToken,
            OutboxItemState.Waiting => DmpQueueItemState.WaitingForNetwork,
            OutboxItemState.Sent => DmpQueueItemState.Sent,
            OutboxItemState.Dead when item.LastErrorCode == DmpErrorCodes.QueueHeldByPolicy => DmpQueueItemState.Held,
            OutboxItemState.Dead => DmpQueueItemState.Rejected,
            _ => DmpQueueItemState.Cancelled,
        };
        string? entryUuid = null;
        IReadOnlyList<string> registryErrors = [];
        if (state is DmpQueueItemState.Sent or DmpQueueItemState.Rejected && await ReadReceiptAsync(item.Id, cancellationToken).ConfigureAwait(false) is { } receipt)
        {
            entryUuid = state == DmpQueueItemState.Sent ? Meta(receipt, EntryUuidKey) : null;
            registryErrors = state == DmpQueueItemState.Rejected && Meta(receipt, RegistryErrorsKey) is { } codes ? codes.Split(',') : [];
        }

        return Describe(item, state) with
        {
            HoldReason = item.State == OutboxItemState.Held ? item.HoldReason : state == DmpQueueItemState.Held ? item.LastError : null,
            EntryUuid = entryUuid,
            ErrorCode = state == DmpQueueItemState.Held ? null : item.LastErrorCode,
            Error = state == DmpQueueItemState.Held ? null : item.LastError,
            RegistryErrorCodes = registryErrors,
            CompletedAt = state == DmpQueueItemState.Held ? null : item.CompletedAt,
        };
    }

    /// <summary>The item's identity and counters, from the outbox item's metadata (no payload read).</summary>
    private static DmpQueueItem Describe(OutboxItem item, DmpQueueItemState state) => new()
    {
        Id = item.Id,
        State = state,
        UniqueId = Meta(item, UniqueIdKey) ?? string.Empty,
        SetId = Meta(item, SetIdKey) ?? string.Empty,
        Version = int.TryParse(Meta(item, VersionKey), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0,
        ReplacesUniqueId = Meta(item, ReplacesKey),
        PatientReference = Meta(item, PatientKey) ?? string.Empty,
        Attempts = item.Attempts,
        CreatedAt = item.CreatedAt,
        NextAttemptAt = item.NextAttemptAt,
    };

    private static OutboxItemState? OutboxStateOf(DmpQueueItemState state) => state switch
    {
        DmpQueueItemState.Ready or DmpQueueItemState.Ambiguous => OutboxItemState.Ready,
        DmpQueueItemState.Sending => OutboxItemState.Leased,
        DmpQueueItemState.WaitingForCard or DmpQueueItemState.WaitingForNetwork or DmpQueueItemState.WaitingForToken => OutboxItemState.Waiting,
        DmpQueueItemState.Sent => OutboxItemState.Sent,
        DmpQueueItemState.Rejected => OutboxItemState.Dead,
        DmpQueueItemState.Cancelled => OutboxItemState.Cancelled,
        _ => null, // Held: held items and items held by the feeding rules at send time (dead letters)
    };

    private async Task<CdaDocumentInfo> ReadCdaAsync(DmpSendRequest request, CancellationToken cancellationToken)
    {
        if (request.Document.Cda.IsEmpty)
        {
            throw new SegurValidationException(DmpErrorCodes.QueueCdaInvalid, "The document is empty: an empty document is never sent to the DMP.") { Field = "Cda" };
        }

        CdaDocumentInfo cda;
        try
        {
            using var stream = new MemoryStream(request.Document.Cda.ToArray(), writable: false);
            cda = await _reader.ReadAsync(stream, Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.QueueCdaInvalid, $"The document is not a valid CDA R2 document ({ex.ErrorCode}); it was not queued.", innerException: ex) { Field = ex.Field ?? "Cda" };
        }

        if (cda.BodyLength == 0)
        {
            throw new SegurValidationException(DmpErrorCodes.QueueCdaInvalid, "The document has no content: an empty document is never sent to the DMP.") { Field = "component" };
        }

        if (cda.Id.Extension is not null || cda.SetId is not { Extension: null } || cda.VersionNumber is null)
        {
            throw new SegurValidationException(DmpErrorCodes.QueueCdaIdentifiersMissing,
                "The CDA needs a bare-OID id (no extension), a bare-OID setId and a versionNumber to be fed through the queue.") { Field = "id" };
        }

        if (!string.Equals(cda.Patient.Ins, request.Patient.Ins.Matricule.Value, StringComparison.Ordinal)
            || !string.Equals(cda.Patient.InsOid, request.Patient.Ins.Oid.Value, StringComparison.Ordinal))
        {
            throw new SegurValidationException(DmpErrorCodes.QueueCdaPatientMismatch, "The CDA's patient (INS in recordTarget) is not the patient the document is queued for.") { Field = "recordTarget" };
        }

        return cda;
    }

    /// <summary>The content hash: the body, type, title and confidentiality, without the id, version, dates and relations
    /// that change each time a document is generated again.</summary>
    private static string ContentHash(ReadOnlyMemory<byte> cda)
    {
        using var stream = new MemoryStream(cda.ToArray(), writable: false);
        var document = SafeXml.LoadDocument(stream);
        var root = document.DocumentElement!;
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("v3", CdaRules.Hl7Namespace);
        var text = new StringBuilder();
        foreach (var path in new[] { "v3:code", "v3:title", "v3:confidentialityCode", "v3:component" })
        {
            text.Append(root.SelectSingleNode(path, ns)?.OuterXml).Append('\u001f');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private string PatientReference(DmpPatient patient)
    {
        var input = Encoding.UTF8.GetBytes("segur-dmp-queue|" + patient.PatientId);
        var hash = _options.PatientReferenceKey is { Length: > 0 } key ? HMACSHA256.HashData(key, input) : SHA256.HashData(input);
        return Convert.ToHexString(hash, 0, 16);
    }

    private static string Partition(string setId) => "dmp-set:" + setId;

    private static string ReceiptTarget(Guid id) => "dmp-receipt:" + id.ToString("D");

    private static string? Meta(OutboxItem item, string key) => item.Metadata.TryGetValue(key, out var value) ? value : null;

    private static SegurException NotFound(Guid id) => new(DmpErrorCodes.QueueItemNotFound, $"No DMP queue item has the id {id}.");

    private async Task<DmpQueueItem> GetRequiredAsync(Guid id, CancellationToken cancellationToken) =>
        await GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);

    private async Task<DmpQueueItem> DeduplicatedAsync(OutboxItem existing, string result, CancellationToken cancellationToken)
    {
        var item = await MapAsync(existing, cancellationToken).ConfigureAwait(false);
        DmpQueueLog.Deduplicated(_logger, item.UniqueId, item.Id);
        DmpQueueMetrics.Enqueue(result);
        return item;
    }

    private async Task AuditAsync(string action, string actor, DmpQueueItem item, string? reason, CancellationToken cancellationToken)
    {
        if (_audit is null)
        {
            return;
        }

        var details = new Dictionary<string, string> { ["setId"] = item.SetId, ["version"] = item.Version.ToString(CultureInfo.InvariantCulture), ["state"] = item.State.ToString() };
        if (reason is not null)
        {
            details["reason"] = reason;
        }

        await _audit.WriteAsync(new AuditRecord
        {
            Timestamp = _time.GetUtcNow(),
            Actor = actor,
            Action = action,
            Target = item.UniqueId,
            Outcome = "success",
            CorrelationId = item.Id.ToString("D"),
            Details = details,
        }, cancellationToken).ConfigureAwait(false);
    }

    private void PublishSending(OutboxItem item)
    {
        if (_itemChanged is null && _watchers.Count == 0)
        {
            return;
        }

        Publish(Describe(item, DmpQueueItemState.Sending));
    }

    private async Task PublishAsync(Guid id)
    {
        try
        {
            if (await GetAsync(id).ConfigureAwait(false) is { } item)
            {
                Publish(item);
            }
        }
        catch (Exception ex) when (ex is SegurException or InvalidOperationException or ObjectDisposedException)
        {
            DmpQueueLog.ListenerFailed(_logger, ex, id);
        }
    }

    private void Publish(DmpQueueItem item)
    {
        ChannelWriter<DmpQueueItem>[] watchers;
        lock (_watchersLock)
        {
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher.TryWrite(item);
        }

        try
        {
            _itemChanged?.Invoke(this, new DmpQueueItemChangedEventArgs(item));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A UI listener's failure must never fail the queue.
            DmpQueueLog.ListenerFailed(_logger, ex, item.Id);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
