using Polly;
using Segur.Resilience;
using Segur.Testing;

namespace Segur.Core.Tests;

public class ResilienceTests
{
    private static ResiliencePipeline Build(SegurResilienceOptions options, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }.AddSegurDefaults(options).Build();

    [Fact]
    public async Task Retry_TransientFailure_IsRetriedUntilSuccess()
    {
        var pipeline = Build(new SegurResilienceOptions { RetryBaseDelay = TimeSpan.Zero, MaxRetryAttempts = 3 }, TimeProvider.System);
        var calls = 0;
        var result = await SegurResilience.ExecuteAsync(pipeline, _ =>
        {
            calls++;
            return calls < 3 ? throw new SegurTransportException(CoreErrorCodes.TransportFailed, "down") : ValueTask.FromResult("ok");
        });
        Assert.Equal("ok", result);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Retry_PermanentFailure_IsNotRetried()
    {
        var pipeline = Build(new SegurResilienceOptions { RetryBaseDelay = TimeSpan.Zero }, TimeProvider.System);
        var calls = 0;
        await Assert.ThrowsAsync<SegurServiceException>(() => SegurResilience.ExecuteAsync<int>(pipeline, _ =>
        {
            calls++;
            throw new SegurServiceException("SGR-2001", "refused");
        }).AsTask());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Retry_HonoursRetryAfter()
    {
        var time = new ManualTimeProvider();
        var pipeline = Build(new SegurResilienceOptions { MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1) }, time);
        var calls = 0;
        var task = SegurResilience.ExecuteAsync(pipeline, _ =>
        {
            calls++;
            return calls == 1
                ? throw new SegurTransportException(CoreErrorCodes.HttpStatus, "busy") { RetryAfter = TimeSpan.FromSeconds(20) }
                : ValueTask.FromResult(1);
        }).AsTask();
        await WaitUntil(() => time.ActiveTimerCount > 0 || task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Timeout_BecomesSegurTransportException()
    {
        var time = new ManualTimeProvider();
        var pipeline = Build(new SegurResilienceOptions { MaxRetryAttempts = 0, AttemptTimeout = TimeSpan.FromSeconds(5) }, time);
        var task = SegurResilience.ExecuteAsync(pipeline, async ct =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return 0;
        }).AsTask();
        await WaitUntil(() => time.ActiveTimerCount > 0);
        time.Advance(TimeSpan.FromSeconds(5));
        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(CoreErrorCodes.Timeout, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterRepeatedTransientFailures()
    {
        var pipeline = Build(new SegurResilienceOptions { MaxRetryAttempts = 0, CircuitBreakerMinimumThroughput = 2, CircuitBreakerFailureRatio = 0.5 }, new ManualTimeProvider());
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<SegurTransportException>(() => SegurResilience.ExecuteAsync<int>(pipeline, _ => throw new SegurTransportException(CoreErrorCodes.TransportFailed, "down")).AsTask());
        }

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => SegurResilience.ExecuteAsync(pipeline, _ => ValueTask.FromResult(1)).AsTask());
        Assert.Equal(CoreErrorCodes.CircuitOpen, ex.ErrorCode);
        Assert.NotNull(ex.RetryAfter);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
