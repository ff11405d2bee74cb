using System.ComponentModel.DataAnnotations;

namespace Segur.Resilience;

/// <summary>
/// Settings of the SDK's default resilience pipelines (one per package, named like it): a per-attempt timeout,
/// retries with exponential backoff and jitter on transient failures only, and a circuit breaker.
/// </summary>
public sealed class SegurResilienceOptions
{
    /// <summary>The timeout of one attempt. <value>Default: 30 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a transient failure is retried. <value>Default: 3.</value></summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially, with jitter. A service's <c>Retry-After</c> wins.
    /// <value>Default: 1 second.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The failure ratio over <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit. <value>Default: 0.5.</value></summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The minimum number of calls in the sampling window before the circuit can open. <value>Default: 10.</value></summary>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which failures are counted. <value>Default: 30 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before a trial call. <value>Default: 30 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
