namespace Segur.Ins.Sentinelle;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: <c>capacity</c> permits, refilled continuously at <c>capacity</c> per
/// <c>period</c>. System.Threading.RateLimiting is not in the net8.0 shared framework (it is a separate package, and its
/// limiters read the system clock), so the SDK keeps this small one, testable with a fake clock.
/// </summary>
internal sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly TimeSpan _period;
    private double _tokens;
    private long _last;

    public TokenBucket(int capacity, TimeSpan period, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        _capacity = capacity;
        _period = period;
        _time = time;
        _tokens = capacity;
        _last = time.GetTimestamp();
    }

    /// <summary>Takes one permit, waiting (on the clock) until one is available.</summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                var elapsed = _time.GetElapsedTime(_last, now);
                _last = now;
                _tokens = Math.Min(_capacity, _tokens + (elapsed.Ticks * (double)_capacity / _period.Ticks));
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return;
                }

                wait = TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling((1 - _tokens) * _period.Ticks / _capacity)));
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
