using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Segur.Outbox;
using Segur.Testing;
using Segur.Testing.Outbox;

namespace Segur.Core.Tests.Outbox;

public class OutboxServiceCollectionTests
{
    private sealed class Handler : IOutboxHandler
    {
        public string Kind => "dmp.feed";

        public Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    [Fact]
    public async Task AddSegurOutbox_EarlierStoreAndClockWin_ProcessorUsesRegisteredHandlers()
    {
        var time = new ManualTimeProvider();
        var store = new InMemoryOutboxStore();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IOutboxStore>(store);
        services.AddSingleton<IOutboxHandler, Handler>();
        services.AddSingleton<IOutboxPrecondition>(new OutboxPrecondition("network", true));
        services.AddSegurOutbox(o => o.MaxConcurrency = 2);
        await using var provider = services.BuildServiceProvider();

        var outbox = provider.GetRequiredService<IOutbox>();
        var id = (await outbox.EnqueueAsync(new OutboxEnqueueRequest { Kind = "dmp.feed" })).OperationId;
        Assert.Equal(time.GetUtcNow(), (await outbox.GetAsync(id))!.CreatedAt);
        await provider.GetRequiredService<OutboxProcessor>().RunUntilIdleAsync();
        Assert.Equal(OutboxItemState.Sent, (await outbox.GetAsync(id))!.State);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void AddSegurOutbox_InvalidOptions_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddSegurOutbox(o => o.MaxConcurrency = 0);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OutboxOptions>>().Value);
        Assert.Contains("MaxConcurrency", ex.Message);
    }

    [Fact]
    public void AddSegurOutbox_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddSegurOutbox(null!));
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddSegurOutbox(_ => { }));
    }
}
