using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.Registry;
using Segur.Audit;
using Segur.Testing;

namespace Segur.Core.Tests;

public class DependencyInjectionTests
{
    [Fact]
    public void AddSegurCore_RegistersDefaults_AndEarlierRegistrationsWin()
    {
        var time = new ManualTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddSegurCore(o => o.AuditTrailPath = Path.Combine(Path.GetTempPath(), "segur-di", "audit.jsonl"));
        using var provider = services.BuildServiceProvider();
        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
        Assert.IsType<JsonLinesAuditTrail>(provider.GetRequiredService<IAuditTrail>());
        var registry = provider.GetRequiredService<ResiliencePipelineProvider<string>>();
        Assert.NotNull(registry.GetPipeline("Segur.Ins"));
        Assert.NotNull(registry.GetPipeline("Segur.Dmp"));
    }

    [Fact]
    public void AddSegurCore_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var services = new ServiceCollection();
        services.AddSegurCore(o =>
        {
            o.AuditTrailPath = null!;
            o.Resilience.MaxRetryAttempts = 99;
            o.Resilience.AttemptTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SegurCoreOptions>>().Value);
        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("Resilience.MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Resilience.AttemptTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("AuditTrailPath", StringComparison.Ordinal));
    }

    [Fact]
    public void AddSegurCore_FromConfiguration_BindsNestedSettings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditTrailPath"] = "/tmp/segur-config/audit.jsonl",
            ["Resilience:MaxRetryAttempts"] = "5",
        }).Build();
        using var provider = new ServiceCollection().AddSegurCore(configuration).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SegurCoreOptions>>().Value;
        Assert.Equal(5, options.Resilience.MaxRetryAttempts);
        Assert.Equal("/tmp/segur-config/audit.jsonl", options.AuditTrailPath);
    }

    [Fact]
    public void ThrowIfInvalid_ListsProblemsWithTheOptionsCode()
    {
        var ex = Assert.Throws<SegurValidationException>(() => SegurOptions.ThrowIfInvalid(new Segur.Resilience.SegurResilienceOptions { MaxRetryAttempts = -1, CircuitBreakerFailureRatio = 2 }));
        Assert.Equal(CoreErrorCodes.OptionsInvalid, ex.ErrorCode);
        Assert.Contains("MaxRetryAttempts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CircuitBreakerFailureRatio", ex.Message, StringComparison.Ordinal);
    }
}
