using System.CommandLine;
using System.Globalization;
using Segur.Outbox;

namespace Segur.Cli.Commands;

/// <summary><c>segur queue</c>: the outbox (deferred send queue) seen by a support engineer.</summary>
internal static class QueueCommand
{
    private static readonly Option<string?> Db = new("--db")
    {
        Description = "The outbox database file (default: the application data folder's Segur/outbox.db).",
        Recursive = true,
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("queue", "Inspect and act on the outbox (deferred send queue): status, list, retry, release.");
        command.Options.Add(Db);
        command.Subcommands.Add(Status(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Act(context, "retry", "Put a dead letter back in the queue (attempts reset).", OutboxCommand.Requeue));
        command.Subcommands.Add(Act(context, "release", "Release a held item so that it is sent.", OutboxCommand.Release));
        command.Subcommands.Add(Act(context, "cancel", "Cancel an item that is not sent yet.", OutboxCommand.Cancel));
        return command;
    }

    /// <summary>The <c>segur doctor</c> line: where the default outbox lives and whether it exists.</summary>
    public static DoctorCheck OutboxCheck()
    {
        var path = SqliteOutboxStore.DefaultDatabasePath;
        var file = new FileInfo(path);
        return file.Exists
            ? new DoctorCheck("outbox", true, $"{path} ({file.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes)")
            : new DoctorCheck("outbox", true, $"{path} (not created yet)");
    }

    private static string PathOf(ParseResult parse) => Path.GetFullPath(parse.GetValue(Db) ?? SqliteOutboxStore.DefaultDatabasePath);

    private static Command Status(CliContext context)
    {
        var command = new Command("status", "Count the queue: pending items per state, the oldest pending item, the next retry.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = PathOf(parse);
            if (!File.Exists(path))
            {
                return context.Fail($"segur queue status: no outbox database at {path}");
            }

            var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = path, ReadOnly = true });
            await using var storeScope = store.ConfigureAwait(false);
            var stats = await store.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            var now = context.Time.GetUtcNow();
            var counts = Enum.GetValues<OutboxItemState>().ToDictionary(s => s, s => stats.CountByState.GetValueOrDefault(s));
            double? oldestAge = stats.OldestPendingCreatedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : null;
            context.Write(parse, new
            {
                database = path,
                pending = stats.Pending,
                states = counts.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value),
                oldestPendingCreatedAt = stats.OldestPendingCreatedAt,
                oldestPendingAgeSeconds = oldestAge,
                nextDueAt = stats.NextDueAt,
            }, o =>
            {
                o.WriteLine($"Outbox {path}");
                o.WriteLine($"  pending  {stats.Pending}");
                foreach (var (state, count) in counts)
                {
                    o.WriteLine($"  {state.ToString().ToLowerInvariant(),-9}{count}");
                }

                o.WriteLine(oldestAge is { } age ? $"  oldest pending item: {TimeSpan.FromSeconds(Math.Round(age))} old" : "  nothing pending");
                if (stats.NextDueAt is { } due)
                {
                    o.WriteLine($"  next attempt due: {due.ToString("u", CultureInfo.InvariantCulture)}");
                }
            });
            return 0;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var state = new Option<string?>("--state") { Description = "Only items in this state: ready, held, leased, waiting, sent, dead, cancelled." };
        var limit = new Option<int>("--limit") { Description = "At most this many items.", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List items, oldest first (for example the dead letters with --state dead).");
        command.Options.Add(state);
        command.Options.Add(limit);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = PathOf(parse);
            OutboxItemState? filter = null;
            if (parse.GetValue(state) is { } name)
            {
                if (!Enum.TryParse<OutboxItemState>(name, ignoreCase: true, out var parsed) || int.TryParse(name, CultureInfo.InvariantCulture, out _))
                {
                    return context.Fail($"segur queue list: unknown state '{name}' (ready, held, leased, waiting, sent, dead, cancelled)");
                }

                filter = parsed;
            }

            if (parse.GetValue(limit) <= 0)
            {
                return context.Fail("segur queue list: --limit must be positive");
            }

            if (!File.Exists(path))
            {
                return context.Fail($"segur queue list: no outbox database at {path}");
            }

            var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = path, ReadOnly = true });
            await using var storeScope = store.ConfigureAwait(false);
            var items = await store.QueryAsync(new OutboxQuery { State = filter, Limit = parse.GetValue(limit) }, cancellationToken).ConfigureAwait(false);
            context.Write(parse, items.Select(i => new
            {
                id = i.Id,
                kind = i.Kind,
                state = i.State.ToString().ToLowerInvariant(),
                attempts = i.Attempts,
                createdAt = i.CreatedAt,
                nextAttemptAt = i.NextAttemptAt,
                waitingFor = i.WaitingFor,
                holdReason = i.HoldReason,
                errorCode = i.LastErrorCode,
                error = i.LastError,
                target = i.Target,
            }), o =>
            {
                foreach (var i in items)
                {
                    var why = i.State switch
                    {
                        OutboxItemState.Waiting => "waiting for " + i.WaitingFor,
                        OutboxItemState.Held => "held: " + i.HoldReason,
                        _ => i.LastError ?? string.Empty,
                    };
                    o.WriteLine($"{i.Id}  {i.State.ToString().ToLowerInvariant(),-9} {i.Kind,-12} attempts {i.Attempts,-3} {i.CreatedAt.ToString("u", CultureInfo.InvariantCulture)}  {why}");
                }

                if (items.Count == 0)
                {
                    o.WriteLine("(no items)");
                }
            });
            return 0;
        });
        return command;
    }

    private static Command Act(CliContext context, string name, string description, OutboxCommand action)
    {
        var id = new Argument<string>("ID") { Description = "The item's operation id (from 'segur queue list')." };
        var command = new Command(name, description);
        command.Arguments.Add(id);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = PathOf(parse);
            if (!Guid.TryParse(parse.GetValue(id), out var operationId))
            {
                return context.Fail($"segur queue {name}: '{parse.GetValue(id)}' is not an operation id");
            }

            if (!File.Exists(path))
            {
                return context.Fail($"segur queue {name}: no outbox database at {path}");
            }

            var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = path });
            await using var storeScope = store.ConfigureAwait(false);
            return await context.RunAsync($"segur queue {name}", async () =>
            {
                var item = await store.ApplyAsync(operationId, action, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                context.Write(parse, new { id = item.Id, state = item.State.ToString().ToLowerInvariant() }, o => o.WriteLine($"{item.Id}: now {item.State.ToString().ToLowerInvariant()}"));
                return 0;
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
