using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Segur.Outbox;
using Xunit.Abstractions;

namespace Segur.IntegrationTests.Outbox;

/// <summary>
/// A child process enqueues items and sends them to a counting receiver while this test kills it (SIGKILL) at random
/// points, many times; after restarts every acknowledged item is delivered, none is lost, each idempotency key is
/// accepted exactly once and each partition is delivered in enqueue order.
/// Kills: <c>SEGUR_OUTBOX_CRASH_KILLS</c>, default 200 under <c>CI=true</c>, 25 otherwise.
/// </summary>
public sealed class OutboxCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int ItemsPerRun = 3;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "segur-outbox-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("SEGUR_OUTBOX_CRASH_KILLS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : Environment.GetEnvironmentVariable("CI") == "true" ? 200 : 25;

    [Fact]
    public async Task ChildKilledAtRandomPoints_EveryItemDeliveredExactlyOnceInPartitionOrder()
    {
        Directory.CreateDirectory(_folder);
        var db = Path.Combine(_folder, "outbox.db");
        using var receiver = new CountingReceiver();
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var random = new Random(20260301);
        var kills = Kills;
        var started = Stopwatch.StartNew();
        var killedWhileWorking = 0;
        var killedOnSend = 0;

        for (var run = 0; run < kills; run++)
        {
            using var child = StartChild(db, receiver.Port, run, ItemsPerRun, acknowledged, out var ready, out _);
            var killOnSend = random.Next(3) == 0;
            var firedOnSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (killOnSend)
            {
                // The nastiest point: the receiver has accepted the item, the child has not recorded it yet.
                var victim = child;
                receiver.OnSend = () =>
                {
                    receiver.OnSend = null;
                    try
                    {
                        victim.Kill();
                        firedOnSend.TrySetResult();
                    }
                    catch (InvalidOperationException)
                    {
                    }
                };
            }

            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var t1 = started.Elapsed;
            if (killOnSend)
            {
                await Task.WhenAny(firedOnSend.Task, Task.Delay(1500));
            }
            else
            {
                await Task.Delay(random.Next(0, 250));
            }

            receiver.OnSend = null;
            if (!child.HasExited && !firedOnSend.Task.IsCompleted)
            {
                child.Kill(); // SIGKILL on Unix
                killedWhileWorking++;
            }

            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            killedOnSend += firedOnSend.Task.IsCompleted ? 1 : 0;
        }

        // Restart until drained (leases of killed children expire and their items are retried).
        using (var final = StartChild(db, receiver.Port, kills, 0, acknowledged, out _, out var drained))
        {
            await drained.Task.WaitAsync(TimeSpan.FromSeconds(120));
            await final.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, final.ExitCode);
        }

        output.WriteLine($"{kills} runs, {killedWhileWorking} killed at a random time, {killedOnSend} killed on a send, {acknowledged.Count} enqueues acknowledged, {receiver.Accepted.Count} accepted, {receiver.HasQueries} retry checks, {started.Elapsed.TotalSeconds:F1} s");

        // None lost: every acknowledged enqueue reached the receiver.
        Assert.All(acknowledged.Keys, key => Assert.True(receiver.Accepted.ContainsKey(key), $"{key} was acknowledged but never delivered"));
        // Exactly once: no key was sent twice.
        var duplicates = receiver.Accepted.Where(kv => kv.Value != 1).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
        Assert.True(duplicates.Count == 0, "Sent more than once: " + string.Join(", ", duplicates));
        // Everything in the store is sent, and the store holds exactly what the receiver got.
        await using var outbox = new DurableOutbox(new OutboxOptions { DatabasePath = db });
        var all = await outbox.QueryAsync(new OutboxQuery { Limit = int.MaxValue });
        Assert.All(all, item => Assert.Equal(OutboxItemState.Sent, item.State));
        Assert.Equal(all.Select(i => i.IdempotencyKey!).Order(StringComparer.Ordinal), receiver.Accepted.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("ok", await ((SqliteOutboxStore)outbox.Store).CheckIntegrityAsync());
        // Partition order: keys (run, index) of one partition were accepted in enqueue order.
        foreach (var (partition, keys) in receiver.OrderByPartition)
        {
            Assert.True(keys.SequenceEqual(keys.Order(StringComparer.Ordinal)), $"partition {partition} out of order: {string.Join(",", keys)}");
        }

        Assert.True(acknowledged.Count >= kills / 2, $"too few enqueues acknowledged ({acknowledged.Count}); kills came too early to test anything");
    }

    private static Process StartChild(string db, int port, int run, int items, ConcurrentDictionary<string, byte> acknowledged, out TaskCompletionSource ready, out TaskCompletionSource drained)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Segur.Outbox.CrashHost.dll");
        var appHost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Segur.Outbox.CrashHost.exe" : "Segur.Outbox.CrashHost");
        var direct = File.Exists(appHost);
        var info = new ProcessStartInfo(direct ? appHost : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!direct)
        {
            info.ArgumentList.Add(host);
        }

        foreach (var a in new[] { "--db", db, "--port", port.ToString(CultureInfo.InvariantCulture), "--run", run.ToString(CultureInfo.InvariantCulture), "--items", items.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_TieredPGO"] = "0";
        info.Environment["DOTNET_TC_QuickJitForLoops"] = "1";
        var readySource = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var drainedSource = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                readySource.TrySetException(new InvalidOperationException("The crash host exited before it was ready."));
                drainedSource.TrySetException(new InvalidOperationException("The crash host exited before draining."));
            }
            else if (e.Data == "READY")
            {
                readySource.TrySetResult();
            }
            else if (e.Data == "DRAINED")
            {
                drainedSource.TrySetResult();
            }
            else if (e.Data.StartsWith("ENQ ", StringComparison.Ordinal))
            {
                acknowledged.TryAdd(e.Data[4..], 0);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ready = readySource;
        drained = drainedSource;
        return process;
    }

    /// <summary>A receiver on 127.0.0.1 that counts each key it accepts. "HAS key" → YES/NO; "SEND key partition size" → OK.</summary>
    private sealed class CountingReceiver : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly object _lock = new();

        public CountingReceiver()
        {
            _listener.Start();
            _ = AcceptLoopAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public ConcurrentDictionary<string, int> Accepted { get; } = new();

        public Dictionary<string, List<string>> OrderByPartition { get; } = [];

        public int HasQueries;

        /// <summary>Called after a SEND is counted and before it is acknowledged.</summary>
        public volatile Action? OnSend;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    var writer = new StreamWriter(stream, Encoding.ASCII) { AutoFlush = true, NewLine = "\n" };
                    while (await reader.ReadLineAsync(_stop.Token) is { } line)
                    {
                        var parts = line.Split(' ');
                        if (parts[0] == "HAS")
                        {
                            Interlocked.Increment(ref HasQueries);
                            await writer.WriteLineAsync(Accepted.ContainsKey(parts[1]) ? "YES" : "NO");
                        }
                        else if (parts[0] == "SEND")
                        {
                            lock (_lock)
                            {
                                Accepted.AddOrUpdate(parts[1], 1, (_, n) => n + 1);
                                if (!OrderByPartition.TryGetValue(parts[2], out var list))
                                {
                                    OrderByPartition[parts[2]] = list = [];
                                }

                                list.Add(parts[1]);
                            }

                            OnSend?.Invoke();

                            await writer.WriteLineAsync("OK");
                        }
                    }
                }
                catch (IOException)
                {
                    // the child was killed mid-conversation
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }
}
