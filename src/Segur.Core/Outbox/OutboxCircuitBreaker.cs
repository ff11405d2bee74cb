namespace Segur.Outbox;

/// <summary>
/// A circuit breaker per item kind: after <c>threshold</c> consecutive transient failures the kind is paused for the
/// break duration, then one trial attempt runs (half-open): its success closes the circuit, its failure reopens it.
/// Permanent refusals do not count: the service answered.
/// </summary>
internal sealed class OutboxCircuitBreaker(int threshold, TimeSpan breakDuration)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);

    public enum Decision
    {
        Closed,
        Open,
        Trial,
    }

    /// <summary>Whether items of <paramref name="kind"/> may be leased now.</summary>
    public bool CanLease(string kind, DateTimeOffset now)
    {
        lock (_lock)
        {
            return !_states.TryGetValue(kind, out var s) || s.OpenUntil is null || (now >= s.OpenUntil && !s.TrialInFlight);
        }
    }

    /// <summary>Decides whether a leased item may run: closed, the half-open trial, or open (put it back).</summary>
    public Decision Enter(string kind, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(kind, out var s) || s.OpenUntil is null)
            {
                return Decision.Closed;
            }

            if (now >= s.OpenUntil && !s.TrialInFlight)
            {
                s.TrialInFlight = true;
                return Decision.Trial;
            }

            return Decision.Open;
        }
    }

    /// <summary>When the kind's circuit lets a trial through, or null when closed.</summary>
    public DateTimeOffset? OpenUntil(string kind)
    {
        lock (_lock)
        {
            return _states.TryGetValue(kind, out var s) ? s.OpenUntil : null;
        }
    }

    /// <summary>Records an attempt's result. Returns true when this result opened (or reopened) the circuit.</summary>
    public bool Record(string kind, bool transientFailure, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(kind, out var s))
            {
                s = new State();
                _states[kind] = s;
            }

            var wasTrial = s.TrialInFlight;
            s.TrialInFlight = false;
            if (!transientFailure)
            {
                s.ConsecutiveFailures = 0;
                s.OpenUntil = null;
                return false;
            }

            s.ConsecutiveFailures++;
            if (wasTrial || s.ConsecutiveFailures >= threshold)
            {
                s.OpenUntil = now + breakDuration;
                return true;
            }

            return false;
        }
    }

    private sealed class State
    {
        public int ConsecutiveFailures { get; set; }

        public DateTimeOffset? OpenUntil { get; set; }

        public bool TrialInFlight { get; set; }
    }
}
