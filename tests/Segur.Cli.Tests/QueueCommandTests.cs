using System.Text.Json;
using Segur.Outbox;

namespace Segur.Cli.Tests;

public sealed class QueueCommandTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "segur-cli-queue-" + Guid.NewGuid().ToString("N"));
    private string Db => Path.Combine(_folder, "outbox.db");
    private Guid _held;
    private Guid _dead;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        await using var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = Db });
        var now = DateTimeOffset.UtcNow;
        _held = (await store.AddAsync(new OutboxRecord { Id = Guid.NewGuid(), Kind = "dmp.feed", CreatedAt = now, NextAttemptAt = now, Held = true, HoldReason = "review" })).OperationId;
        _dead = (await store.AddAsync(new OutboxRecord { Id = Guid.NewGuid(), Kind = "dmp.feed", CreatedAt = now, NextAttemptAt = now })).OperationId;
        await store.AddAsync(new OutboxRecord { Id = Guid.NewGuid(), Kind = "mss.send", CreatedAt = now, NextAttemptAt = now.AddHours(1) });
        var lease = Assert.Single(await store.AcquireAsync(new OutboxAcquireRequest { MaxItems = 1, Now = now, LeaseDuration = TimeSpan.FromMinutes(1), Kinds = ["dmp.feed"] }));
        await store.CompleteAsync(new OutboxCompletion { Id = lease.Item.Id, LeaseToken = lease.LeaseToken, State = OutboxItemState.Dead, Now = now, ErrorCode = "SGR-4010", Error = "SGR-4010: refused by the DMP" });
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Status_Json_CountsEachState()
    {
        var (exit, output, _) = await RunAsync("queue", "status", "--db", Db, "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetProperty("pending").GetInt64());
        var states = json.RootElement.GetProperty("states");
        Assert.Equal(1, states.GetProperty("held").GetInt64());
        Assert.Equal(1, states.GetProperty("dead").GetInt64());
        Assert.Equal(1, states.GetProperty("ready").GetInt64());
        Assert.Equal(Path.GetFullPath(Db), json.RootElement.GetProperty("database").GetString());
    }

    [Fact]
    public async Task Status_Text_ShowsPendingCount()
    {
        var (exit, output, _) = await RunAsync("queue", "status", "--db", Db);
        Assert.Equal(0, exit);
        Assert.Contains("pending  2", output);
        Assert.Contains("dead     1", output);
    }

    [Fact]
    public async Task Status_MissingDatabase_FailsWithOneLine()
    {
        var (exit, _, error) = await RunAsync("queue", "status", "--db", Path.Combine(_folder, "none.db"));
        Assert.NotEqual(0, exit);
        Assert.Contains("no outbox database", error);
        Assert.False(File.Exists(Path.Combine(_folder, "none.db"))); // status never creates a database
    }

    [Fact]
    public async Task ListDead_ShowsTheReason()
    {
        var (exit, output, _) = await RunAsync("queue", "list", "--state", "dead", "--db", Db);
        Assert.Equal(0, exit);
        Assert.Contains(_dead.ToString(), output);
        Assert.Contains("SGR-4010: refused by the DMP", output);
        Assert.DoesNotContain(_held.ToString(), output);
    }

    [Fact]
    public async Task List_UnknownState_Fails()
    {
        var (exit, _, error) = await RunAsync("queue", "list", "--state", "lost", "--db", Db);
        Assert.NotEqual(0, exit);
        Assert.Contains("unknown state 'lost'", error);
    }

    [Fact]
    public async Task Retry_DeadItem_BecomesReady()
    {
        var (exit, output, _) = await RunAsync("queue", "retry", _dead.ToString(), "--db", Db);
        Assert.Equal(0, exit);
        Assert.Contains("now ready", output);
        await using var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = Db });
        var item = await store.GetAsync(_dead);
        Assert.Equal(OutboxItemState.Ready, item!.State);
        Assert.Equal(0, item.Attempts);
    }

    [Fact]
    public async Task Release_HeldItem_BecomesReady_ReleasingAgainFails()
    {
        var (exit, _, _) = await RunAsync("queue", "release", _held.ToString(), "--db", Db, "--json");
        Assert.Equal(0, exit);
        var (again, _, error) = await RunAsync("queue", "release", _held.ToString(), "--db", Db);
        Assert.NotEqual(0, again);
        Assert.Contains(CoreErrorCodes.OutboxInvalidState, error);
    }

    [Fact]
    public async Task Retry_NotAnId_Fails()
    {
        var (exit, _, error) = await RunAsync("queue", "retry", "42", "--db", Db);
        Assert.NotEqual(0, exit);
        Assert.Contains("not an operation id", error);
    }

    [Fact]
    public async Task Doctor_Json_ReportsTheOutboxLocation()
    {
        var (_, output, _) = await RunAsync("doctor", "--json");
        using var json = JsonDocument.Parse(output);
        var outbox = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "outbox");
        Assert.Contains(SqliteOutboxStore.DefaultDatabasePath, outbox.GetProperty("detail").GetString());
    }
}
