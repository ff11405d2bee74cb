using Segur.Outbox;

namespace Segur.Testing.Outbox;

/// <summary>
/// An <see cref="IOutboxStore"/> in memory, for tests only: nothing survives the process. Same rules as the SQLite
/// store (idempotency, partition ordering, leases, commands), so tests of handlers and processors behave alike.
/// </summary>
public sealed class InMemoryOutboxStore : IOutboxStore
{
    private readonly object _lock = new();
    private readonly List<Entry> _entries = [];
    private long _sequence;

    /// <summary>How many items are stored (any state).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>When set, every write throws it (to simulate a failing disk).</summary>
    public SegurException? FailWrites { get; set; }

    /// <summary>Reads the stored payload of an item (as stored: encrypted when a key is configured).</summary>
    /// <param name="id">The operation id.</param>
    /// <returns>The stored bytes, or <see langword="null"/> when unknown.</returns>
    public byte[]? GetStoredPayload(Guid id)
    {
        lock (_lock)
        {
            return _entries.FirstOrDefault(e => e.Item.Id == id)?.Payload;
        }
    }

    /// <inheritdoc />
    public Task<OutboxEnqueueResult> AddAsync(OutboxRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            ThrowIfFailing();
            if (record.IdempotencyKey is not null && _entries.FirstOrDefault(e => e.Item.IdempotencyKey == record.IdempotencyKey && IsLive(e.Item.State)) is { } existing)
            {
                return Task.FromResult(new OutboxEnqueueResult(existing.Item.Id, true));
            }

            _entries.Add(new Entry(new OutboxItem
            {
                Id = record.Id,
                Sequence = ++_sequence,
                Kind = record.Kind,
                State = record.Held ? OutboxItemState.Held : OutboxItemState.Ready,
                IdempotencyKey = record.IdempotencyKey,
                PartitionKey = record.PartitionKey,
                Target = record.Target,
                Metadata = record.Metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(record.Metadata),
                CreatedAt = record.CreatedAt,
                NextAttemptAt = record.NextAttemptAt,
                HoldReason = record.Held ? record.HoldReason : null,
                PayloadSize = record.Payload.Length,
                PayloadKeyId = record.PayloadKeyId,
            }, record.Payload.ToArray()));
            return Task.FromResult(new OutboxEnqueueResult(record.Id, false));
        }
    }

    /// <inheritdoc />
    public Task<OutboxItem?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.FirstOrDefault(e => e.Item.Id == id)?.Item);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxItem>> QueryAsync(OutboxQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        lock (_lock)
        {
            IReadOnlyList<OutboxItem> items = _entries.Select(e => e.Item)
                .Where(i => (query.State is null || i.State == query.State)
                    && (query.Kind is null || i.Kind == query.Kind)
                    && (query.PartitionKey is null || i.PartitionKey == query.PartitionKey)
                    && (query.Target is null || i.Target == query.Target)
                    && (query.IdempotencyKey is null || i.IdempotencyKey == query.IdempotencyKey))
                .Take(query.Limit).ToList();
            return Task.FromResult(items);
        }
    }

    /// <inheritdoc />
    public Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var pending = _entries.Select(e => e.Item).Where(i => i.State is OutboxItemState.Ready or OutboxItemState.Held or OutboxItemState.Leased or OutboxItemState.Waiting).ToList();
            var ready = _entries.Select(e => e.Item).Where(i => i.State == OutboxItemState.Ready).ToList();
            return Task.FromResult(new OutboxStatistics
            {
                CountByState = _entries.GroupBy(e => e.Item.State).ToDictionary(g => g.Key, g => (long)g.Count()),
                Pending = pending.Count,
                OldestPendingCreatedAt = pending.Count == 0 ? null : pending.Min(i => i.CreatedAt),
                NextDueAt = ready.Count == 0 ? null : ready.Min(i => i.NextAttemptAt),
            });
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxLease>> AcquireAsync(OutboxAcquireRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            ThrowIfFailing();
            var leases = new List<OutboxLease>();
            foreach (var entry in _entries)
            {
                if (leases.Count >= request.MaxItems)
                {
                    break;
                }

                var i = entry.Item;
                var expired = i.State == OutboxItemState.Leased && i.LeaseExpiresAt <= request.Now;
                var due = (i.State == OutboxItemState.Ready && i.NextAttemptAt <= request.Now) || expired;
                if (!due || !request.Kinds.Contains(i.Kind))
                {
                    continue;
                }

                if (i.PartitionKey is not null && _entries.Any(p => p.Item.PartitionKey == i.PartitionKey && p.Item.Sequence < i.Sequence
                    && p.Item.State is OutboxItemState.Ready or OutboxItemState.Leased or OutboxItemState.Waiting))
                {
                    continue;
                }

                entry.LeaseToken = Guid.NewGuid().ToString("N");
                entry.Item = i with { State = OutboxItemState.Leased, Attempts = i.Attempts + 1, LeaseExpiresAt = request.Now + request.LeaseDuration, WaitingFor = null };
                leases.Add(new OutboxLease(entry.Item, entry.LeaseToken, entry.Payload.ToArray(), expired));
            }

            return Task.FromResult<IReadOnlyList<OutboxLease>>(leases);
        }
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(OutboxCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        lock (_lock)
        {
            ThrowIfFailing();
            var entry = _entries.FirstOrDefault(e => e.Item.Id == completion.Id);
            if (entry is null || entry.Item.State != OutboxItemState.Leased || entry.LeaseToken != completion.LeaseToken)
            {
                return Task.FromResult(false);
            }

            var i = entry.Item with { State = completion.State, LeaseExpiresAt = null };
            i = completion.State switch
            {
                OutboxItemState.Sent => i with { CompletedAt = completion.Now, LastError = null, LastErrorCode = null },
                OutboxItemState.Ready => i with { NextAttemptAt = completion.NextAttemptAt, LastError = completion.Error, LastErrorCode = completion.ErrorCode },
                OutboxItemState.Dead => i with { CompletedAt = completion.Now, LastError = completion.Error, LastErrorCode = completion.ErrorCode },
                OutboxItemState.Waiting => i with { WaitingFor = completion.WaitingFor, NextAttemptAt = completion.Now, LastError = completion.Error, LastErrorCode = completion.ErrorCode },
                _ => throw new ArgumentException($"An attempt cannot end in state {completion.State}.", nameof(completion)),
            };
            if (completion.UncountAttempt)
            {
                i = i with { Attempts = Math.Max(i.Attempts - 1, 0) };
            }

            if (completion.State == OutboxItemState.Sent && !completion.KeepPayload)
            {
                entry.Payload = [];
                i = i with { PayloadSize = 0 };
            }

            entry.Item = i;
            entry.LeaseToken = null;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<OutboxItem> ApplyAsync(Guid id, OutboxCommand command, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ThrowIfFailing();
            var entry = _entries.FirstOrDefault(e => e.Item.Id == id)
                ?? throw new SegurException(CoreErrorCodes.OutboxItemNotFound, $"No outbox item has the id {id}.");
            var i = entry.Item;
            var allowed = command switch
            {
                OutboxCommand.Release => i.State == OutboxItemState.Held,
                OutboxCommand.Cancel => i.State is OutboxItemState.Ready or OutboxItemState.Held or OutboxItemState.Waiting or OutboxItemState.Dead,
                OutboxCommand.Requeue => i.State == OutboxItemState.Dead,
                _ => false,
            };
            if (!allowed)
            {
                throw new SegurException(CoreErrorCodes.OutboxInvalidState, $"Outbox item {id} is {i.State}: {command} is not allowed.");
            }

            if (command == OutboxCommand.Requeue && i.IdempotencyKey is not null
                && _entries.Any(e => e.Item.Id != id && e.Item.IdempotencyKey == i.IdempotencyKey && IsLive(e.Item.State)))
            {
                throw new SegurException(CoreErrorCodes.OutboxIdempotencyConflict, $"Outbox item {id} cannot be requeued: another pending or sent item uses its idempotency key.");
            }

            entry.Item = command switch
            {
                OutboxCommand.Release => i with { State = OutboxItemState.Ready, HoldReason = null, NextAttemptAt = i.NextAttemptAt > now ? i.NextAttemptAt : now },
                OutboxCommand.Cancel => i with { State = OutboxItemState.Cancelled, CompletedAt = now, WaitingFor = null },
                _ => i with { State = OutboxItemState.Ready, Attempts = 0, NextAttemptAt = now, CompletedAt = null, WaitingFor = null },
            };
            return Task.FromResult(entry.Item);
        }
    }

    /// <inheritdoc />
    public Task<int> MarkWaitingAsync(string kind, string precondition, CancellationToken cancellationToken = default) =>
        Update(e => e.Item.State == OutboxItemState.Ready && e.Item.Kind == kind, i => i with { State = OutboxItemState.Waiting, WaitingFor = precondition });

    /// <inheritdoc />
    public Task<int> ResumeWaitingAsync(string precondition, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Update(e => e.Item.State == OutboxItemState.Waiting && e.Item.WaitingFor == precondition,
            i => i with { State = OutboxItemState.Ready, WaitingFor = null, NextAttemptAt = i.NextAttemptAt < now ? i.NextAttemptAt : now });

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ThrowIfFailing();
            return Task.FromResult(_entries.RemoveAll(e => e.Item.State is OutboxItemState.Sent or OutboxItemState.Cancelled && e.Item.CompletedAt < completedBefore));
        }
    }

    private static bool IsLive(OutboxItemState state) => state is not (OutboxItemState.Dead or OutboxItemState.Cancelled);

    private Task<int> Update(Func<Entry, bool> match, Func<OutboxItem, OutboxItem> change)
    {
        lock (_lock)
        {
            ThrowIfFailing();
            var n = 0;
            foreach (var entry in _entries.Where(match))
            {
                entry.Item = change(entry.Item);
                n++;
            }

            return Task.FromResult(n);
        }
    }

    private void ThrowIfFailing()
    {
        if (FailWrites is { } failure)
        {
            throw failure;
        }
    }

    private sealed class Entry(OutboxItem item, byte[] payload)
    {
        public OutboxItem Item { get; set; } = item;

        public byte[] Payload { get; set; } = payload;

        public string? LeaseToken { get; set; }
    }
}
