using System.Diagnostics;
using System.Globalization;
using Segur.Outbox;

namespace Segur.Benchmarks;

/// <summary>
/// Outbox throughput: enqueue then drain N items (default 10,000) of 10 KB into a SQLite outbox (WAL, synchronous=FULL)
/// against an in-process receiver; prints items/s and peak working set.
/// Run: <c>dotnet run -c Release --project tests/Segur.Benchmarks -- outbox [items] [payloadBytes]</c>
/// </summary>
internal static class OutboxThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var items = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var payloadSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10 * 1024;
        var folder = Path.Combine(Path.GetTempPath(), "segur-outbox-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var payload = new byte[payloadSize];
            Random.Shared.NextBytes(payload);
            var options = new OutboxOptions { DatabasePath = Path.Combine(folder, "outbox.db"), MaxConcurrency = 4 };
            await using var outbox = new DurableOutbox(options);
            var receiver = new CountingReceiver();
            await using var processor = new OutboxProcessor(outbox, [receiver]);
            using var sampler = new WorkingSetSampler();

            // Enqueue: 16 concurrent producers, each call durable before it returns (grouped commits).
            var enqueue = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < items)
                {
                    await outbox.EnqueueAsync(new OutboxEnqueueRequest
                    {
                        Kind = "bench",
                        Payload = payload,
                        IdempotencyKey = "doc-" + i.ToString(CultureInfo.InvariantCulture),
                        PartitionKey = "patient-" + (i % 500).ToString(CultureInfo.InvariantCulture),
                    });
                }
            }));
            enqueue.Stop();
            var afterEnqueue = sampler.Current;

            var drain = Stopwatch.StartNew();
            var attempts = await processor.RunUntilIdleAsync();
            drain.Stop();
            var stats = await outbox.GetStatisticsAsync();

            Console.WriteLine($"Outbox benchmark: {items:N0} items of {payloadSize:N0} bytes, SQLite WAL synchronous=FULL, MaxConcurrency={options.MaxConcurrency}");
            Console.WriteLine($"  enqueue : {items / enqueue.Elapsed.TotalSeconds,10:N0} items/s ({enqueue.Elapsed.TotalSeconds:F2} s, 16 producers)");
            Console.WriteLine($"  drain   : {receiver.Count / drain.Elapsed.TotalSeconds,10:N0} items/s ({drain.Elapsed.TotalSeconds:F2} s, {attempts:N0} attempts, {receiver.Count:N0} received, {stats.Pending} pending)");
            Console.WriteLine($"  working set: after enqueue {afterEnqueue / 1048576.0:F1} MiB, min {sampler.Min / 1048576.0:F1} MiB, max {sampler.Max / 1048576.0:F1} MiB, peak (OS) {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1} MiB");
            Console.WriteLine($"  managed heap after drain: {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1} MiB; database {new FileInfo(options.DatabasePath).Length / 1048576.0:F1} MiB");
            return receiver.Count == items && stats.Pending == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class CountingReceiver : IOutboxHandler
    {
        private int _count;
        private long _bytes;

        public string Kind => "bench";

        public int Count => _count;

        public Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref _bytes, context.Payload.Length);
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }

    private sealed class WorkingSetSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _min = long.MaxValue;
        private long _max;

        public WorkingSetSampler() => _timer = new Timer(_ => Sample(), null, 0, 100);

        public long Current => Environment.WorkingSet;

        public long Min => Interlocked.Read(ref _min);

        public long Max => Interlocked.Read(ref _max);

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            var ws = Environment.WorkingSet;
            if (ws < Interlocked.Read(ref _min))
            {
                Interlocked.Exchange(ref _min, ws);
            }

            if (ws > Interlocked.Read(ref _max))
            {
                Interlocked.Exchange(ref _max, ws);
            }
        }
    }
}
