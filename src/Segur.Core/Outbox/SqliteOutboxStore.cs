using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Segur.Outbox;

/// <summary>Settings of <see cref="SqliteOutboxStore"/>.</summary>
public sealed class SqliteOutboxStoreOptions
{
    /// <summary>The database file. <value>Default: <see cref="SqliteOutboxStore.DefaultDatabasePath"/>.</value></summary>
    public string? DatabasePath { get; set; }

    /// <summary>The largest size the database may grow to, in bytes; an enqueue beyond it fails with
    /// <see cref="CoreErrorCodes.OutboxStorageFull"/>. <value>Default: no limit.</value></summary>
    public long? MaxDatabaseSizeBytes { get; set; }

    /// <summary>Open the database read-only (inspection tools). Writes fail with
    /// <see cref="CoreErrorCodes.OutboxStorageReadOnly"/>. <value>Default: <see langword="false"/>.</value></summary>
    public bool ReadOnly { get; set; }
}

/// <summary>
/// The default <see cref="IOutboxStore"/>: one SQLite file in write-ahead-log mode with <c>synchronous=FULL</c>, so a
/// change is on disk when its task completes. Concurrent writes are grouped into one transaction (group commit), each
/// caller still waiting for the commit. Several processes may share the file.
/// </summary>
public sealed class SqliteOutboxStore : IOutboxStore, IAsyncDisposable, IDisposable
{
    private const int SchemaVersion = 1;
    private const int MaxBatch = 256;
    private const string Columns = "seq, id, kind, state, idempotency_key, partition_key, target, metadata, created_at, next_attempt_at, attempts, lease_expires_at, waiting_for, hold_reason, last_error_code, last_error, completed_at, payload_size, payload_key_id";

    private readonly SqliteOutboxStoreOptions _options;
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly Channel<WriteOperation> _writes = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private SqliteConnection? _writer;
    private SqliteConnection? _reader;
    private Task? _writerLoop;
    private bool _disposed;

    /// <summary>Creates a store on <paramref name="options"/>' file. Nothing is opened until the first call.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    public SqliteOutboxStore(SqliteOutboxStoreOptions? options = null)
    {
        _options = options ?? new SqliteOutboxStoreOptions();
        DatabasePath = Path.GetFullPath(_options.DatabasePath ?? DefaultDatabasePath);
    }

