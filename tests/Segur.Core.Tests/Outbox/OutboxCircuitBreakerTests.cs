using Segur.Outbox;

namespace Segur.Core.Tests.Outbox;

public class OutboxCircuitBreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Record_ThresholdReached_OpensForTheBreakDuration()
    {
        var breaker = new OutboxCircuitBreaker(2, TimeSpan.FromSeconds(30));
        Assert.False(breaker.Record("k", true, T0));
        Assert.True(breaker.CanLease("k", T0));
        Assert.True(breaker.Record("k", true, T0));
        Assert.False(breaker.CanLease("k", T0.AddSeconds(29)));
        Assert.True(breaker.CanLease("other", T0));
        Assert.Equal(OutboxCircuitBreaker.Decision.Open, breaker.Enter("k", T0.AddSeconds(29)));
        Assert.True(breaker.CanLease("k", T0.AddSeconds(30)));
    }

    [Fact]
    public void Enter_HalfOpen_LetsOneTrialThrough_FailureReopens()
    {
        var breaker = new OutboxCircuitBreaker(1, TimeSpan.FromSeconds(30));
        breaker.Record("k", true, T0);
        Assert.Equal(OutboxCircuitBreaker.Decision.Trial, breaker.Enter("k", T0.AddSeconds(30)));
        Assert.Equal(OutboxCircuitBreaker.Decision.Open, breaker.Enter("k", T0.AddSeconds(30)));
        Assert.False(breaker.CanLease("k", T0.AddSeconds(30)));
        Assert.True(breaker.Record("k", true, T0.AddSeconds(31)));
        Assert.Equal(T0.AddSeconds(61), breaker.OpenUntil("k"));
    }

    [Fact]
    public void Record_TrialSucceeds_Closes()
    {
        var breaker = new OutboxCircuitBreaker(1, TimeSpan.FromSeconds(30));
        breaker.Record("k", true, T0);
        Assert.Equal(OutboxCircuitBreaker.Decision.Trial, breaker.Enter("k", T0.AddMinutes(1)));
        breaker.Record("k", false, T0.AddMinutes(1));
        Assert.Null(breaker.OpenUntil("k"));
        Assert.Equal(OutboxCircuitBreaker.Decision.Closed, breaker.Enter("k", T0.AddMinutes(1)));
    }

    [Fact]
    public void Record_PermanentFailure_ResetsTheCount()
    {
        var breaker = new OutboxCircuitBreaker(2, TimeSpan.FromSeconds(30));
        breaker.Record("k", true, T0);
        breaker.Record("k", false, T0);
        Assert.False(breaker.Record("k", true, T0));
        Assert.True(breaker.CanLease("k", T0));
    }
}
