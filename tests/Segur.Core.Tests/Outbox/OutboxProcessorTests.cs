using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Segur.Outbox;
using Segur.Testing;
using Segur.Testing.Outbox;

namespace Segur.Core.Tests.Outbox;

public sealed class OutboxProcessorTests : IAsyncDisposable
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly InMemoryOutboxStore _store = new();
    private readonly DurableOutbox _outbox;

    public OutboxProcessorTests()
    {
        _outbox = new DurableOutbox(_store, new OutboxOptions
        {
            TimeProvider = _time,
            RetryBaseDelay = TimeSpan.FromSeconds(2),
            RetryMaxDelay = TimeSpan.FromMinutes(1),
            MaxAttempts = 4,
            CircuitBreakerFailureThreshold = 3,
            CircuitBreakerBreakDuration = TimeSpan.FromMinutes(5),
            Jitter = () => 1.0, // delay = full exponential value
        });
    }

    public async ValueTask DisposeAsync() => await _outbox.DisposeAsync();

    private static OutboxEnqueueRequest Request(string kind = "dmp.feed", string? partition = null, string? key = null, string payload = "doc", bool held = false) =>
        new() { Kind = kind, Payload = Encoding.UTF8.GetBytes(payload), PartitionKey = partition, IdempotencyKey = key, Held = held };

    [Fact]
    public async Task RunUntilIdleAsync_HandlerSucceeds_ItemIsSentWithItsPayloadAndEventRaised()
    {
        var handler = new RecordingHandler("dmp.feed");
        var id = (await _outbox.EnqueueAsync(Request(payload: "hello"))).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        var events = new List<OutboxItemEventArgs>();
        processor.AttemptCompleted += (_, e) => events.Add(e);

        Assert.Equal(1, await processor.RunUntilIdleAsync());

        var item = await _outbox.GetAsync(id);
        Assert.Equal(OutboxItemState.Sent, item!.State);
        Assert.Equal(_time.GetUtcNow(), item.CompletedAt);
        Assert.Equal("hello", Assert.Single(handler.Payloads));
        Assert.False(Assert.Single(handler.Contexts).IsRetry);
        Assert.Equal(OutboxOutcome.Sent, Assert.Single(events).Outcome);
    }

    [Fact]
    public async Task RunUntilIdleAsync_TransientFailure_RetriesAfterExponentialBackoffAndTellsTheHandler()
    {
        var handler = new RecordingHandler("dmp.feed", failures: [Transient(), Transient()]);
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler]);

        await processor.RunUntilIdleAsync();
        var item = await _outbox.GetAsync(id);
        Assert.Equal(OutboxItemState.Ready, item!.State);
        Assert.Equal(CoreErrorCodes.TransportFailed, item.LastErrorCode);
        Assert.Equal(_time.GetUtcNow().AddSeconds(2), item.NextAttemptAt);

        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(0, await processor.RunUntilIdleAsync());
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await processor.RunUntilIdleAsync();
        Assert.Equal(_time.GetUtcNow().AddSeconds(4), (await _outbox.GetAsync(id))!.NextAttemptAt); // doubled

        _time.Advance(TimeSpan.FromSeconds(4));
        await processor.RunUntilIdleAsync();
        Assert.Equal(OutboxItemState.Sent, (await _outbox.GetAsync(id))!.State);
        Assert.Equal([false, true, true], handler.Contexts.Select(c => c.IsRetry));
        Assert.Equal([1, 2, 3], handler.Contexts.Select(c => c.Attempt));
    }

    [Fact]
    public async Task RunUntilIdleAsync_TransientFailuresBeyondMaxAttempts_DeadLettersWithReason()
    {
        var handler = new RecordingHandler("dmp.feed", failures: Enumerable.Range(0, 10).Select(_ => Transient()).ToArray());
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        for (var i = 0; i < 4; i++)
        {
            await processor.RunUntilIdleAsync();
            _time.Advance(TimeSpan.FromMinutes(6)); // past the retry delay and the circuit's break
        }

        var dead = Assert.Single(await _outbox.ListDeadLettersAsync());
        Assert.Equal(id, dead.Id);
        Assert.Equal(CoreErrorCodes.OutboxAttemptsExhausted, dead.LastErrorCode);
        Assert.Contains(CoreErrorCodes.TransportFailed, dead.LastError);
        Assert.Equal(4, handler.Contexts.Count);
    }

    [Fact]
    public async Task RunUntilIdleAsync_PermanentFailure_DeadLettersAtOnce_RequeueSendsIt()
    {
        var handler = new RecordingHandler("dmp.feed", failures: [new SegurServiceException("SGR-4010", "SGR-4010: the DMP refused the document.")]);
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        await processor.RunUntilIdleAsync();

        var dead = Assert.Single(await _outbox.ListDeadLettersAsync());
        Assert.Equal("SGR-4010", dead.LastErrorCode);
        Assert.Equal("SGR-4010: the DMP refused the document.", dead.LastError);

        await _outbox.RequeueAsync(id);
        await processor.RunUntilIdleAsync();
        Assert.Equal(OutboxItemState.Sent, (await _outbox.GetAsync(id))!.State);
        Assert.False(handler.Contexts[1].IsRetry); // attempts reset by the requeue
    }

    [Fact]
    public async Task RunUntilIdleAsync_UnknownException_DeadLettersWithoutItsMessage()
    {
        var handler = new RecordingHandler("dmp.feed", failures: [new InvalidCastException("patient Jeanne DUPONT")]);
        await _outbox.EnqueueAsync(Request());
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        await processor.RunUntilIdleAsync();
        var dead = Assert.Single(await _outbox.ListDeadLettersAsync());
        Assert.Equal(CoreErrorCodes.OutboxHandlerFailed, dead.LastErrorCode);
        Assert.DoesNotContain("DUPONT", dead.LastError);
        Assert.Contains("InvalidCastException", dead.LastError);
    }

    [Fact]
    public async Task RunUntilIdleAsync_RetryAfterLongerThanBackoff_IsHonoured()
    {
        var handler = new RecordingHandler("dmp.feed", failures: [new SegurTransportException(CoreErrorCodes.HttpStatus, "busy") { RetryAfter = TimeSpan.FromMinutes(3) }]);
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        await processor.RunUntilIdleAsync();
        Assert.Equal(_time.GetUtcNow().AddMinutes(3), (await _outbox.GetAsync(id))!.NextAttemptAt);
    }

    [Fact]
    public async Task RunUntilIdleAsync_HeldItem_IsNotSentUntilReleased()
    {
        var handler = new RecordingHandler("dmp.feed");
        var id = (await _outbox.EnqueueAsync(Request(held: true))).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        Assert.Equal(0, await processor.RunUntilIdleAsync());
        Assert.Equal(OutboxItemState.Held, (await _outbox.GetAsync(id))!.State);

        await _outbox.ReleaseAsync(id);
        Assert.Equal(1, await processor.RunUntilIdleAsync());
        Assert.Equal(OutboxItemState.Sent, (await _outbox.GetAsync(id))!.State);
    }

    [Fact]
    public async Task CancelAsync_ReadyItem_IsNeverSent()
    {
        var handler = new RecordingHandler("dmp.feed");
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        Assert.Equal(OutboxItemState.Cancelled, (await _outbox.CancelAsync(id)).State);
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        Assert.Equal(0, await processor.RunUntilIdleAsync());
        Assert.Empty(handler.Contexts);
    }

    [Fact]
    public async Task RunUntilIdleAsync_KindWithoutHandler_StaysReady()
    {
        var id = (await _outbox.EnqueueAsync(Request(kind: "mss.send"))).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [new RecordingHandler("dmp.feed")]);
        Assert.Equal(0, await processor.RunUntilIdleAsync());
        Assert.Equal(OutboxItemState.Ready, (await _outbox.GetAsync(id))!.State);
    }

    [Fact]
    public async Task RunUntilIdleAsync_PerPartitionOrder_IsKeptWithConcurrency()
    {
        var handler = new RecordingHandler("dmp.feed") { Delay = true };
        for (var i = 0; i < 30; i++)
        {
            await _outbox.EnqueueAsync(Request(partition: "p" + (i % 3), payload: i.ToString("D2")));
        }

        await using var processor = new OutboxProcessor(_outbox, [handler]);
        await processor.RunUntilIdleAsync();

        Assert.Equal(30, handler.Payloads.Count);
        foreach (var group in handler.Payloads.Select(int.Parse).GroupBy(i => i % 3))
        {
            Assert.Equal(group.Order(), group);
        }

        Assert.True(handler.MaxConcurrent <= 4, $"max concurrency {handler.MaxConcurrent}");
        Assert.Equal(1, handler.MaxConcurrentPerPartition);
    }

    [Fact]
    public async Task RunUntilIdleAsync_ManyItems_ConcurrencyIsBounded()
    {
        var handler = new RecordingHandler("dmp.feed") { Delay = true };
        for (var i = 0; i < 40; i++)
        {
            await _outbox.EnqueueAsync(Request());
        }

        await using var processor = new OutboxProcessor(_outbox, [handler]);
        await processor.RunUntilIdleAsync();
        Assert.Equal(40, handler.Payloads.Count);
        Assert.InRange(handler.MaxConcurrent, 2, 4);
    }

    [Fact]
    public async Task RunAsync_PreconditionLostThenRestored_ItemsWaitThenResumeOnTheSignal()
    {
        var network = new OutboxPrecondition("network", satisfied: false, "dmp.feed");
        var handler = new RecordingHandler("dmp.feed");
        await using var processor = new OutboxProcessor(_outbox, [handler], [network]);
        var sent = new TaskCompletionSource();
        var waiting = new TaskCompletionSource();
        processor.AttemptCompleted += (_, e) =>
        {
            if (e.Outcome == OutboxOutcome.Sent)
            {
                sent.TrySetResult();
            }
        };

        using var cts = new CancellationTokenSource();
        var run = processor.RunAsync(cts.Token);
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await WaitUntilAsync(async () => (await _outbox.GetAsync(id))!.State == OutboxItemState.Waiting);
        var item = await _outbox.GetAsync(id);
        Assert.Equal("network", item!.WaitingFor);
        Assert.Empty(handler.Contexts);

        network.Set(true); // no clock movement: the signal alone resumes the item
        await sent.Task.WaitAsync(Safety);
        Assert.Equal(OutboxItemState.Sent, (await _outbox.GetAsync(id))!.State);
        cts.Cancel();
        await run.WaitAsync(Safety);
    }

    [Fact]
    public async Task RunUntilIdleAsync_HandlerReportsMissingCard_WaitsWithoutUsingAnAttempt()
    {
        var card = new OutboxPrecondition("card", satisfied: true);
        var handler = new RecordingHandler("dmp.feed", failures: [new OutboxPreconditionNotMetException("card", "No CPS card in the reader.")]);
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler], [card]);
        await processor.RunUntilIdleAsync();
        var item = await _outbox.GetAsync(id);
        Assert.Equal(OutboxItemState.Sent, item!.State);
        Assert.Equal(2, handler.Contexts.Count);
        Assert.Equal(1, handler.Contexts[1].Attempt); // the precondition attempt did not count
    }

    [Fact]
    public async Task RunUntilIdleAsync_HandlerReportsMissingPrecondition_ItemWaitsUntilSignalled()
    {
        var card = new OutboxPrecondition("card", satisfied: true);
        var handler = new RecordingHandler("dmp.feed", failures: [new OutboxPreconditionNotMetException("card")]) { OnFailure = () => card.Set(false) };
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler], [card]);
        await processor.RunUntilIdleAsync();
        var item = await _outbox.GetAsync(id);
        Assert.Equal(OutboxItemState.Waiting, item!.State);
        Assert.Equal("card", item.WaitingFor);
        Assert.Equal(0, item.Attempts);

        card.Set(true);
        await processor.RunUntilIdleAsync();
        Assert.Equal(OutboxItemState.Sent, (await _outbox.GetAsync(id))!.State);
    }

    [Fact]
    public async Task RunUntilIdleAsync_UnregisteredPreconditionName_IsRetriedLikeATransientFailure()
    {
        var handler = new RecordingHandler("dmp.feed", failures: [new OutboxPreconditionNotMetException("token")]);
        var id = (await _outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        await processor.RunUntilIdleAsync();
        var item = await _outbox.GetAsync(id);
        Assert.Equal(OutboxItemState.Ready, item!.State);
        Assert.Equal(CoreErrorCodes.OutboxPreconditionNotMet, item.LastErrorCode);
    }

    [Fact]
    public async Task RunUntilIdleAsync_RepeatedTransientFailures_OpenTheKindsCircuitOnly()
    {
        var failing = new RecordingHandler("dmp.feed", failures: Enumerable.Range(0, 3).Select(_ => Transient()).ToArray());
        var other = new RecordingHandler("mss.send");
        for (var i = 0; i < 5; i++)
        {
            await _outbox.EnqueueAsync(Request());
        }

        await using var processor = new OutboxProcessor(_outbox, [failing, other]);
        await processor.RunUntilIdleAsync();
        Assert.Equal(3, failing.Contexts.Count); // three failures, then the kind is paused
        Assert.Empty(failing.Payloads);

        await _outbox.EnqueueAsync(Request(kind: "mss.send"));
        _time.Advance(TimeSpan.FromMinutes(1)); // retries are due, but the circuit is open for 5 minutes
        await processor.RunUntilIdleAsync();
        Assert.Single(other.Payloads);
        Assert.Equal(3, failing.Contexts.Count - failing.Payloads.Count);
        var dmpSentSoFar = failing.Payloads.Count;

        _time.Advance(TimeSpan.FromMinutes(4)); // half-open: a trial succeeds and closes the circuit
        await processor.RunUntilIdleAsync();
        Assert.Equal(5, failing.Payloads.Count);
        Assert.True(dmpSentSoFar < 5);
    }

    [Fact]
    public async Task RunUntilIdleAsync_HandlerOutlivesItsLease_IsCancelledAndRetried()
    {
        var options = new OutboxOptions { TimeProvider = _time, LeaseDuration = TimeSpan.FromSeconds(30), Jitter = () => 0 };
        await using var outbox = new DurableOutbox(_store, options);
        var started = new TaskCompletionSource();
        var handler = new RecordingHandler("dmp.feed") { Hang = started };
        var id = (await outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(outbox, [handler]);
        var run = processor.RunUntilIdleAsync();
        await started.Task.WaitAsync(Safety);
        _time.Advance(TimeSpan.FromSeconds(30));
        await run.WaitAsync(Safety);

        var item = await outbox.GetAsync(id);
        Assert.Equal(OutboxItemState.Ready, item!.State);
        Assert.Equal(CoreErrorCodes.OutboxAttemptTimedOut, item.LastErrorCode);
    }

    [Fact]
    public async Task RunUntilIdleAsync_EncryptedPayload_HandlerGetsPlaintext_WrongKeyDeadLetters()
    {
        var key = new OutboxEncryptionKey("k1", new byte[32]);
        var store = new InMemoryOutboxStore();
        await using var outbox = new DurableOutbox(store, new OutboxOptions { TimeProvider = _time, KeyProvider = new StaticOutboxKeyProvider(key) });
        var id = (await outbox.EnqueueAsync(Request(payload: "secret CDA"))).OperationId;
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(store.GetStoredPayload(id)!));
        var handler = new RecordingHandler("dmp.feed");
        await using (var processor = new OutboxProcessor(outbox, [handler]))
        {
            await processor.RunUntilIdleAsync();
        }

        Assert.Equal("secret CDA", Assert.Single(handler.Payloads));

        var wrong = new byte[32];
        wrong[31] = 1;
        await using var other = new DurableOutbox(store, new OutboxOptions { TimeProvider = _time, KeyProvider = new StaticOutboxKeyProvider(new OutboxEncryptionKey("k1", wrong)) });
        await other.EnqueueAsync(Request(payload: "x"));
        await using var wrongProcessor = new OutboxProcessor(outbox, [handler]); // reads with the right key...
        await using var missingKey = new DurableOutbox(store, new OutboxOptions { TimeProvider = _time });
        await using var noKeyProcessor = new OutboxProcessor(missingKey, [handler]);
        await noKeyProcessor.RunUntilIdleAsync(); // ...but this one has no key at all
        var dead = Assert.Single(await outbox.ListDeadLettersAsync());
        Assert.Equal(CoreErrorCodes.OutboxEncryptionKeyMissing, dead.LastErrorCode);

        await outbox.RequeueAsync(dead.Id);
        await wrongProcessor.RunUntilIdleAsync(); // same key id, other bytes: the tag check fails
        Assert.Equal(CoreErrorCodes.OutboxPayloadDecryptionFailed, Assert.Single(await outbox.ListDeadLettersAsync()).LastErrorCode);
    }

    [Fact]
    public async Task RunUntilIdleAsync_SentItemsOlderThanRetention_ArePurged()
    {
        var options = new OutboxOptions { TimeProvider = _time, SentRetention = TimeSpan.FromDays(7), HousekeepingInterval = TimeSpan.FromHours(1) };
        await using var outbox = new DurableOutbox(_store, options);
        var id = (await outbox.EnqueueAsync(Request())).OperationId;
        await using var processor = new OutboxProcessor(outbox, [new RecordingHandler("dmp.feed")]);
        await processor.RunUntilIdleAsync();
        _time.Advance(TimeSpan.FromDays(6));
        await processor.RunUntilIdleAsync();
        Assert.NotNull(await outbox.GetAsync(id));
        _time.Advance(TimeSpan.FromDays(1.1));
        await processor.RunUntilIdleAsync();
        Assert.Null(await outbox.GetAsync(id));
    }

    [Fact]
    public async Task RunUntilIdleAsync_PublishesAttemptsOutcomesAndDepthOnTheCoreMeter()
    {
        var measurements = new ConcurrentBag<(string Name, double Value, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Segur.Core" && instrument.Name.StartsWith("segur.outbox.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? outcome = null;
            var mine = false;
            foreach (var t in tags)
            {
                outcome = t.Key == "segur.outbox.outcome" ? (string?)t.Value : outcome;
                mine |= t.Key == "segur.outbox.name" && (string?)t.Value == "metrics-test";
            }

            if (mine)
            {
                measurements.Add((i.Name, v, outcome));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();

        await using var outbox = new DurableOutbox(_store, new OutboxOptions { TimeProvider = _time, Name = "metrics-test", Jitter = () => 0 });
        await outbox.EnqueueAsync(Request());
        await outbox.EnqueueAsync(Request(kind: "k2"));
        await using var processor = new OutboxProcessor(outbox, [new RecordingHandler("dmp.feed"), new RecordingHandler("k2", failures: [Transient()])]);
        await processor.RunUntilIdleAsync();
        _time.Advance(TimeSpan.FromMinutes(10));
        listener.RecordObservableInstruments();

        Assert.Equal(2, measurements.Where(m => m.Name == "segur.outbox.attempts").Sum(m => m.Value));
        Assert.Contains(measurements, m => m.Name == "segur.outbox.outcomes" && m.Outcome == "sent");
        Assert.Contains(measurements, m => m.Name == "segur.outbox.outcomes" && m.Outcome == "retrying");
        Assert.Contains(measurements, m => m.Name == "segur.outbox.queue.depth" && m.Value == 1);
        Assert.Contains(measurements, m => m.Name == "segur.outbox.oldest_item.age" && m.Value == 600);
    }

    [Fact]
    public void RetryDelay_GrowsExponentiallyIsCappedAndJittered()
    {
        var jitter = 0.0;
        var outbox = new DurableOutbox(_store, new OutboxOptions { TimeProvider = _time, RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(60), Jitter = () => jitter });
        var processor = new OutboxProcessor(outbox, []);
        Assert.Equal(TimeSpan.FromSeconds(0.5), processor.RetryDelay(1, null));
        Assert.Equal(TimeSpan.FromSeconds(4), processor.RetryDelay(4, null));
        Assert.Equal(TimeSpan.FromSeconds(30), processor.RetryDelay(20, null));
        jitter = 0.999;
        Assert.InRange(processor.RetryDelay(4, null), TimeSpan.FromSeconds(7.99), TimeSpan.FromSeconds(8));
        Assert.Equal(TimeSpan.FromSeconds(90), processor.RetryDelay(1, TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public async Task RunUntilIdleAsync_AlreadyRunning_Throws()
    {
        var started = new TaskCompletionSource();
        var handler = new RecordingHandler("dmp.feed") { Hang = started };
        await _outbox.EnqueueAsync(Request());
        await using var processor = new OutboxProcessor(_outbox, [handler]);
        using var cts = new CancellationTokenSource();
        var run = processor.RunAsync(cts.Token);
        await started.Task.WaitAsync(Safety);
        await Assert.ThrowsAsync<InvalidOperationException>(() => processor.RunUntilIdleAsync());
        cts.Cancel();
        await run.WaitAsync(Safety);
        var item = Assert.Single(await _outbox.QueryAsync(new OutboxQuery()));
        Assert.Equal(OutboxItemState.Ready, item.State); // put back on stop, attempt kept so the next is a retry
        Assert.Equal(1, item.Attempts);
    }

    private static SegurTransportException Transient() => new(CoreErrorCodes.TransportFailed, "network down");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Safety);
        while (!await condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private sealed class RecordingHandler(string kind, params Exception[] failures) : IOutboxHandler
    {
        private readonly Queue<Exception> _failures = new(failures);
        private readonly ConcurrentDictionary<string, int> _perPartition = new();
        private int _concurrent;

        public string Kind => kind;

        public List<OutboxAttemptContext> Contexts { get; } = [];

        public List<string> Payloads { get; } = [];

        public bool Delay { get; init; }

        public TaskCompletionSource? Hang { get; init; }

        public Action? OnFailure { get; init; }

        public int MaxConcurrent { get; private set; }

        public int MaxConcurrentPerPartition { get; private set; }

        public async Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _concurrent);
            var partition = context.Item.PartitionKey ?? Guid.NewGuid().ToString();
            var inPartition = _perPartition.AddOrUpdate(partition, 1, (_, n) => n + 1);
            try
            {
                Exception? failure = null;
                lock (Contexts)
                {
                    Contexts.Add(context);
                    MaxConcurrent = Math.Max(MaxConcurrent, now);
                    MaxConcurrentPerPartition = Math.Max(MaxConcurrentPerPartition, inPartition);
                    if (_failures.Count > 0)
                    {
                        failure = _failures.Dequeue();
                    }
                }

                if (Hang is not null)
                {
                    Hang.TrySetResult();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                if (Delay)
                {
                    await Task.Delay(5, CancellationToken.None);
                }

                if (failure is not null)
                {
                    OnFailure?.Invoke();
                    throw failure;
                }

                lock (Contexts)
                {
                    Payloads.Add(Encoding.UTF8.GetString(context.Payload.Span));
                }
            }
            finally
            {
                _perPartition.AddOrUpdate(partition, 0, (_, n) => n - 1);
                Interlocked.Decrement(ref _concurrent);
            }
        }
    }
}
