using Segur.Ins.Insi;
using Segur.Ins.Sentinelle;
using Segur.Ins.Tests.Insi;

namespace Segur.Ins.Tests.Sentinelle;

public class SentinelleServiceTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OnRecordOpened_InsiNotAnswering_ReturnsAtOnceWithQueuedCheck()
    {
        await using var h = new SentinelleHarness();
        h.Insi.Hold();
        var record = h.SeedProvisional("p1");

        var check = h.Service.OnRecordOpened(record);

        Assert.Equal(InsiCheckStatus.Queued, check.Status);
        await h.Insi.WaitForCallsAsync(1);
        Assert.False(check.Completion.IsCompleted);
        h.Insi.Release();
        var outcome = await check.Completion.WaitAsync(Safety);
        Assert.Equal(InsiCheckKind.FoundTraitsMatch, outcome.Kind);
    }

    [Fact]
    public async Task OnRecordOpened_ConcurrentOpensOfOneRecord_MakeOneInsiCall()
    {
        await using var h = new SentinelleHarness();
        h.Insi.Hold();
        var record = h.SeedProvisional("p1");

        var checks = new InsiCheck[16];
        Parallel.For(0, checks.Length, i => checks[i] = h.Service.OnRecordOpened(record));
        await h.Insi.WaitForCallsAsync(1);
        h.Insi.Release();
        var outcomes = await Task.WhenAll(checks.Select(c => c.Completion)).WaitAsync(Safety);

        Assert.Equal(1, h.Insi.Calls);
        Assert.Single(checks, c => c.Status == InsiCheckStatus.Queued);
        Assert.Equal(15, checks.Count(c => c.Status == InsiCheckStatus.Joined));
        Assert.All(outcomes, o => Assert.Same(outcomes[0], o));
    }

    [Fact]
    public async Task OnRecordOpened_AfterCompletion_StartsANewCheck()
    {
        await using var h = new SentinelleHarness(_ => InsiTestSupport.NotFound);
        var record = h.SeedProvisional("p1");

        await h.CheckAsync(record);
        await h.CheckAsync(record);

        Assert.Equal(2, h.Insi.Calls);
    }

    [Fact]
    public async Task OnRecordOpened_QualifiedRecord_NeedsNoCall()
    {
        await using var h = new SentinelleHarness();
        var record = h.SeedQualified("q1");

        var check = h.Service.OnRecordOpened(record);

        Assert.Equal(InsiCheckStatus.NotNeeded, check.Status);
        Assert.Equal(InsiCheckKind.Skipped, (await check.Completion).Kind);
        Assert.Equal(0, h.Insi.Calls);
    }

    [Fact]
    public async Task OnRecordOpened_DoubtfulRecord_IsNotAllowedToCallInsi()
    {
        await using var h = new SentinelleHarness();
        var identity = IdentityRecord.CreateProvisional(SentinelleHarness.DominiqueTraits());
        identity.SetAttribute(IdentityAttributes.Douteuse);
        var record = h.Directory.Seed("d1", identity);

        var check = h.Service.OnRecordOpened(record);

        Assert.Equal(InsiCheckStatus.NotAllowed, check.Status);
        Assert.Equal(0, h.Insi.Calls);
    }

    [Fact]
    public async Task OnRecordOpened_QueueFull_RejectsWithTransientErrorWithoutWaiting()
    {
        await using var h = new SentinelleHarness(configure: o =>
        {
            o.QueueCapacity = 1;
            o.MaxConcurrentChecks = 1;
        });
        h.Insi.Hold();
        var published = new List<InsiCheckOutcome>();
        h.Service.CheckCompleted += (_, o) =>
        {
            lock (published)
            {
                published.Add(o);
            }
        };

        var first = h.Service.OnRecordOpened(h.SeedProvisional("a"));
        await h.Insi.WaitForCallsAsync(1); // the only worker is busy with "a"
        var second = h.Service.OnRecordOpened(h.SeedProvisional("b"));
        var third = h.Service.OnRecordOpened(h.SeedProvisional("c"));

        Assert.Equal(InsiCheckStatus.Queued, first.Status);
        Assert.Equal(InsiCheckStatus.Queued, second.Status);
        Assert.Equal(InsiCheckStatus.Rejected, third.Status);
        var rejected = await third.Completion;
        Assert.Equal(InsErrorCodes.SentinelleQueueFull, rejected.ErrorCode);
        Assert.True(rejected.IsTransient);
        lock (published)
        {
            Assert.Contains(published, o => o.RecordId == "c" && o.Kind == InsiCheckKind.Error);
        }

        h.Insi.Release();
        await Task.WhenAll(first.Completion, second.Completion).WaitAsync(Safety);
    }

    [Fact]
    public async Task Check_FoundWithMatchingTraits_MovesProvisionalToRetrievedAndPublishes()
    {
        await using var h = new SentinelleHarness();
        var record = h.SeedProvisional("p1");
        using var cts = new CancellationTokenSource(Safety);
        var stream = h.Service.ReadOutcomesAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = stream.MoveNextAsync().AsTask();
        InsiCheckOutcome? raised = null;
        h.Service.CheckCompleted += (_, o) => raised = o;

        var outcome = await h.CheckAsync(record);

        Assert.Equal(InsiCheckKind.FoundTraitsMatch, outcome.Kind);
        Assert.True(outcome.RecordUpdated);
        Assert.Equal(IdentityStatus.Recuperee, outcome.Status);
        Assert.Equal(IdentityStatus.Recuperee, (await h.Directory.GetAsync("p1"))!.Identity.Status);
        Assert.True(await next);
        Assert.Same(outcome, stream.Current);
        Assert.Same(outcome, raised);
        Assert.Contains(h.Audit.Records, a => a.Action == "ins.insi-check" && a.Target == "p1" && a.Outcome == "foundtraitsmatch");
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task Check_ValidatedRecordFoundWithMatchingTraits_BecomesQualified()
    {
        await using var h = new SentinelleHarness();
        var identity = IdentityRecord.CreateProvisional(SentinelleHarness.DominiqueTraits());
        identity.RecordIdentityCheck(new IdentityCheck(IdentityCheck.NationalIdentityCard, h.Time.GetUtcNow()));
        var record = h.Directory.Seed("v1", identity);

        var outcome = await h.CheckAsync(record);

        Assert.Equal(IdentityStatus.Qualifiee, outcome.Status);
        Assert.Equal(IdentityStatus.Qualifiee, (await h.Directory.GetAsync("v1"))!.Identity.Status);
    }

    [Fact]
    public async Task Check_FoundWithOtherTraits_ReportsDifferencesAndLeavesRecord()
    {
        await using var h = new SentinelleHarness(_ => SentinelleHarness.FoundDominique("DOMINIQUE MARIE"));
        var record = h.SeedProvisional("p1");

        var outcome = await h.CheckAsync(record);

        Assert.Equal(InsiCheckKind.FoundTraitsDiffer, outcome.Kind);
        Assert.Equal(["givenNames"], outcome.Differences);
        Assert.False(outcome.RecordUpdated);
        Assert.Equal(IdentityStatus.Provisoire, (await h.Directory.GetAsync("p1"))!.Identity.Status);
        Assert.Equal(0, h.Directory.SaveCount);
    }

    [Fact]
    public async Task Check_RecordChangedMeanwhile_DoesNotOverwrite()
    {
        await using var h = new SentinelleHarness();
        h.Insi.Hold();
        var record = h.SeedProvisional("p1");
        var check = h.Service.OnRecordOpened(record);
        await h.Insi.WaitForCallsAsync(1);
        var edited = IdentityRecord.FromState(record.Identity);
        edited.EditTraits(edited.Traits, usedName: "MARTIN");
        await h.Directory.SaveAsync(record.WithIdentity(edited.ToState()));

        h.Insi.Release();
        var outcome = await check.Completion.WaitAsync(Safety);

        Assert.Equal(InsiCheckKind.FoundTraitsMatch, outcome.Kind);
        Assert.False(outcome.RecordUpdated);
        var stored = (await h.Directory.GetAsync("p1"))!.Identity;
        Assert.Equal("MARTIN", stored.UsedName);
        Assert.Equal(IdentityStatus.Provisoire, stored.Status);
    }

    [Fact]
    public async Task Check_NotFound_ReportsNextStep()
    {
        await using var h = new SentinelleHarness(_ => InsiTestSupport.NotFound);

        var outcome = await h.CheckAsync(h.SeedProvisional("p1"));

        Assert.Equal(InsiCheckKind.NotFound, outcome.Kind);
        Assert.Equal("01", outcome.ReturnCode);
        Assert.Equal(InsiNextStep.TryOtherFirstNames, outcome.NextStep);
    }

    [Fact]
    public async Task Check_Several_ReportsRetryGuidance()
    {
        await using var h = new SentinelleHarness(_ => SentinelleHarness.Several);

        var outcome = await h.CheckAsync(h.SeedProvisional("p1", SentinelleHarness.DominiqueTraits(place: null)));

        Assert.Equal(InsiCheckKind.Several, outcome.Kind);
        Assert.Equal(InsiNextStep.AddFirstNames, outcome.NextStep);
    }

    [Fact]
    public async Task Check_ServiceUnavailable_ReportsTransientError()
    {
        await using var h = new SentinelleHarness(_ => InsiTestSupport.Fault("Receiver", "siram_40", "desir_1020"));

        var outcome = await h.CheckAsync(h.SeedProvisional("p1"));

        Assert.Equal(InsiCheckKind.Error, outcome.Kind);
        Assert.Equal(InsErrorCodes.InsiUnavailable, outcome.ErrorCode);
        Assert.True(outcome.IsTransient);
    }

    [Fact]
    public async Task Check_SoftwareRefused_ReportsPermanentError()
    {
        await using var h = new SentinelleHarness(_ => InsiTestSupport.Fault("Sender", "siram_100", "desir_550"));

        var outcome = await h.CheckAsync(h.SeedProvisional("p1"));

        Assert.Equal(InsErrorCodes.InsiSoftwareNotAuthorized, outcome.ErrorCode);
        Assert.False(outcome.IsTransient);
    }

    [Fact]
    public async Task Check_RecordDeletedBeforeTheWorkerRuns_ReportsPatientNotFound()
    {
        await using var h = new SentinelleHarness();
        var record = new PatientRecord("ghost", IdentityRecord.CreateProvisional(SentinelleHarness.DominiqueTraits()).ToState());

        var outcome = await h.CheckAsync(record);

        Assert.Equal(InsErrorCodes.PatientNotFound, outcome.ErrorCode);
        Assert.Equal(0, h.Insi.Calls);
    }

    [Fact]
    public async Task Cancel_WhileInsiIsCalled_CompletesAsCancelled()
    {
        await using var h = new SentinelleHarness();
        h.Insi.Hold();
        var check = h.Service.OnRecordOpened(h.SeedProvisional("p1"));
        await h.Insi.WaitForCallsAsync(1);

        check.Cancel();
        var outcome = await check.Completion.WaitAsync(Safety);

        Assert.Equal(InsiCheckKind.Cancelled, outcome.Kind);
        Assert.Equal(0, h.Directory.SaveCount);
    }

    [Fact]
    public async Task DisposeAsync_WithQueuedChecks_CompletesThemAsCancelledAndRejectsNewOnes()
    {
        var h = new SentinelleHarness(configure: o => o.MaxConcurrentChecks = 1);
        h.Insi.Hold();
        var running = h.Service.OnRecordOpened(h.SeedProvisional("a"));
        await h.Insi.WaitForCallsAsync(1);
        var queued = h.Service.OnRecordOpened(h.SeedProvisional("b"));

        await h.DisposeAsync();

        Assert.Equal(InsiCheckKind.Cancelled, (await running.Completion.WaitAsync(Safety)).Kind);
        Assert.Equal(InsiCheckKind.Cancelled, (await queued.Completion.WaitAsync(Safety)).Kind);
        var late = h.Service.OnRecordOpened(h.SeedProvisional("c"));
        Assert.Equal(InsiCheckStatus.Rejected, late.Status);
        Assert.Equal(InsErrorCodes.SentinelleStopped, (await late.Completion).ErrorCode);
    }

    [Fact]
    public async Task Check_FirstNameStrategy_TriesEachFirstNameThenTheList()
    {
        await using var h = new SentinelleHarness(_ => InsiTestSupport.NotFound, o => o.UseFirstNameStrategy = true);

        var outcome = await h.CheckAsync(h.SeedProvisional("p1", SentinelleHarness.DominiqueTraits("DOMINIQUE MARIE")));

        Assert.Equal(InsiCheckKind.NotFound, outcome.Kind);
        Assert.Equal(InsiNextStep.CheckTraits, outcome.NextStep);
        Assert.Equal(3, h.Insi.Calls);
    }
}
