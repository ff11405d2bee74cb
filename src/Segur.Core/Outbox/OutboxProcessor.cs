using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Segur.Outbox;

/// <summary>
/// Sends outbox items through the handler registered for their kind: at most <see cref="OutboxOptions.MaxConcurrency"/>
/// at a time, one at a time per partition (patient) in enqueue order, retrying transient failures with exponential
/// back-off and jitter, pausing a kind whose circuit opened, leaving items waiting while a precondition is missing and
/// resuming them when it returns, and moving permanent failures to the dead letters. Run it for the application's
/// lifetime with <see cref="RunAsync"/> (for example from a hosted service).
/// </summary>
public sealed class OutboxProcessor : IAsyncDisposable
{
    private static readonly TimeSpan StatisticsRefresh = TimeSpan.FromSeconds(1);
    private readonly DurableOutbox _outbox;
    private readonly IOutboxStore _store;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, IOutboxHandler> _handlers = new(StringComparer.Ordinal);
    private readonly IOutboxPrecondition[] _preconditions;
    private readonly OutboxCircuitBreaker _breaker;
    private readonly SemaphoreSlim _gate;
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();
    private readonly int _window;
    private TaskCompletionSource _wake = NewSignal();
    private volatile bool _resumeRequested = true;
    private DateTimeOffset _nextHousekeeping = DateTimeOffset.MinValue;
    private DateTimeOffset _statisticsAt = DateTimeOffset.MinValue;
    private int _running;
    private long _attemptsMade;

    /// <summary>Creates a processor.</summary>
    /// <param name="outbox">The outbox to send from.</param>
    /// <param name="handlers">One handler per kind.</param>
    /// <param name="preconditions">Preconditions (network, card, token) that items of some kinds wait for.</param>
    /// <exception cref="ArgumentException">Two handlers have the same kind, or two preconditions the same name.</exception>
    public OutboxProcessor(DurableOutbox outbox, IEnumerable<IOutboxHandler> handlers, IEnumerable<IOutboxPrecondition>? preconditions = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(handlers);
        _outbox = outbox;
        _store = outbox.Store;
        _options = outbox.Options;
        _time = _options.TimeProvider;
        _logger = _options.LoggerFactory.CreateLogger("Segur.Outbox");
        foreach (var handler in handlers)
        {
            ArgumentNullException.ThrowIfNull(handler);
            if (!_handlers.TryAdd(handler.Kind, handler))
            {
                throw new ArgumentException($"Two outbox handlers have the kind '{handler.Kind}'.", nameof(handlers));
            }
        }

        _preconditions = preconditions?.ToArray() ?? [];
        if (_preconditions.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != _preconditions.Length)
        {
            throw new ArgumentException("Two outbox preconditions have the same name.", nameof(preconditions));
        }

        _breaker = new OutboxCircuitBreaker(_options.CircuitBreakerFailureThreshold, _options.CircuitBreakerBreakDuration);
        _gate = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        _window = Math.Max(_options.MaxConcurrency * 8, 32); // leased ahead so that one commit leases many items
    }

    /// <summary>Raised after each attempt (and when an item is put back without one), from the attempt's thread.</summary>
    public event EventHandler<OutboxItemEventArgs>? AttemptCompleted;

    /// <summary>The outbox name (metrics tag).</summary>
    public string Name => _options.Name;