    /// <summary>The default file: <c>Segur/outbox.db</c> in the user's local application data folder
    /// (<c>%LOCALAPPDATA%</c> on Windows, <c>~/.local/share</c> on Linux, <c>~/Library/Application Support</c> on macOS).</summary>
    public static string DefaultDatabasePath
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(root))
            {
                root = AppContext.BaseDirectory;
            }

            return Path.Combine(root, "Segur", "outbox.db");
        }
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public Task<OutboxEnqueueResult> AddAsync(OutboxRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync((c, t) =>
        {
            if (record.IdempotencyKey is not null)
            {
                using var find = Command(c, t, "SELECT id FROM outbox_items WHERE idempotency_key = $k AND state NOT IN (5, 6) LIMIT 1");
                find.Parameters.AddWithValue("$k", record.IdempotencyKey);
                if (find.ExecuteScalar() is string existing)
                {
                    return new OutboxEnqueueResult(Guid.Parse(existing), Duplicate: true);
                }
            }

            using var insert = Command(c, t, """
                INSERT INTO outbox_items (id, kind, state, idempotency_key, partition_key, target, metadata, payload_size, payload_key_id, created_at, next_attempt_at, attempts, hold_reason)
                VALUES ($id, $kind, $state, $k, $p, $target, $meta, $size, $keyId, $created, $next, 0, $hold);
                INSERT INTO outbox_payloads (seq, payload) VALUES (last_insert_rowid(), $payload);
                """);
            insert.Parameters.AddWithValue("$id", record.Id.ToString("D"));
            insert.Parameters.AddWithValue("$kind", record.Kind);
            insert.Parameters.AddWithValue("$state", (int)(record.Held ? OutboxItemState.Held : OutboxItemState.Ready));
            insert.Parameters.AddWithValue("$k", (object?)record.IdempotencyKey ?? DBNull.Value);
            insert.Parameters.AddWithValue("$p", (object?)record.PartitionKey ?? DBNull.Value);
            insert.Parameters.AddWithValue("$target", (object?)record.Target ?? DBNull.Value);
            insert.Parameters.AddWithValue("$meta", record.Metadata is { Count: > 0 } m ? JsonSerializer.Serialize(m) : DBNull.Value);
            insert.Parameters.Add("$payload", SqliteType.Blob).Value = record.Payload.ToArray();
            insert.Parameters.AddWithValue("$size", record.Payload.Length);
            insert.Parameters.AddWithValue("$keyId", (object?)record.PayloadKeyId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$created", record.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$next", record.NextAttemptAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$hold", (object?)record.HoldReason ?? DBNull.Value);
            insert.ExecuteNonQuery();
            return new OutboxEnqueueResult(record.Id, Duplicate: false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<OutboxItem?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var items = await ReadAsync(c =>
        {
            using var cmd = Command(c, null, $"SELECT {Columns} FROM outbox_items WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", id.ToString("D"));
            return ReadItems(cmd);
        }, cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? null : items[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxItem>> QueryAsync(OutboxQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return ReadAsync<IReadOnlyList<OutboxItem>>(c =>
        {
            var where = new List<string>();
            using var cmd = c.CreateCommand();
            if (query.State is { } state)
            {
                where.Add("state = $state");
                cmd.Parameters.AddWithValue("$state", (int)state);
            }

            AddFilter(where, cmd, "kind", "$kind", query.Kind);
            AddFilter(where, cmd, "partition_key", "$p", query.PartitionKey);
            AddFilter(where, cmd, "target", "$target", query.Target);
            AddFilter(where, cmd, "idempotency_key", "$k", query.IdempotencyKey);
            cmd.CommandText = $"SELECT {Columns} FROM outbox_items {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty)} ORDER BY seq LIMIT $limit";
            cmd.Parameters.AddWithValue("$limit", query.Limit);
            return ReadItems(cmd);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(c =>
        {
            var counts = new Dictionary<OutboxItemState, long>();
            using (var cmd = Command(c, null, "SELECT state, COUNT(*) FROM outbox_items GROUP BY state"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    counts[(OutboxItemState)r.GetInt32(0)] = r.GetInt64(1);
                }
            }

            using var min = Command(c, null, "SELECT (SELECT MIN(created_at) FROM outbox_items WHERE state IN (0, 1, 2, 3)), (SELECT MIN(next_attempt_at) FROM outbox_items WHERE state = 0)");
            using var mr = min.ExecuteReader();
            mr.Read();
            return new OutboxStatistics
            {
                CountByState = counts,
                Pending = counts.Where(kv => kv.Key is OutboxItemState.Ready or OutboxItemState.Held or OutboxItemState.Leased or OutboxItemState.Waiting).Sum(kv => kv.Value),
                OldestPendingCreatedAt = mr.IsDBNull(0) ? null : DateTimeOffset.FromUnixTimeMilliseconds(mr.GetInt64(0)),
                NextDueAt = mr.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(mr.GetInt64(1)),
            };
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxLease>> AcquireAsync(OutboxAcquireRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxItems);
        return WriteAsync<IReadOnlyList<OutboxLease>>((c, t) =>
        {
            var now = request.Now.ToUnixTimeMilliseconds();
            if (request.Kinds.Count == 0)
            {
                return [];
            }

            var kinds = " AND i.kind IN (" + string.Join(", ", request.Kinds.Select((_, n) => "$x" + n.ToString(CultureInfo.InvariantCulture))) + ")";
            const string Ordered = " AND (i.partition_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox_items p WHERE p.partition_key = i.partition_key AND p.seq < i.seq AND p.state IN (0, 2, 3)))";

            // Pick sequence numbers first (ready items walked in enqueue order on an index, so LIMIT stops early),
            // then read the chosen rows with their payloads.
            var sql = $"""
                SELECT seq, state FROM (
                    SELECT i.seq, i.state FROM outbox_items i WHERE i.state = 2 AND i.lease_expires_at <= $now{kinds}{Ordered}
                    UNION ALL
                    SELECT seq, state FROM (
                        SELECT i.seq, i.state FROM outbox_items i INDEXED BY ix_outbox_ready
                        WHERE i.state = 0 AND i.next_attempt_at <= $now{kinds}{Ordered}
                        ORDER BY i.seq LIMIT $max))
                ORDER BY seq LIMIT $max
                """;
            using var select = Command(c, t, sql);
            select.Parameters.AddWithValue("$now", now);
            select.Parameters.AddWithValue("$max", request.MaxItems);
            var n = 0;
            foreach (var kind in request.Kinds)
            {
                select.Parameters.AddWithValue("$x" + n++.ToString(CultureInfo.InvariantCulture), kind);
            }

            var chosen = new List<(long Seq, bool Expired)>();
            using (var r = select.ExecuteReader())
            {
                while (r.Read())
                {
                    chosen.Add((r.GetInt64(0), r.GetInt32(1) == (int)OutboxItemState.Leased));
                }
            }

            var picked = new List<(OutboxItem Item, byte[] Payload, bool Expired)>(chosen.Count);
            using (var read = Command(c, t, $"SELECT {Columns.Replace("seq, id", "i.seq, i.id", StringComparison.Ordinal)}, p.payload FROM outbox_items i LEFT JOIN outbox_payloads p ON p.seq = i.seq WHERE i.seq = $seq"))
            {
                var seq = read.Parameters.Add("$seq", SqliteType.Integer);
                foreach (var (s, expired) in chosen)
                {
                    seq.Value = s;
                    using var r = read.ExecuteReader();
                    r.Read();
                    picked.Add((ReadItem(r), r.IsDBNull(19) ? [] : (byte[])r.GetValue(19), expired));
                }
            }

            var leases = new List<OutboxLease>(picked.Count);
            var expires = request.Now + request.LeaseDuration;
            using var update = Command(c, t, "UPDATE outbox_items SET state = 2, lease_token = $t, lease_expires_at = $exp, attempts = attempts + 1, waiting_for = NULL WHERE seq = $seq");
            var tokenParameter = update.Parameters.Add("$t", SqliteType.Text);
            var seqParameter = update.Parameters.Add("$seq", SqliteType.Integer);
            update.Parameters.AddWithValue("$exp", expires.ToUnixTimeMilliseconds());
            foreach (var (item, payload, expired) in picked)
            {
                var token = Guid.NewGuid().ToString("N");
                tokenParameter.Value = token;
                seqParameter.Value = item.Sequence;
                update.ExecuteNonQuery();
                var leased = item with { State = OutboxItemState.Leased, Attempts = item.Attempts + 1, LeaseExpiresAt = expires, WaitingFor = null };
                leases.Add(new OutboxLease(leased, token, payload, expired));
            }

            return leases;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(OutboxCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return WriteAsync((c, t) =>
        {
            var sql = completion.State switch
            {
                OutboxItemState.Sent => "state = 4, completed_at = $now, last_error_code = NULL, last_error = NULL" + (completion.KeepPayload ? string.Empty : ", payload_size = 0"),
                OutboxItemState.Ready => "state = 0, next_attempt_at = $next, last_error_code = $code, last_error = $err",
                OutboxItemState.Dead => "state = 5, completed_at = $now, last_error_code = $code, last_error = $err",
                OutboxItemState.Waiting => "state = 3, waiting_for = $wait, next_attempt_at = $now, last_error_code = $code, last_error = $err",
                _ => throw new ArgumentException($"An attempt cannot end in state {completion.State}.", nameof(completion)),
            };
            if (completion.UncountAttempt)
            {
                sql += ", attempts = MAX(attempts - 1, 0)";
            }

            using var cmd = Command(c, t, $"UPDATE outbox_items SET {sql}, lease_token = NULL, lease_expires_at = NULL WHERE id = $id AND state = 2 AND lease_token = $token");
            cmd.Parameters.AddWithValue("$id", completion.Id.ToString("D"));
            cmd.Parameters.AddWithValue("$token", completion.LeaseToken);
            cmd.Parameters.AddWithValue("$now", completion.Now.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$next", completion.NextAttemptAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$code", (object?)completion.ErrorCode ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$err", (object?)completion.Error ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$wait", (object?)completion.WaitingFor ?? DBNull.Value);
            if (cmd.ExecuteNonQuery() != 1)
            {
                return false;
            }

            if (completion.State == OutboxItemState.Sent && !completion.KeepPayload)
            {
                using var erase = Command(c, t, "DELETE FROM outbox_payloads WHERE seq = (SELECT seq FROM outbox_items WHERE id = $id)");
                erase.Parameters.AddWithValue("$id", completion.Id.ToString("D"));
                erase.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<OutboxItem> ApplyAsync(Guid id, OutboxCommand command, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync((c, t) =>
        {
            OutboxItem item;
            using (var get = Command(c, t, $"SELECT {Columns} FROM outbox_items WHERE id = $id"))
            {
                get.Parameters.AddWithValue("$id", id.ToString("D"));
                item = ReadItems(get).FirstOrDefault()
                    ?? throw new SegurException(CoreErrorCodes.OutboxItemNotFound, $"No outbox item has the id {id}.");
            }

            OutboxCommandRules.Check(item, command);
            if (command == OutboxCommand.Requeue && item.IdempotencyKey is not null)
            {
                using var find = Command(c, t, "SELECT COUNT(*) FROM outbox_items WHERE idempotency_key = $k AND state NOT IN (5, 6) AND id <> $id");
                find.Parameters.AddWithValue("$k", item.IdempotencyKey);
                find.Parameters.AddWithValue("$id", id.ToString("D"));
                if ((long)find.ExecuteScalar()! > 0)
                {
                    throw new SegurException(CoreErrorCodes.OutboxIdempotencyConflict, $"Outbox item {id} cannot be requeued: another pending or sent item uses its idempotency key.");
                }
            }

            var set = command switch
            {
                OutboxCommand.Release => "state = 0, hold_reason = NULL, next_attempt_at = MAX(next_attempt_at, $now)",
                OutboxCommand.Cancel => "state = 6, completed_at = $now, waiting_for = NULL",
                _ => "state = 0, attempts = 0, next_attempt_at = $now, completed_at = NULL, waiting_for = NULL",
            };
            using var update = Command(c, t, $"UPDATE outbox_items SET {set} WHERE id = $id");
            update.Parameters.AddWithValue("$id", id.ToString("D"));
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.ExecuteNonQuery();
            using var reread = Command(c, t, $"SELECT {Columns} FROM outbox_items WHERE id = $id");
            reread.Parameters.AddWithValue("$id", id.ToString("D"));
            return ReadItems(reread)[0];
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> MarkWaitingAsync(string kind, string precondition, CancellationToken cancellationToken = default) =>
        WriteAsync((c, t) =>
        {
            using var cmd = Command(c, t, "UPDATE outbox_items SET state = 3, waiting_for = $w WHERE state = 0 AND kind = $kind");
            cmd.Parameters.AddWithValue("$w", precondition);
            cmd.Parameters.AddWithValue("$kind", kind);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> ResumeWaitingAsync(string precondition, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync((c, t) =>
        {
            using var cmd = Command(c, t, "UPDATE outbox_items SET state = 0, waiting_for = NULL, next_attempt_at = MIN(next_attempt_at, $now) WHERE state = 3 AND waiting_for = $w");
            cmd.Parameters.AddWithValue("$w", precondition);
            cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            return cmd.ExecuteNonQuery();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default) =>
        WriteAsync((c, t) =>
        {
            using var payloads = Command(c, t, "DELETE FROM outbox_payloads WHERE seq IN (SELECT seq FROM outbox_items WHERE state IN (4, 6) AND completed_at < $before)");
            payloads.Parameters.AddWithValue("$before", completedBefore.ToUnixTimeMilliseconds());
            payloads.ExecuteNonQuery();
            using var cmd = Command(c, t, "DELETE FROM outbox_items WHERE state IN (4, 6) AND completed_at < $before");
            cmd.Parameters.AddWithValue("$before", completedBefore.ToUnixTimeMilliseconds());
            return cmd.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Checks the database file's integrity (<c>PRAGMA integrity_check</c>).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>ok</c> when intact, otherwise SQLite's report.</returns>
    public Task<string> CheckIntegrityAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(c =>
        {
            using var cmd = Command(c, null, "PRAGMA integrity_check");
            return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writes.Writer.TryComplete();
        if (_writerLoop is not null)
        {
            await _writerLoop.ConfigureAwait(false);
        }

        _writer?.Dispose();
        _reader?.Dispose();
        _openLock.Dispose();
        _readLock.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void AddFilter(List<string> where, SqliteCommand cmd, string column, string name, string? value)
    {
        if (value is not null)
        {
            where.Add($"{column} = {name}");
            cmd.Parameters.AddWithValue(name, value);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    private static List<OutboxItem> ReadItems(SqliteCommand cmd)
    {
        var items = new List<OutboxItem>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            items.Add(ReadItem(r));
        }

        return items;
    }

    private static OutboxItem ReadItem(SqliteDataReader r) => new()
    {
        Sequence = r.GetInt64(0),
        Id = Guid.Parse(r.GetString(1)),
        Kind = r.GetString(2),
        State = (OutboxItemState)r.GetInt32(3),
        IdempotencyKey = r.IsDBNull(4) ? null : r.GetString(4),
        PartitionKey = r.IsDBNull(5) ? null : r.GetString(5),
        Target = r.IsDBNull(6) ? null : r.GetString(6),
        Metadata = r.IsDBNull(7) ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7)) ?? [],
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        Attempts = r.GetInt32(10),
        LeaseExpiresAt = r.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        WaitingFor = r.IsDBNull(12) ? null : r.GetString(12),
        HoldReason = r.IsDBNull(13) ? null : r.GetString(13),
        LastErrorCode = r.IsDBNull(14) ? null : r.GetString(14),
        LastError = r.IsDBNull(15) ? null : r.GetString(15),
        CompletedAt = r.IsDBNull(16) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(16)),
        PayloadSize = r.IsDBNull(17) ? 0 : r.GetInt64(17),
        PayloadKeyId = r.IsDBNull(18) ? null : r.GetString(18),
    };

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await _readLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read(_reader!);
        }
        catch (SqliteException ex)
        {
            throw Map(ex);
        }
        finally
        {
            _readLock.Release();
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        if (_options.ReadOnly)
        {
            throw new SegurException(CoreErrorCodes.OutboxStorageReadOnly, $"The outbox database {DatabasePath} is open read-only; nothing was written.");
        }

        var operation = new WriteOperation((c, t) => write(c, t));
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(operation), this);

        // The write is not cancelled once queued: it may already be committed. The caller stops waiting, though.
        return (T)(await operation.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task EnsureOpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_reader is not null)
        {
            return;
        }

        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_reader is not null)
            {
                return;
            }

            try
            {
                if (!_options.ReadOnly)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
                    _writer = Open(SqliteOpenMode.ReadWriteCreate);
                    Initialize(_writer);
                }
                else if (!File.Exists(DatabasePath))
                {
                    throw new SegurException(CoreErrorCodes.OutboxStorageUnavailable, $"The outbox database {DatabasePath} does not exist.");
                }

                var reader = Open(_options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite);
                CheckSchema(reader);
                _reader = reader;
                if (_writer is not null)
                {
                    _writerLoop = Task.Run(WriterLoopAsync, CancellationToken.None);
                }
            }
            catch (SqliteException ex)
            {
                _writer?.Dispose();
                _writer = null;
                throw new SegurException(
                    ex.SqliteErrorCode == 13 ? CoreErrorCodes.OutboxStorageFull : CoreErrorCodes.OutboxStorageUnavailable,
                    $"The outbox database {DatabasePath} cannot be opened: {ex.Message}",
                    isTransient: ex.SqliteErrorCode is 5 or 6 or 13,
                    innerException: ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new SegurException(CoreErrorCodes.OutboxStorageUnavailable, $"The outbox folder for {DatabasePath} cannot be created: {ex.Message}", innerException: ex);
            }
        }
        finally
        {
            _openLock.Release();
        }
    }

    private SqliteConnection Open(SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = mode, Pooling = false, DefaultTimeout = 30 };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 30000;");
            if (mode != SqliteOpenMode.ReadOnly)
            {
                Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;");
                if (_options.MaxDatabaseSizeBytes is { } max)
                {
                    using var size = Command(connection, null, "PRAGMA page_size");
                    var pageSize = Convert.ToInt64(size.ExecuteScalar(), CultureInfo.InvariantCulture);
                    Execute(connection, $"PRAGMA max_page_count = {Math.Max(1, max / pageSize).ToString(CultureInfo.InvariantCulture)};");
                }
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = Command(connection, null, sql);
        cmd.ExecuteNonQuery();
    }

    private void CheckSchema(SqliteConnection connection)
    {
        using var cmd = Command(connection, null, "PRAGMA user_version");
        var version = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new SegurException(CoreErrorCodes.OutboxSchemaUnsupported, $"The outbox database {DatabasePath} has schema version {version}; this SDK reads version {SchemaVersion} or older. Update the SDK.");
        }
    }

    private void Initialize(SqliteConnection connection)
    {
        CheckSchema(connection);
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, tx, """
            CREATE TABLE IF NOT EXISTS outbox_items (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                state INTEGER NOT NULL,
                idempotency_key TEXT,
                partition_key TEXT,
                target TEXT,
                metadata TEXT,
                payload_size INTEGER NOT NULL,
                payload_key_id TEXT,
                created_at INTEGER NOT NULL,
                next_attempt_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                lease_token TEXT,
                lease_expires_at INTEGER,
                waiting_for TEXT,
                hold_reason TEXT,
                last_error_code TEXT,
                last_error TEXT,
                completed_at INTEGER);
            CREATE TABLE IF NOT EXISTS outbox_payloads (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS ix_outbox_idempotency ON outbox_items (idempotency_key) WHERE idempotency_key IS NOT NULL AND state NOT IN (5, 6);
            CREATE INDEX IF NOT EXISTS ix_outbox_state ON outbox_items (state, next_attempt_at);
            CREATE INDEX IF NOT EXISTS ix_outbox_ready ON outbox_items (state, seq);
            CREATE INDEX IF NOT EXISTS ix_outbox_partition ON outbox_items (partition_key, seq, state) WHERE partition_key IS NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_outbox_completed ON outbox_items (completed_at) WHERE completed_at IS NOT NULL;
            PRAGMA user_version = 1;
            """);
        cmd.ExecuteNonQuery();
        tx.Commit();
    }

    private async Task WriterLoopAsync()
    {
        var batch = new List<WriteOperation>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var op))
            {
                batch.Add(op);
            }

            if (!TryRunBatch(batch))
            {
                // A storage error aborted the shared transaction: run each operation alone so that each caller gets
                // its own outcome and nothing is half-written.
                foreach (var op in batch)
                {
                    TryRunBatch([op]);
                }
            }
        }
    }

    /// <returns><see langword="false"/> when a storage error rolled back the whole batch (nothing completed).</returns>
    private bool TryRunBatch(List<WriteOperation> batch)
    {
        var connection = _writer!;
        var results = new object?[batch.Count];
        var failures = new Exception?[batch.Count];
        try
        {
            using var tx = connection.BeginTransaction(deferred: false);
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    results[i] = batch[i].Run(connection, tx);
                }
                catch (SegurException ex)
                {
                    failures[i] = ex; // logical refusal: checked before any write, so nothing to undo
                }
                catch (ArgumentException ex)
                {
                    failures[i] = ex;
                }
            }

            tx.Commit();
        }
        catch (SqliteException ex)
        {
            if (batch.Count > 1)
            {
                return false;
            }

            batch[0].Completion.TrySetException(Map(ex));
            return true;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                batch[i].Completion.TrySetException(failure);
            }
            else
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }

        return true;
    }

    private SegurException Map(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) switch
    {
        13 => new SegurException(CoreErrorCodes.OutboxStorageFull, $"The outbox storage {DatabasePath} is full (disk or size limit); nothing was written.", isTransient: true, innerException: ex),
        8 => new SegurException(CoreErrorCodes.OutboxStorageReadOnly, $"The outbox storage {DatabasePath} is read-only; nothing was written.", innerException: ex),
        5 or 6 => new SegurException(CoreErrorCodes.OutboxStorageFailed, $"The outbox storage {DatabasePath} is busy; nothing was written.", isTransient: true, innerException: ex),
        10 => new SegurException(CoreErrorCodes.OutboxStorageFailed, $"The outbox storage {DatabasePath} had an I/O error; nothing was written.", isTransient: true, innerException: ex),
        11 or 26 or 14 => new SegurException(CoreErrorCodes.OutboxStorageUnavailable, $"The outbox storage {DatabasePath} is unusable: {ex.Message}", innerException: ex),
        _ => new SegurException(CoreErrorCodes.OutboxStorageFailed, $"The outbox storage {DatabasePath} failed: {ex.Message}", innerException: ex),
    };

    private sealed class WriteOperation(Func<SqliteConnection, SqliteTransaction, object?> run)
    {
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public object? Run(SqliteConnection connection, SqliteTransaction transaction) => run(connection, transaction);
    }
}

/// <summary>Which user commands an item's state allows (shared by the stores).</summary>
internal static class OutboxCommandRules
{
    public static void Check(OutboxItem item, OutboxCommand command)
    {
        var allowed = command switch
        {
            OutboxCommand.Release => item.State == OutboxItemState.Held,
            OutboxCommand.Cancel => item.State is OutboxItemState.Ready or OutboxItemState.Held or OutboxItemState.Waiting or OutboxItemState.Dead,
            OutboxCommand.Requeue => item.State == OutboxItemState.Dead,
            _ => false,
        };
        if (!allowed)
        {
            throw new SegurException(CoreErrorCodes.OutboxInvalidState, $"Outbox item {item.Id} is {item.State}: {command} is not allowed.");
        }
    }
}
