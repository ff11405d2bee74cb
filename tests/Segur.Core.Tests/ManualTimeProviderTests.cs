using Segur.Testing;

namespace Segur.Core.Tests;

public class ManualTimeProviderTests
{
    [Fact]
    public void Advance_FiresDueTimersInOrder_AndPeriodicTimersRepeatedly()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var fired = new List<string>();
        using var late = time.CreateTimer(_ => fired.Add("late@" + time.GetUtcNow().Minute), null, TimeSpan.FromMinutes(10), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ => fired.Add("tick@" + time.GetUtcNow().Minute), null, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3));
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(["tick@3", "tick@6", "tick@9", "late@10"], fired);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 8, 11, 0, TimeSpan.Zero), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(11), time.GetElapsedTime(0));
    }

    [Fact]
    public async Task Delay_CompletesOnlyWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromSeconds(30), time);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void DisposedTimer_DoesNotFire()
    {
        var time = new ManualTimeProvider();
        var count = 0;
        var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, count);
        Assert.Equal(0, time.ActiveTimerCount);
    }
}
