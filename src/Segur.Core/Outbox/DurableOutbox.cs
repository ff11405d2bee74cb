using Microsoft.Extensions.Logging;

namespace Segur.Outbox;

/// <summary>
/// The <see cref="IOutbox"/> over an <see cref="IOutboxStore"/> (SQLite by default), encrypting payloads when
/// <see cref="OutboxOptions.KeyProvider"/> is set. Thread-safe. Run an <see cref="OutboxProcessor"/> on it to send.
/// </summary>
public sealed class DurableOutbox : IOutbox, IAsyncDisposable
{
    private readonly bool _ownsStore;
    private readonly ILogger _logger;

    /// <summary>Creates an outbox on the default SQLite store (<see cref="OutboxOptions.DatabasePath"/>).</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="SegurValidationException">The options are invalid (<see cref="CoreErrorCodes.OptionsInvalid"/>).</exception>
    public DurableOutbox(OutboxOptions options)
        : this(CreateDefaultStore(options), options, ownsStore: true)
    {
    }

    /// <summary>Creates an outbox on a given store.</summary>
    /// <param name="store">The store (not disposed by the outbox).</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="SegurValidationException">The options are invalid (<see cref="CoreErrorCodes.OptionsInvalid"/>).</exception>
    public DurableOutbox(IOutboxStore store, OutboxOptions options)
        : this(store, options, ownsStore: false)
    {
    }

    private DurableOutbox(IOutboxStore store, OutboxOptions options, bool ownsStore)
    {
        ArgumentNullException.ThrowIfNull(store);
        OutboxOptionsValidator.ThrowIfInvalid(options);
        Store = store;
        Options = options;
        _ownsStore = ownsStore;
        _logger = options.LoggerFactory.CreateLogger("Segur.Outbox");
    }

    /// <summary>Raised after an item was stored (not for duplicates). Processors in this process use it to wake up.</summary>
    public event EventHandler<OutboxItemEventArgs>? Enqueued;

    /// <summary>The store.</summary>
    public IOutboxStore Store { get; }

    /// <summary>The settings.</summary>
    public OutboxOptions Options { get; }

    internal TimeProvider Time => Options.TimeProvider;

    /// <inheritdoc />
    public async Task<OutboxEnqueueResult> EnqueueAsync(OutboxEnqueueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Kind);
        if (request.IdempotencyKey is { Length: 0 })
        {
            throw new ArgumentException("An idempotency key may not be empty; pass null for none.", nameof(request));
        }

        var payload = request.PayloadStream is { } stream ? await ReadBoundedAsync(stream, cancellationToken).ConfigureAwait(false) : request.Payload;
        if (payload.Length > Options.MaxPayloadBytes)
        {
            throw new SegurValidationException(CoreErrorCodes.OutboxPayloadTooLarge, $"The payload is {payload.Length} bytes; the outbox accepts at most {Options.MaxPayloadBytes}.") { Field = nameof(request.Payload) };
        }

        var id = Guid.NewGuid();
        string? keyId = null;
        if (Options.KeyProvider is { } keys)
        {
            var key = await keys.GetCurrentKeyAsync(cancellationToken).ConfigureAwait(false);
            payload = OutboxPayloadProtector.Seal(key, id, request.Kind, payload.Span);
            keyId = key.KeyId;
        }

        var now = Time.GetUtcNow();
        var record = new OutboxRecord
        {
            Id = id,
            Kind = request.Kind,
            Payload = payload,
            PayloadKeyId = keyId,
            Metadata = request.Metadata,
            IdempotencyKey = request.IdempotencyKey,
            PartitionKey = request.PartitionKey,
            Target = request.Target,
            CreatedAt = now,
            NextAttemptAt = request.NotBefore is { } notBefore && notBefore > now ? notBefore : now,
            Held = request.Held,
            HoldReason = request.Held ? request.HoldReason : null,
        };
        var result = await Store.AddAsync(record, cancellationToken).ConfigureAwait(false);
        if (result.Duplicate)
        {
            OutboxLog.Duplicate(_logger, result.OperationId, request.Kind);
        }
        else
        {
            OutboxLog.Enqueued(_logger, id, request.Kind, request.Held);
            Enqueued?.Invoke(this, new OutboxItemEventArgs(id, request.Kind, OutboxOutcome.Enqueued, 0, null, null));
        }

        return result;
    }

    /// <inheritdoc />
    public Task<OutboxItem?> GetAsync(Guid id, CancellationToken cancellationToken = default) => Store.GetAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxItem>> QueryAsync(OutboxQuery query, CancellationToken cancellationToken = default) => Store.QueryAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => Store.GetStatisticsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<OutboxItem> ReleaseAsync(Guid id, CancellationToken cancellationToken = default) => ApplyAsync(id, OutboxCommand.Release, cancellationToken);

    /// <inheritdoc />
    public Task<OutboxItem> CancelAsync(Guid id, CancellationToken cancellationToken = default) => ApplyAsync(id, OutboxCommand.Cancel, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int limit = 100, CancellationToken cancellationToken = default) =>
        Store.QueryAsync(new OutboxQuery { State = OutboxItemState.Dead, Limit = limit }, cancellationToken);

    /// <inheritdoc />
    public Task<OutboxItem> RequeueAsync(Guid id, CancellationToken cancellationToken = default) => ApplyAsync(id, OutboxCommand.Requeue, cancellationToken);

    /// <summary>Disposes the store when the outbox created it.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsStore && Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal async ValueTask<ReadOnlyMemory<byte>> OpenPayloadAsync(OutboxLease lease, CancellationToken cancellationToken)
    {
        if (lease.Item.PayloadKeyId is not { } keyId)
        {
            return lease.Payload;
        }

        var key = Options.KeyProvider is { } keys ? await keys.GetKeyAsync(keyId, cancellationToken).ConfigureAwait(false) : null;
        if (key is null)
        {
            throw new SegurException(CoreErrorCodes.OutboxEncryptionKeyMissing, $"The payload of outbox item {lease.Item.Id} is encrypted with key '{keyId}', which the key provider does not supply.");
        }

        return OutboxPayloadProtector.Open(key, lease.Item.Id, lease.Item.Kind, lease.Payload.Span);
    }

    private static SqliteOutboxStore CreateDefaultStore(OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = options.DatabasePath, MaxDatabaseSizeBytes = options.MaxDatabaseSizeBytes });
    }

    private async Task<OutboxItem> ApplyAsync(Guid id, OutboxCommand command, CancellationToken cancellationToken)
    {
        var item = await Store.ApplyAsync(id, command, Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        OutboxLog.Command(_logger, id, command);
        if (command != OutboxCommand.Cancel)
        {
            Enqueued?.Invoke(this, new OutboxItemEventArgs(id, item.Kind, OutboxOutcome.Enqueued, item.Attempts, null, null));
        }

        return item;
    }

    private async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > Options.MaxPayloadBytes)
            {
                throw new SegurValidationException(CoreErrorCodes.OutboxPayloadTooLarge, $"The payload stream exceeds {Options.MaxPayloadBytes} bytes, the most the outbox accepts.") { Field = nameof(OutboxEnqueueRequest.PayloadStream) };
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
