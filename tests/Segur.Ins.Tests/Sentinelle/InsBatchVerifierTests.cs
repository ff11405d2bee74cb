using Segur.Ins.Sentinelle;
using Segur.Ins.Tests.Insi;

namespace Segur.Ins.Tests.Sentinelle;

public class InsBatchVerifierTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(60);

    private sealed class SyncProgress(Action<BatchVerificationProgress> report) : IProgress<BatchVerificationProgress>
    {
        public void Report(BatchVerificationProgress value) => report(value);
    }

    private static (SentinelleHarness Harness, InsBatchVerifier Verifier, List<string> Ids) Create(int count, Action<SentinelleOptions>? configure = null, string code = "00")
    {
        var h = new SentinelleHarness(_ => SentinelleHarness.Verification(code), configure);
        var ids = Enumerable.Range(0, count).Select(i => $"q{i:00}").ToList();
        foreach (var id in ids)
        {
            h.SeedQualified(id);
        }

        return (h, new InsBatchVerifier(h.Client, h.Directory, h.Options), ids);
    }

    /// <summary>Moves the fake clock in small steps until the task completes (real waits only pace the loop).</summary>
    private static async Task<T> DriveAsync<T>(Testing.ManualTimeProvider time, Task<T> task, Func<bool>? stop = null)
    {
        for (var step = 0; !task.IsCompleted && step < 20_000 && stop?.Invoke() != true; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(task, Task.Delay(2));
        }

        return stop is null ? await task.WaitAsync(Safety) : default!;
    }

    [Fact]
    public async Task VerifyAsync_AllConfirmed_ReportsEachRecordOnce()
    {
        var (h, verifier, ids) = Create(7, o => o.BatchPermitsPerPeriod = 100);
        await using var _ = h;
        var progress = new List<BatchVerificationProgress>();

        var report = await DriveAsync(h.Time, verifier.VerifyAsync(ids.Concat(["q00"]), new SyncProgress(p =>
        {
            lock (progress)
            {
                progress.Add(p);
            }
        })));

        Assert.Equal(ids, report.Results.Select(r => r.RecordId));
        Assert.All(report.Results, r => Assert.Equal(RecordVerificationOutcome.Confirmed, r.Outcome));
        Assert.Equal(7, h.Insi.Calls);
        Assert.Equal(Enumerable.Range(1, 7), progress.Select(p => p.Completed).Order());
        Assert.All(progress, p => Assert.Equal(7, p.Total));
    }

    [Fact]
    public async Task VerifyAsync_ManyRecords_NeverExceedsTheConcurrencyBound()
    {
        var (h, verifier, ids) = Create(9, o =>
        {
            o.BatchMaxConcurrency = 3;
            o.BatchPermitsPerPeriod = 1000;
        });
        await using var _ = h;
        h.Insi.Hold();

        var batch = verifier.VerifyAsync(ids);
        await h.Insi.WaitForCallsAsync(3);
        await Task.WhenAny(h.Insi.WaitForCallsAsync(4), Task.Delay(200)); // grace for a fourth call that must not come
        var callsWhileHeld = h.Insi.Calls;
        h.Insi.Release();
        var report = await batch.WaitAsync(Safety);

        Assert.Equal(3, callsWhileHeld);
        Assert.Equal(3, h.Insi.MaxInFlight);
        Assert.Equal(9, report.Count(RecordVerificationOutcome.Confirmed));
    }

    [Fact]
    public async Task VerifyAsync_RateLimit_CallsSpacedOnTheFakeClock()
    {
        var (h, verifier, ids) = Create(12, o =>
        {
            o.BatchMaxConcurrency = 4;
            o.BatchPermitsPerPeriod = 2;
            o.BatchRatePeriod = TimeSpan.FromSeconds(1);
        });
        await using var _ = h;
        h.Insi.CallDuration = TimeSpan.FromMilliseconds(300);
        var start = h.Time.GetUtcNow();

        var report = await DriveAsync(h.Time, verifier.VerifyAsync(ids));

        Assert.Equal(12, report.Count(RecordVerificationOutcome.Confirmed));
        var times = h.Insi.CallTimes.Select(t => t - start).Order().ToList();
        Assert.Equal(12, times.Count);
        for (var k = 2; k < times.Count; k++)
        {
            // Burst of 2, then one permit every 500 ms: the k-th call cannot start before (k - 1) × 500 ms.
            Assert.True(times[k] >= TimeSpan.FromMilliseconds(500 * (k - 1)), $"call {k} started at {times[k]}");
        }

        Assert.True(h.Insi.MaxInFlight <= 4);
    }

    [Fact]
    public async Task VerifyAsync_Cancelled_LosesNoRecord()
    {
        var (h, verifier, ids) = Create(20, o =>
        {
            o.BatchMaxConcurrency = 2;
            o.BatchPermitsPerPeriod = 1;
        });
        await using var _ = h;
        using var cts = new CancellationTokenSource();
        var done = 0;

        var batch = verifier.VerifyAsync(ids, new SyncProgress(_ => Interlocked.Increment(ref done)), cts.Token);
        await DriveAsync(h.Time, batch, () => Volatile.Read(ref done) >= 3);
        await cts.CancelAsync();
        var report = await DriveAsync(h.Time, batch);

        Assert.True(report.IsCancelled);
        Assert.Equal(ids, report.Results.Select(r => r.RecordId));
        Assert.True(report.Count(RecordVerificationOutcome.Confirmed) >= 3);
        Assert.True(report.Count(RecordVerificationOutcome.Cancelled) >= 1);
        Assert.Equal(20, report.Count(RecordVerificationOutcome.Confirmed) + report.Count(RecordVerificationOutcome.Cancelled));
        Assert.Equal(report.Count(RecordVerificationOutcome.Confirmed), h.Insi.Calls);
    }

    [Fact]
    public async Task VerifyAsync_NotConfirmed_RemovesTheInsFromTheRecord()
    {
        var (h, verifier, ids) = Create(1, code: "01");
        await using var _ = h;

        var report = await DriveAsync(h.Time, verifier.VerifyAsync(ids));

        var result = Assert.Single(report.Results);
        Assert.Equal(RecordVerificationOutcome.NotConfirmed, result.Outcome);
        Assert.Equal(IdentityStatus.Qualifiee, result.PreviousStatus);
        Assert.Equal(IdentityStatus.Validee, result.Status);
        var stored = (await h.Directory.GetAsync(ids[0]))!.Identity;
        Assert.Equal(IdentityStatus.Validee, stored.Status);
        Assert.Contains(stored.InsHistory, i => i.Matricule.Value == SentinelleHarness.DominiqueMatricule);
        Assert.Contains(h.Audit.Records, a => a.Action == "ins.insi-verify" && a.Outcome == "notconfirmed");
    }

    [Fact]
    public async Task VerifyAsync_MixedRecords_SkipsWithoutInsAndReportsUnknownAndErrors()
    {
        var h = new SentinelleHarness(_ => InsiTestSupport.Fault("Receiver", "siram_40", "desir_1020"));
        await using var _ = h;
        h.SeedProvisional("prov");
        h.SeedQualified("qual");
        var verifier = new InsBatchVerifier(h.Client, h.Directory, h.Options);

        var report = await DriveAsync(h.Time, verifier.VerifyAsync(["prov", "ghost", "qual"]));

        Assert.Equal(RecordVerificationOutcome.Skipped, report.Results[0].Outcome);
        Assert.Equal(RecordVerificationOutcome.NotFound, report.Results[1].Outcome);
        Assert.Equal(RecordVerificationOutcome.Error, report.Results[2].Outcome);
        Assert.Equal(InsErrorCodes.InsiUnavailable, report.Results[2].ErrorCode);
        Assert.True(report.Results[2].IsTransient);
        Assert.Equal(IdentityStatus.Qualifiee, (await h.Directory.GetAsync("qual"))!.Identity.Status);
    }
}