    /// <summary>The statistics read last (for the metrics), if any.</summary>
    internal OutboxStatistics? LastStatistics { get; private set; }

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Sends items until <paramref name="cancellationToken"/> is cancelled. It wakes up when an item is enqueued in this
    /// process, when a precondition changes, when a retry falls due and at least every <see cref="OutboxOptions.PollInterval"/>
    /// (items enqueued by other processes, leases of crashed processes). On cancellation, running attempts are cancelled
    /// and their items go back to the queue.
    /// </summary>
    /// <param name="cancellationToken">Stops the processor.</param>
    /// <returns>A task that completes when the processor stopped.</returns>
    /// <exception cref="InvalidOperationException">The processor is already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Start();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    await PumpAsync(cancellationToken).ConfigureAwait(false);
                    wait = await IdleDelayAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is SegurException or IOException or InvalidOperationException)
                {
                    wait = _options.PollInterval < TimeSpan.FromSeconds(5) ? _options.PollInterval : TimeSpan.FromSeconds(5);
                    OutboxLog.LoopFailed(_logger, ex, wait);
                }

                try
                {
                    await WaitForWakeAsync(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        finally
        {
            await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
            Stop();
        }
    }

    /// <summary>Sends every item due now (and those that fall due while it runs), then returns. For batch jobs, tools
    /// and tests; long-running applications use <see cref="RunAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>How many attempts were made.</returns>
    /// <exception cref="InvalidOperationException">The processor is already running.</exception>
    public async Task<long> RunUntilIdleAsync(CancellationToken cancellationToken = default)
    {
        Start();
        var before = Interlocked.Read(ref _attemptsMade);
        try
        {
            while (true)
            {
                var leased = await PumpAsync(cancellationToken).ConfigureAwait(false);
                if (leased == 0 && _inFlight.IsEmpty) // leased is -1 when the window was full: not idle
                {
                    await RefreshStatisticsAsync(force: true, cancellationToken).ConfigureAwait(false);
                    return Interlocked.Read(ref _attemptsMade) - before;
                }

                await WaitForWakeAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
            Stop();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
        OutboxMetrics.Unregister(this);
        _gate.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Start()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The outbox processor is already running.");
        }

        _resumeRequested = true;
        _outbox.Enqueued += OnSignal;
        foreach (var p in _preconditions)
        {
            p.Changed += OnPreconditionChanged;
        }

        OutboxMetrics.Register(this);
    }

    private void Stop()
    {
        _outbox.Enqueued -= OnSignal;
        foreach (var p in _preconditions)
        {
            p.Changed -= OnPreconditionChanged;
        }

        Volatile.Write(ref _running, 0);
    }

    private void OnSignal(object? sender, EventArgs e) => Wake();

    private void OnPreconditionChanged(object? sender, EventArgs e)
    {
        _resumeRequested = true;
        Wake();
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private async Task WaitForWakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _wake);
        try
        {
            await signal.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _resumeRequested = true; // the periodic look also re-checks preconditions that may not raise Changed
        }

        Interlocked.CompareExchange(ref _wake, NewSignal(), signal);
    }

    /// <summary>Leases what the window allows and starts the attempts. Returns how many items were leased, or -1 when the
    /// window was full so nothing was asked of the store.</summary>
    private async Task<int> PumpAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_resumeRequested)
        {
            _resumeRequested = false;
            foreach (var p in _preconditions.Where(p => p.IsSatisfied))
            {
                var resumed = await _store.ResumeWaitingAsync(p.Name, now, cancellationToken).ConfigureAwait(false);
                if (resumed > 0)
                {
                    OutboxLog.Resumed(_logger, p.Name, resumed);
                }
            }
        }

        if (now >= _nextHousekeeping)
        {
            _nextHousekeeping = now + _options.HousekeepingInterval;
            var before = now - _options.SentRetention;
            var purged = await _store.PurgeAsync(before, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                OutboxLog.Purged(_logger, purged, before);
            }
        }

        var kinds = new List<string>(_handlers.Count);
        foreach (var kind in _handlers.Keys)
        {
            if (UnmetPrecondition(kind) is { } missing)
            {
                if (await _store.MarkWaitingAsync(kind, missing.Name, cancellationToken).ConfigureAwait(false) > 0)
                {
                    OutboxLog.Waiting(_logger, kind, missing.Name);
                }
            }
            else if (_breaker.CanLease(kind, now))
            {
                kinds.Add(kind);
            }
        }

        var leasedTotal = kinds.Count > 0 && _inFlight.Count > _window / 2 ? -1 : 0;
        while (kinds.Count > 0 && _inFlight.Count <= _window / 2)
        {
            leasedTotal = Math.Max(leasedTotal, 0);
            var want = _window - _inFlight.Count;
            var leases = await _store.AcquireAsync(
                new OutboxAcquireRequest { MaxItems = want, Now = _time.GetUtcNow(), LeaseDuration = _options.LeaseDuration, Kinds = kinds },
                cancellationToken).ConfigureAwait(false);
            foreach (var lease in leases)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _inFlight[lease.Item.Id] = done.Task;
                _ = RunLeaseAsync(lease, done, cancellationToken);
            }

            leasedTotal += leases.Count;
            if (leases.Count < want)
            {
                break;
            }
        }

        await RefreshStatisticsAsync(force: false, cancellationToken).ConfigureAwait(false);
        return leasedTotal;
    }

    private async Task<TimeSpan> IdleDelayAsync(CancellationToken cancellationToken)
    {
        var wait = _options.PollInterval;
        if (!_inFlight.IsEmpty)
        {
            return wait; // a finishing attempt wakes the loop
        }

        var statistics = await RefreshStatisticsAsync(force: true, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (statistics.NextDueAt is { } due && due - now < wait)
        {
            wait = due - now;
        }

        foreach (var kind in _handlers.Keys)
        {
            if (_breaker.OpenUntil(kind) is { } until && until - now < wait)
            {
                wait = until - now;
            }
        }

        if (_nextHousekeeping - now < wait)
        {
            wait = _nextHousekeeping - now;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private async Task<OutboxStatistics> RefreshStatisticsAsync(bool force, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!force && LastStatistics is { } cached && now - _statisticsAt < StatisticsRefresh)
        {
            return cached;
        }

        var statistics = await _store.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        LastStatistics = statistics;
        _statisticsAt = now;
        return statistics;
    }

    private IOutboxPrecondition? UnmetPrecondition(string kind) =>
        _preconditions.FirstOrDefault(p => p.AppliesTo(kind) && !p.IsSatisfied);

    private async Task RunLeaseAsync(OutboxLease lease, TaskCompletionSource done, CancellationToken stopping)
    {
        try
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await AttemptAsync(lease, stopping).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception ex) when (ex is SegurException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The completion could not be stored: the lease expires and the item is retried.
            OutboxLog.LoopFailed(_logger, ex, _options.LeaseDuration);
        }
        finally
        {
            _inFlight.TryRemove(lease.Item.Id, out _);
            done.TrySetResult();
            Wake();
        }
    }

    private async Task AttemptAsync(OutboxLease lease, CancellationToken stopping)
    {
        var item = lease.Item;
        var now = _time.GetUtcNow();
        if (stopping.IsCancellationRequested)
        {
            await FinishAsync(lease, Deferred(item, now), OutboxOutcome.Deferred, null, null).ConfigureAwait(false);
            return;
        }

        if (UnmetPrecondition(item.Kind) is { } missing)
        {
            await FinishAsync(lease, Base(item, OutboxItemState.Waiting, now) with { WaitingFor = missing.Name, UncountAttempt = true }, OutboxOutcome.Waiting, null, null).ConfigureAwait(false);
            return;
        }

        var decision = _breaker.Enter(item.Kind, now);
        if (decision == OutboxCircuitBreaker.Decision.Open)
        {
            await FinishAsync(lease, Deferred(item, _breaker.OpenUntil(item.Kind) ?? now), OutboxOutcome.Deferred, null, null).ConfigureAwait(false);
            return;
        }

        ReadOnlyMemory<byte> payload;
        try
        {
            payload = await _outbox.OpenPayloadAsync(lease, stopping).ConfigureAwait(false);
        }
        catch (SegurException ex)
        {
            _breaker.Record(item.Kind, transientFailure: false, now);
            await FinishAsync(lease, Base(item, OutboxItemState.Dead, now) with { ErrorCode = ex.ErrorCode, Error = ex.Message }, OutboxOutcome.DeadLettered, ex.ErrorCode, ex.Message).ConfigureAwait(false);
            return;
        }

        var remaining = (item.LeaseExpiresAt ?? now + _options.LeaseDuration) - now - TimeSpan.FromMilliseconds(50);
        using var leaseTimeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(leaseTimeout.Token, stopping);
        var context = new OutboxAttemptContext(item, payload, lease.LeaseWasExpired);
        var tags = new TagList { { OutboxMetrics.NameTag, _options.Name }, { OutboxMetrics.KindTag, item.Kind } };
        OutboxMetrics.Attempts.Add(1, tags);
        Interlocked.Increment(ref _attemptsMade);
        var started = _time.GetTimestamp();
        Exception? failure = null;
        try
        {
            await _handlers[item.Kind].HandleAsync(context, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        OutboxMetrics.Duration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        now = _time.GetUtcNow();
        if (failure is null)
        {
            _breaker.Record(item.Kind, transientFailure: false, now);
            OutboxLog.Sent(_logger, item.Id, item.Kind, item.Attempts);
            await FinishAsync(lease, Base(item, OutboxItemState.Sent, now) with { KeepPayload = _options.KeepSentPayloads }, OutboxOutcome.Sent, null, null).ConfigureAwait(false);
            return;
        }

        if (failure is OperationCanceledException && stopping.IsCancellationRequested && !leaseTimeout.IsCancellationRequested)
        {
            // Stopping: the attempt may or may not have reached the receiver; it stays counted, so the next one is a retry.
            _breaker.Record(item.Kind, transientFailure: false, now);
            await FinishAsync(lease, Deferred(item, now) with { UncountAttempt = false }, OutboxOutcome.Deferred, null, null).ConfigureAwait(false);
            return;
        }

        if (failure is OutboxPreconditionNotMetException p && _preconditions.Any(x => string.Equals(x.Name, p.Precondition, StringComparison.Ordinal)))
        {
            _breaker.Record(item.Kind, transientFailure: false, now);
            _resumeRequested = true; // it may already be back
            OutboxLog.Waiting(_logger, item.Kind, p.Precondition);
            await FinishAsync(lease, Base(item, OutboxItemState.Waiting, now) with { WaitingFor = p.Precondition, UncountAttempt = true, ErrorCode = p.ErrorCode, Error = p.Message }, OutboxOutcome.Waiting, p.ErrorCode, p.Message).ConfigureAwait(false);
            return;
        }

        var (code, message, transient, retryAfter) = Classify(failure, leaseTimeout.IsCancellationRequested);
        if (transient)
        {
            if (_breaker.Record(item.Kind, transientFailure: true, now))
            {
                OutboxLog.CircuitOpened(_logger, item.Kind, _breaker.OpenUntil(item.Kind) ?? now);
            }

            if (item.Attempts < _options.MaxAttempts)
            {
                var next = now + RetryDelay(item.Attempts, retryAfter);
                OutboxLog.Retrying(_logger, item.Id, item.Kind, item.Attempts, code, next);
                await FinishAsync(lease, Base(item, OutboxItemState.Ready, now) with { NextAttemptAt = next, ErrorCode = code, Error = message }, OutboxOutcome.Retrying, code, message).ConfigureAwait(false);
                return;
            }

            message = $"{CoreErrorCodes.OutboxAttemptsExhausted}: gave up after {item.Attempts} attempts; last error {message}";
            code = CoreErrorCodes.OutboxAttemptsExhausted;
        }
        else
        {
            _breaker.Record(item.Kind, transientFailure: false, now);
        }

        OutboxLog.DeadLettered(_logger, item.Id, item.Kind, item.Attempts, code, message);
        await FinishAsync(lease, Base(item, OutboxItemState.Dead, now) with { ErrorCode = code, Error = message }, OutboxOutcome.DeadLettered, code, message).ConfigureAwait(false);
    }

    private (string Code, string Message, bool Transient, TimeSpan? RetryAfter) Classify(Exception failure, bool leaseTimedOut)
    {
        if (leaseTimedOut && failure is OperationCanceledException)
        {
            return (CoreErrorCodes.OutboxAttemptTimedOut, $"{CoreErrorCodes.OutboxAttemptTimedOut}: the attempt did not finish within the lease ({_options.LeaseDuration}).", true, null);
        }

        return failure switch
        {
            SegurTransportException t => (t.ErrorCode, t.Message, t.IsTransient, t.RetryAfter),
            SegurException s => (s.ErrorCode, s.Message, s.IsTransient, null),
            TimeoutException or IOException or HttpRequestException or SocketException =>
                (CoreErrorCodes.TransportFailed, $"{CoreErrorCodes.TransportFailed}: {Describe(failure)}", true, null),
            _ => (CoreErrorCodes.OutboxHandlerFailed, $"{CoreErrorCodes.OutboxHandlerFailed}: the handler failed with {Describe(failure)}", false, null),
        };
    }

    // Exception messages from outside the SDK may hold patient data: only the type unless sensitive logging is on.
    private string Describe(Exception ex) =>
        _options.EnableSensitiveDataLogging ? $"{ex.GetType().FullName}: {ex.Message}" : ex.GetType().FullName ?? ex.GetType().Name;

    internal TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var raw = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        var capped = Math.Min(raw, _options.RetryMaxDelay.TotalMilliseconds);
        var jitter = _options.Jitter?.Invoke() ?? Random.Shared.NextDouble();
        var delay = TimeSpan.FromMilliseconds((capped / 2) + (jitter * capped / 2));
        return retryAfter is { } after && after > delay ? after : delay;
    }

    private static OutboxCompletion Base(OutboxItem item, OutboxItemState state, DateTimeOffset now) =>
        new() { Id = item.Id, LeaseToken = string.Empty, State = state, Now = now, NextAttemptAt = now };

    private static OutboxCompletion Deferred(OutboxItem item, DateTimeOffset nextAttemptAt) =>
        new() { Id = item.Id, LeaseToken = string.Empty, State = OutboxItemState.Ready, Now = nextAttemptAt, NextAttemptAt = nextAttemptAt, UncountAttempt = true };

    private async Task FinishAsync(OutboxLease lease, OutboxCompletion completion, OutboxOutcome outcome, string? code, string? message)
    {
        // Never cancelled: the outcome must be stored even while stopping.
        var stored = await _store.CompleteAsync(completion with { LeaseToken = lease.LeaseToken }, CancellationToken.None).ConfigureAwait(false);
        if (!stored)
        {
            OutboxLog.LeaseLost(_logger, lease.Item.Id);
            outcome = OutboxOutcome.LeaseLost;
        }

        OutboxMetrics.Outcome(_options.Name, lease.Item.Kind, outcome, code);
        AttemptCompleted?.Invoke(this, new OutboxItemEventArgs(lease.Item.Id, lease.Item.Kind, outcome, lease.Item.Attempts, code, message));
    }
}
