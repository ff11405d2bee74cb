using Segur.Outbox;
using Segur.Testing.Outbox;

namespace Segur.Core.Tests.Outbox;

/// <summary>The rules every <see cref="IOutboxStore"/> follows, run against each implementation.</summary>
public abstract class OutboxStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] AllKinds = ["a", "b"];

    protected IOutboxStore Store { get; private set; } = null!;

    protected abstract IOutboxStore CreateStore();

    public Task InitializeAsync()
    {
        Store = CreateStore();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }

    protected static OutboxRecord Record(string kind = "a", string? key = null, string? partition = null, DateTimeOffset? next = null, bool held = false, string payload = "p") => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Payload = System.Text.Encoding.UTF8.GetBytes(payload),
        IdempotencyKey = key,
        PartitionKey = partition,
        Target = "dmp",
        CreatedAt = T0,
        NextAttemptAt = next ?? T0,
        Held = held,
        HoldReason = held ? "review" : null,
        Metadata = new Dictionary<string, string> { ["doc"] = "1" },
    };

    protected Task<IReadOnlyList<OutboxLease>> AcquireAsync(DateTimeOffset now, int max = 10, string[]? kinds = null) =>
        Store.AcquireAsync(new OutboxAcquireRequest { MaxItems = max, Now = now, LeaseDuration = TimeSpan.FromMinutes(1), Kinds = kinds ?? AllKinds });

    protected Task<bool> CompleteAsync(OutboxLease lease, OutboxItemState state, DateTimeOffset now) =>
        Store.CompleteAsync(new OutboxCompletion { Id = lease.Item.Id, LeaseToken = lease.LeaseToken, State = state, Now = now, NextAttemptAt = now });

    [Fact]
    public async Task AddAsync_ThenGetAsync_ReturnsTheItemWithoutPayload()
    {
        var record = Record(partition: "P1");
        var result = await Store.AddAsync(record);
        var item = await Store.GetAsync(result.OperationId);
        Assert.False(result.Duplicate);
        Assert.NotNull(item);
        Assert.Equal(OutboxItemState.Ready, item.State);
        Assert.Equal("P1", item.PartitionKey);
        Assert.Equal("dmp", item.Target);
        Assert.Equal("1", item.Metadata["doc"]);
        Assert.Equal(T0, item.CreatedAt);
        Assert.Equal(1, item.PayloadSize);
    }

    [Fact]
    public async Task AddAsync_KeyAlreadyPending_ReturnsExistingIdAndStoresNothing()
    {
        var first = await Store.AddAsync(Record(key: "k1"));
        var second = await Store.AddAsync(Record(key: "k1"));
        Assert.True(second.Duplicate);
        Assert.Equal(first.OperationId, second.OperationId);
        Assert.Single(await Store.QueryAsync(new OutboxQuery()));
    }

    [Fact]
    public async Task AddAsync_KeyAlreadySent_IsDuplicate_ButKeyOfDeadItemIsFree()
    {
        await Store.AddAsync(Record(key: "sent"));
        await Store.AddAsync(Record(key: "dead"));
        foreach (var lease in await AcquireAsync(T0))
        {
            await CompleteAsync(lease, lease.Item.IdempotencyKey == "sent" ? OutboxItemState.Sent : OutboxItemState.Dead, T0);
        }

        Assert.True((await Store.AddAsync(Record(key: "sent"))).Duplicate);
        Assert.False((await Store.AddAsync(Record(key: "dead"))).Duplicate);
    }

    [Fact]
    public async Task AcquireAsync_SamePartition_LeasesOneAtATimeInOrder()
    {
        var first = await Store.AddAsync(Record(partition: "patient-1"));
        var second = await Store.AddAsync(Record(partition: "patient-1"));
        var other = await Store.AddAsync(Record(partition: "patient-2"));

        var leases = await AcquireAsync(T0);
        Assert.Equal([first.OperationId, other.OperationId], leases.Select(l => l.Item.Id));
        Assert.Empty(await AcquireAsync(T0));

        await CompleteAsync(leases[0], OutboxItemState.Sent, T0);
        var next = await AcquireAsync(T0);
        Assert.Equal(second.OperationId, Assert.Single(next).Item.Id);
    }

    [Fact]
    public async Task AcquireAsync_EarlierItemRetryingLater_BlocksItsPartition()
    {
        await Store.AddAsync(Record(partition: "p"));
        await Store.AddAsync(Record(partition: "p"));
        var lease = Assert.Single(await AcquireAsync(T0));
        await Store.CompleteAsync(new OutboxCompletion { Id = lease.Item.Id, LeaseToken = lease.LeaseToken, State = OutboxItemState.Ready, Now = T0, NextAttemptAt = T0.AddMinutes(5) });
        Assert.Empty(await AcquireAsync(T0.AddMinutes(1)));
        Assert.Equal(lease.Item.Id, Assert.Single(await AcquireAsync(T0.AddMinutes(5))).Item.Id);
    }

    [Fact]
    public async Task AcquireAsync_HeldOrNotYetDueOrOtherKind_IsNotLeased()
    {
        await Store.AddAsync(Record(held: true));
        await Store.AddAsync(Record(next: T0.AddHours(1)));
        await Store.AddAsync(Record(kind: "c"));
        Assert.Empty(await AcquireAsync(T0));
        Assert.Single(await AcquireAsync(T0.AddHours(1)));
    }

    [Fact]
    public async Task AcquireAsync_ExpiredLease_IsLeasedAgainAsARetry()
    {
        var id = (await Store.AddAsync(Record())).OperationId;
        var first = Assert.Single(await AcquireAsync(T0));
        Assert.False(first.LeaseWasExpired);
        Assert.Equal(1, first.Item.Attempts);
        Assert.Empty(await AcquireAsync(T0.AddSeconds(59)));

        var second = Assert.Single(await AcquireAsync(T0.AddMinutes(1)));
        Assert.Equal(id, second.Item.Id);
        Assert.True(second.LeaseWasExpired);
        Assert.Equal(2, second.Item.Attempts);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.False(await CompleteAsync(first, OutboxItemState.Sent, T0)); // the crashed attempt's lease is gone
        Assert.True(await CompleteAsync(second, OutboxItemState.Sent, T0));
        Assert.Equal(OutboxItemState.Sent, (await Store.GetAsync(id))!.State);
    }

    [Fact]
    public async Task AcquireAsync_ReturnsThePayload()
    {
        await Store.AddAsync(Record(payload: "hello"));
        var lease = Assert.Single(await AcquireAsync(T0));
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(lease.Payload.Span));
    }

    [Fact]
    public async Task CompleteAsync_Sent_ErasesThePayloadUnlessKept()
    {
        await Store.AddAsync(Record());
        await Store.AddAsync(Record());
        var leases = await AcquireAsync(T0);
        await CompleteAsync(leases[0], OutboxItemState.Sent, T0);
        await Store.CompleteAsync(new OutboxCompletion { Id = leases[1].Item.Id, LeaseToken = leases[1].LeaseToken, State = OutboxItemState.Sent, Now = T0, KeepPayload = true });
        Assert.Equal(0, (await Store.GetAsync(leases[0].Item.Id))!.PayloadSize);
        Assert.Equal(1, (await Store.GetAsync(leases[1].Item.Id))!.PayloadSize);
    }

    [Fact]
    public async Task ApplyAsync_Release_MakesAHeldItemReady()
    {
        var id = (await Store.AddAsync(Record(held: true))).OperationId;
        Assert.Equal("review", (await Store.GetAsync(id))!.HoldReason);
        var item = await Store.ApplyAsync(id, OutboxCommand.Release, T0);
        Assert.Equal(OutboxItemState.Ready, item.State);
        Assert.Null(item.HoldReason);
        Assert.Single(await AcquireAsync(T0));
    }

    [Fact]
    public async Task ApplyAsync_ReleaseNotHeld_ThrowsInvalidState()
    {
        var id = (await Store.AddAsync(Record())).OperationId;
        var ex = await Assert.ThrowsAsync<SegurException>(() => Store.ApplyAsync(id, OutboxCommand.Release, T0));
        Assert.Equal(CoreErrorCodes.OutboxInvalidState, ex.ErrorCode);
    }

    [Fact]
    public async Task ApplyAsync_UnknownId_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<SegurException>(() => Store.ApplyAsync(Guid.NewGuid(), OutboxCommand.Cancel, T0));
        Assert.Equal(CoreErrorCodes.OutboxItemNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task ApplyAsync_CancelLeasedItem_ThrowsInvalidState()
    {
        await Store.AddAsync(Record());
        var lease = Assert.Single(await AcquireAsync(T0));
        var ex = await Assert.ThrowsAsync<SegurException>(() => Store.ApplyAsync(lease.Item.Id, OutboxCommand.Cancel, T0));
        Assert.Equal(CoreErrorCodes.OutboxInvalidState, ex.ErrorCode);
    }

    [Fact]
    public async Task ApplyAsync_RequeueDead_ResetsAttempts()
    {
        await Store.AddAsync(Record());
        var lease = Assert.Single(await AcquireAsync(T0));
        await Store.CompleteAsync(new OutboxCompletion { Id = lease.Item.Id, LeaseToken = lease.LeaseToken, State = OutboxItemState.Dead, Now = T0, ErrorCode = "SGR-4001", Error = "refused" });
        var dead = Assert.Single(await Store.QueryAsync(new OutboxQuery { State = OutboxItemState.Dead }));
        Assert.Equal("SGR-4001", dead.LastErrorCode);
        Assert.Equal("refused", dead.LastError);

        var item = await Store.ApplyAsync(dead.Id, OutboxCommand.Requeue, T0.AddHours(1));
        Assert.Equal(OutboxItemState.Ready, item.State);
        Assert.Equal(0, item.Attempts);
        Assert.Single(await AcquireAsync(T0.AddHours(1)));
    }

    [Fact]
    public async Task ApplyAsync_RequeueDeadWhoseKeyIsTaken_ThrowsConflict()
    {
        await Store.AddAsync(Record(key: "k"));
        var lease = Assert.Single(await AcquireAsync(T0));
        await CompleteAsync(lease, OutboxItemState.Dead, T0);
        await Store.AddAsync(Record(key: "k"));
        var ex = await Assert.ThrowsAsync<SegurException>(() => Store.ApplyAsync(lease.Item.Id, OutboxCommand.Requeue, T0));
        Assert.Equal(CoreErrorCodes.OutboxIdempotencyConflict, ex.ErrorCode);
    }

    [Fact]
    public async Task MarkWaitingThenResume_MovesReadyItemsOfTheKind()
    {
        await Store.AddAsync(Record(kind: "a"));
        await Store.AddAsync(Record(kind: "b"));
        Assert.Equal(1, await Store.MarkWaitingAsync("a", "network"));
        var waiting = Assert.Single(await Store.QueryAsync(new OutboxQuery { State = OutboxItemState.Waiting }));
        Assert.Equal("network", waiting.WaitingFor);
        Assert.Equal("b", Assert.Single(await AcquireAsync(T0)).Item.Kind);

        Assert.Equal(0, await Store.ResumeWaitingAsync("card", T0));
        Assert.Equal(1, await Store.ResumeWaitingAsync("network", T0));
        Assert.Equal("a", Assert.Single(await AcquireAsync(T0)).Item.Kind);
    }

    [Fact]
    public async Task QueryAsync_FiltersByPartitionTargetKindAndKey()
    {
        await Store.AddAsync(Record(partition: "p1", key: "x"));
        await Store.AddAsync(Record(partition: "p2", kind: "b"));
        Assert.Single(await Store.QueryAsync(new OutboxQuery { PartitionKey = "p1" }));
        Assert.Single(await Store.QueryAsync(new OutboxQuery { Kind = "b" }));
        Assert.Single(await Store.QueryAsync(new OutboxQuery { IdempotencyKey = "x" }));
        Assert.Equal(2, (await Store.QueryAsync(new OutboxQuery { Target = "dmp" })).Count);
        Assert.Single(await Store.QueryAsync(new OutboxQuery { Limit = 1 }));
    }

    [Fact]
    public async Task PurgeAsync_RemovesOldSentAndCancelled_KeepsDeadAndPending()
    {
        await Store.AddAsync(Record());
        await Store.AddAsync(Record());
        await Store.AddAsync(Record(held: true));
        var cancelled = (await Store.AddAsync(Record(held: true))).OperationId;
        var leases = await AcquireAsync(T0);
        await CompleteAsync(leases[0], OutboxItemState.Sent, T0);
        await CompleteAsync(leases[1], OutboxItemState.Dead, T0);
        await Store.ApplyAsync(cancelled, OutboxCommand.Cancel, T0);

        Assert.Equal(0, await Store.PurgeAsync(T0));
        Assert.Equal(2, await Store.PurgeAsync(T0.AddTicks(TimeSpan.TicksPerMillisecond)));
        var left = await Store.QueryAsync(new OutboxQuery());
        Assert.Equal([OutboxItemState.Held, OutboxItemState.Dead], left.Select(i => i.State).Order());
    }

    [Fact]
    public async Task GetStatisticsAsync_CountsPendingAndFindsOldestAndNextDue()
    {
        var empty = await Store.GetStatisticsAsync();
        Assert.Equal(0, empty.Pending);
        Assert.Null(empty.OldestPendingCreatedAt);

        await Store.AddAsync(Record(next: T0.AddMinutes(3)));
        await Store.AddAsync(Record(held: true));
        var stats = await Store.GetStatisticsAsync();
        Assert.Equal(2, stats.Pending);
        Assert.Equal(1, stats.CountByState[OutboxItemState.Held]);
        Assert.Equal(T0, stats.OldestPendingCreatedAt);
        Assert.Equal(T0.AddMinutes(3), stats.NextDueAt);
    }
}

public sealed class InMemoryOutboxStoreTests : OutboxStoreContractTests
{
    protected override IOutboxStore CreateStore() => new InMemoryOutboxStore();
}

public sealed class SqliteOutboxStoreContractTests : OutboxStoreContractTests
{
    private readonly TempFolder _folder = new();

    protected override IOutboxStore CreateStore() => new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = _folder.File("outbox.db") });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>A temporary folder deleted after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "segur-outbox-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
