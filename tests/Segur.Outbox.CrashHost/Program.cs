using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Segur;
using Segur.Outbox;

// Usage: CrashHost --db PATH --port PORT --run N --items K
// Prints READY when the processor runs, "ENQ <key>" after each durable enqueue, DRAINED when nothing is pending.
var db = Arg("--db");
var port = int.Parse(Arg("--port"), CultureInfo.InvariantCulture);
var run = int.Parse(Arg("--run"), CultureInfo.InvariantCulture);
var items = int.Parse(Arg("--items"), CultureInfo.InvariantCulture);

var options = new OutboxOptions
{
    DatabasePath = db,
    LeaseDuration = TimeSpan.FromMilliseconds(600),
    PollInterval = TimeSpan.FromMilliseconds(100),
    RetryBaseDelay = TimeSpan.FromMilliseconds(50),
    RetryMaxDelay = TimeSpan.FromMilliseconds(200),
    MaxConcurrency = 4,
};
await using var outbox = new DurableOutbox(options);
await using var processor = new OutboxProcessor(outbox, [new ReceiverHandler(port)]);
using var stop = new CancellationTokenSource();
var processing = processor.RunAsync(stop.Token);
Console.Out.WriteLine("READY");
Console.Out.Flush();

for (var i = 0; i < items; i++)
{
    var key = string.Create(CultureInfo.InvariantCulture, $"r{run:D4}-{i}");
    var payload = Encoding.UTF8.GetBytes(key + ":" + new string('x', 2000));
    await outbox.EnqueueAsync(new OutboxEnqueueRequest { Kind = "send", Payload = payload, IdempotencyKey = key, PartitionKey = "p" + (i % 2).ToString(CultureInfo.InvariantCulture) });
    Console.Out.WriteLine("ENQ " + key);
    Console.Out.Flush();
}

while ((await outbox.GetStatisticsAsync()).Pending > 0)
{
    await Task.Delay(20);
}

stop.Cancel();
await processing;
Console.Out.WriteLine("DRAINED");
return 0;

string Arg(string name) => args[Array.IndexOf(args, name) + 1];

/// <summary>Sends to the test's counting receiver; on a retry, asks it first whether it already has the item.</summary>
internal sealed class ReceiverHandler(int port) : IOutboxHandler
{
    public string Kind => "send";

    public async Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default)
    {
        var key = context.Item.IdempotencyKey!;
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var writer = new StreamWriter(stream, Encoding.ASCII) { AutoFlush = true, NewLine = "\n" };
            if (context.IsRetry)
            {
                await writer.WriteLineAsync($"HAS {key}");
                if (await reader.ReadLineAsync(cancellationToken) == "YES")
                {
                    return; // delivered by an attempt that crashed before recording it
                }
            }

            var body = Encoding.UTF8.GetString(context.Payload.Span);
            await writer.WriteLineAsync($"SEND {key} {context.Item.PartitionKey} {body.Length}");
            if (await reader.ReadLineAsync(cancellationToken) != "OK")
            {
                throw new SegurTransportException(CoreErrorCodes.TransportFailed, "The receiver did not acknowledge.");
            }
        }
        catch (SocketException ex)
        {
            throw new SegurTransportException(CoreErrorCodes.TransportFailed, "The receiver is unreachable.", innerException: ex);
        }
    }
}
