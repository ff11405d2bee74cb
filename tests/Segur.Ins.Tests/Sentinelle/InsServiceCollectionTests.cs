using Microsoft.Extensions.DependencyInjection;
using Segur.Ins.Insi;
using Segur.Ins.Sentinelle;
using Segur.Testing;
using Segur.Testing.Insi;

namespace Segur.Ins.Tests.Sentinelle;

public class InsServiceCollectionTests
{
    [Fact]
    public void AddSegurIns_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var services = new ServiceCollection().AddSingleton<IPatientDirectory>(new InMemoryPatientDirectory());
        services.AddSegurIns(o => o.LpsName = "urn:lps:x:1", s =>
        {
            s.QueueCapacity = 0;
            s.HighTrustModes.Clear();
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<SegurValidationException>(() => provider.GetRequiredService<SentinelleService>());

        Assert.Equal(CoreErrorCodes.OptionsInvalid, ex.ErrorCode);
        foreach (var problem in new[] { "InsiClientOptions.Idam", "InsiClientOptions.LpsVersion", "InsiClientOptions.InstanceId", "SentinelleOptions.QueueCapacity", "SentinelleOptions.HighTrustModes" })
        {
            Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("LpsName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSegurIns_ValidOptions_ResolvesSingletonsOnTheRegisteredClockAndAudit()
    {
        var time = new ManualTimeProvider();
        var audit = new RecordingAuditTrail();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<Segur.Audit.IAuditTrail>(audit)
            .AddSingleton<IPatientDirectory>(new InMemoryPatientDirectory());
        services.AddSegurIns(o =>
        {
            o.Endpoint = new Uri("https://127.0.0.1:1/lps");
            o.Idam = "TESTSGIE0000";
            o.LpsName = "urn:lps:x:1";
            o.LpsVersion = "1";
            o.InstanceId = Guid.NewGuid();
        });
        await using var provider = services.BuildServiceProvider();

        var service = provider.GetRequiredService<SentinelleService>();
        var insi = provider.GetRequiredService<InsiClient>();

        Assert.Same(service, provider.GetRequiredService<SentinelleService>());
        Assert.Same(insi, provider.GetRequiredService<InsiClient>());
        Assert.NotNull(provider.GetRequiredService<InsBatchVerifier>());
        Assert.Equal(new Uri("https://127.0.0.1:1/lps"), insi.Endpoint);
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => service.QualifyAsync("x", null));
        Assert.Equal(InsErrorCodes.IdentityDocumentMissing, ex.ErrorCode);
        var record = Assert.Single(audit.Records);
        Assert.Equal(time.GetUtcNow(), record.Timestamp);
    }

    [Fact]
    public async Task AddSegurIns_CertificateMissing_ReportedOnFirstCall()
    {
        var services = new ServiceCollection().AddSingleton<IPatientDirectory>(new InMemoryPatientDirectory());
        services.AddSegurIns(o =>
        {
            o.Idam = "TESTSGIE0000";
            o.LpsName = "urn:lps:x:1";
            o.LpsVersion = "1";
            o.InstanceId = Guid.NewGuid();
        });
        await using var provider = services.BuildServiceProvider();
        var insi = provider.GetRequiredService<InsiClient>();

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => insi.SearchByTraitsAsync(Insi.InsiTestSupport.Dominique()));

        Assert.Equal(InsErrorCodes.InsiCredentialMissing, ex.ErrorCode);
    }
}
