using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Segur.Resilience;

/// <summary>
/// The SDK's Polly v8 pipelines: clients take theirs from a <see cref="Polly.Registry.ResiliencePipelineRegistry{TKey}"/> under the
/// package name (e.g. <c>Segur.Ins</c>); <c>AddSegurCore</c> registers the defaults with <c>TryAddBuilder</c>, so an
/// application's own registration wins.
/// </summary>
public static class SegurResilience
{
    /// <summary>Whether an exception is worth retrying: a transient <see cref="SegurException"/> or a Polly attempt timeout.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for transient failures only.</returns>
    public static bool IsTransient(Exception exception) => exception is SegurException { IsTransient: true } or TimeoutRejectedException;

    /// <summary>Adds the default strategies to a builder: retry (transient only, exponential with jitter, honouring
    /// <see cref="SegurTransportException.RetryAfter"/>), circuit breaker, per-attempt timeout.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The settings.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ResiliencePipelineBuilder AddSegurDefaults(this ResiliencePipelineBuilder builder, SegurResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = static args => new ValueTask<TimeSpan?>(
                    args.Outcome.Exception is SegurTransportException { RetryAfter: { } retryAfter } ? retryAfter : null),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder;
    }

    /// <summary>Runs an operation through a pipeline and turns Polly's own exceptions into SDK exceptions: an attempt
    /// timeout becomes <see cref="SegurTransportException"/> <c>SGR-1502</c>, an open circuit <c>SGR-1503</c> (with
    /// <see cref="SegurTransportException.RetryAfter"/>).</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="operation">The operation; it receives the pipeline's token (timeouts, caller cancellation).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="SegurTransportException">Timed out or circuit open.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public static async ValueTask<TResult> ExecuteAsync<TResult>(ResiliencePipeline pipeline, Func<CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await pipeline.ExecuteAsync(static (op, ct) => op(ct), operation, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SegurTransportException(CoreErrorCodes.Timeout, $"The operation timed out after {ex.Timeout.TotalSeconds:0.#} s.", innerException: ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SegurTransportException(CoreErrorCodes.CircuitOpen, "The service failed repeatedly; calls are paused for a while.", innerException: ex)
            {
                RetryAfter = ex.RetryAfter,
            };
        }
    }
}
