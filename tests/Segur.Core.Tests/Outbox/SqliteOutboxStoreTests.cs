using System.Text;
using Microsoft.Data.Sqlite;
using Segur.Outbox;
using Segur.Testing;

namespace Segur.Core.Tests.Outbox;

public sealed class SqliteOutboxStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    private OutboxOptions Options(Action<OutboxOptions>? configure = null)
    {
        var options = new OutboxOptions { DatabasePath = _folder.File("outbox.db"), TimeProvider = _time };
        configure?.Invoke(options);
        return options;
    }

    private static OutboxEnqueueRequest Request(int size = 10, string? key = null) =>
        new() { Kind = "dmp.feed", Payload = new byte[size], IdempotencyKey = key, PartitionKey = "patient" };

    [Fact]
    public async Task EnqueueAsync_ThenReopen_TheItemIsStillThere()
    {
        Guid id;
        await using (var outbox = new DurableOutbox(Options()))
        {
            id = (await outbox.EnqueueAsync(Request(key: "doc-1"))).OperationId;
        }

        await using var reopened = new DurableOutbox(Options());
        var item = await reopened.GetAsync(id);
        Assert.NotNull(item);
        Assert.Equal(OutboxItemState.Ready, item.State);
        Assert.True((await reopened.EnqueueAsync(Request(key: "doc-1"))).Duplicate);
    }

    [Fact]
    public async Task Open_UsesWalAndTheDefaultFolderWhenNoPathIsGiven()
    {
        Assert.EndsWith(Path.Combine("Segur", "outbox.db"), SqliteOutboxStore.DefaultDatabasePath);
        await using var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = _folder.File("x.db") });
        await store.GetStatisticsAsync();
        using var raw = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public async Task EnqueueAsync_StorageFull_ThrowsClearExceptionAndWritesNothing()
    {
        await using var outbox = new DurableOutbox(Options(o => o.MaxDatabaseSizeBytes = 256 * 1024));
        var kept = await outbox.EnqueueAsync(Request(size: 1000));

        var ex = await Assert.ThrowsAsync<SegurException>(() => outbox.EnqueueAsync(Request(size: 512 * 1024, key: "big")));

        Assert.Equal(CoreErrorCodes.OutboxStorageFull, ex.ErrorCode);
        Assert.True(ex.IsTransient);
        Assert.StartsWith("SGR-1402: ", ex.Message);
        var all = await outbox.QueryAsync(new OutboxQuery());
        Assert.Equal(kept.OperationId, Assert.Single(all).Id);
        Assert.Empty(await outbox.QueryAsync(new OutboxQuery { IdempotencyKey = "big" }));
        Assert.Equal("ok", await ((SqliteOutboxStore)outbox.Store).CheckIntegrityAsync());
        Assert.False((await outbox.EnqueueAsync(Request(size: 1000, key: "small"))).Duplicate); // still usable
    }

    [Fact]
    public async Task EnqueueAsync_ConcurrentWithAFullingOne_OthersStillCommit()
    {
        await using var outbox = new DurableOutbox(Options(o => o.MaxDatabaseSizeBytes = 256 * 1024));
        var small = Enumerable.Range(0, 20).Select(i => outbox.EnqueueAsync(Request(size: 100, key: "s" + i))).ToList();
        var big = outbox.EnqueueAsync(Request(size: 512 * 1024, key: "big"));
        await Task.WhenAll(small);
        await Assert.ThrowsAsync<SegurException>(() => big);
        Assert.Equal(20, (await outbox.QueryAsync(new OutboxQuery())).Count);
    }

    [Fact]
    public async Task EnqueueAsync_ReadOnlyStore_ThrowsReadOnly()
    {
        await using (var outbox = new DurableOutbox(Options()))
        {
            await outbox.EnqueueAsync(Request());
        }

        await using var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = _folder.File("outbox.db"), ReadOnly = true });
        await using var readOnly = new DurableOutbox(store, Options());
        Assert.Single(await readOnly.QueryAsync(new OutboxQuery()));
        var ex = await Assert.ThrowsAsync<SegurException>(() => readOnly.EnqueueAsync(Request()));
        Assert.Equal(CoreErrorCodes.OutboxStorageReadOnly, ex.ErrorCode);
    }

    [Fact]
    public async Task EnqueueAsync_FolderCannotBeCreated_ThrowsStorageUnavailable()
    {
        var file = _folder.File("not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        await using var outbox = new DurableOutbox(new OutboxOptions { DatabasePath = Path.Combine(file, "outbox.db"), TimeProvider = _time });
        var ex = await Assert.ThrowsAsync<SegurException>(() => outbox.EnqueueAsync(Request()));
        Assert.Equal(CoreErrorCodes.OutboxStorageUnavailable, ex.ErrorCode);
    }

    [Fact]
    public async Task Open_NotADatabase_ThrowsStorageUnavailable()
    {
        await File.WriteAllBytesAsync(_folder.File("outbox.db"), Encoding.ASCII.GetBytes(new string('x', 4096)));
        await using var outbox = new DurableOutbox(Options());
        var ex = await Assert.ThrowsAsync<SegurException>(() => outbox.EnqueueAsync(Request()));
        Assert.Equal(CoreErrorCodes.OutboxStorageUnavailable, ex.ErrorCode);
    }

    [Fact]
    public async Task Open_SchemaFromANewerVersion_ThrowsSchemaUnsupported()
    {
        using (var raw = new SqliteConnection($"Data Source={_folder.File("outbox.db")};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 99";
            cmd.ExecuteNonQuery();
        }

        await using var outbox = new DurableOutbox(Options());
        var ex = await Assert.ThrowsAsync<SegurException>(() => outbox.GetStatisticsAsync());
        Assert.Equal(CoreErrorCodes.OutboxSchemaUnsupported, ex.ErrorCode);
    }

    [Fact]
    public async Task EnqueueAsync_ManyConcurrentCallers_AllCommitted()
    {
        await using var outbox = new DurableOutbox(Options());
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => outbox.EnqueueAsync(Request(key: "k" + (i % 150)))));
        Assert.Equal(150, results.Count(r => !r.Duplicate));
        Assert.Equal(150, (await outbox.GetStatisticsAsync()).Pending);
    }

    [Fact]
    public async Task EnqueueAsync_WithKey_PayloadIsEncryptedAtRestAndKeyIsNotStored()
    {
        var key = new byte[32];
        key[0] = 42;
        var provider = new StaticOutboxKeyProvider(new OutboxEncryptionKey("k2026", key));
        await using var outbox = new DurableOutbox(Options(o => o.KeyProvider = provider));
        var secret = Encoding.UTF8.GetBytes("<ClinicalDocument>Jeanne DUPONT 279035121518989</ClinicalDocument>");
        var id = (await outbox.EnqueueAsync(new OutboxEnqueueRequest { Kind = "dmp.feed", Payload = secret })).OperationId;
        await ((IAsyncDisposable)outbox.Store).DisposeAsync();

        var bytes = Directory.GetFiles(_folder.Path).SelectMany(File.ReadAllBytes).ToArray();
        Assert.Equal(-1, bytes.AsSpan().IndexOf("DUPONT"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(key.AsSpan(0, 16)));
        await using var reopened = new DurableOutbox(Options(o => o.KeyProvider = provider));
        var item = await reopened.GetAsync(id);
        Assert.Equal("k2026", item!.PayloadKeyId);
        Assert.Equal(secret.Length + 28, item.PayloadSize);
    }

    [Fact]
    public async Task EnqueueAsync_PayloadStream_IsReadAndSizeLimited()
    {
        await using var outbox = new DurableOutbox(Options(o => o.MaxPayloadBytes = 1000));
        var ok = await outbox.EnqueueAsync(new OutboxEnqueueRequest { Kind = "k", PayloadStream = new MemoryStream(new byte[1000]) });
        Assert.Equal(1000, (await outbox.GetAsync(ok.OperationId))!.PayloadSize);
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => outbox.EnqueueAsync(new OutboxEnqueueRequest { Kind = "k", PayloadStream = new MemoryStream(new byte[1001]) }));
        Assert.Equal(CoreErrorCodes.OutboxPayloadTooLarge, ex.ErrorCode);
        Assert.Single(await outbox.QueryAsync(new OutboxQuery()));
    }

    [Fact]
    public async Task EnqueueAsync_StoresTheTimesOfTheGivenClock()
    {
        await using var outbox = new DurableOutbox(Options());
        var id = (await outbox.EnqueueAsync(new OutboxEnqueueRequest { Kind = "k", NotBefore = _time.GetUtcNow().AddHours(2) })).OperationId;
        var item = await outbox.GetAsync(id);
        Assert.Equal(_time.GetUtcNow(), item!.CreatedAt);
        Assert.Equal(_time.GetUtcNow().AddHours(2), item.NextAttemptAt);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryProblem()
    {
        var ex = Assert.Throws<SegurValidationException>(() => new DurableOutbox(new Segur.Testing.Outbox.InMemoryOutboxStore(), new OutboxOptions { MaxConcurrency = 0, LeaseDuration = TimeSpan.Zero }));
        Assert.Equal(CoreErrorCodes.OptionsInvalid, ex.ErrorCode);
        Assert.Contains("MaxConcurrency", ex.Message);
        Assert.Contains("LeaseDuration", ex.Message);
    }

}
