using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Segur.Outbox;

/// <summary>Settings of the outbox and its processor.</summary>
public sealed class OutboxOptions : SegurClientOptions
{
    /// <summary>The SQLite file used when no <see cref="IOutboxStore"/> is supplied.
    /// <value>Default: <see cref="SqliteOutboxStore.DefaultDatabasePath"/>.</value></summary>
    public string? DatabasePath { get; set; }

    /// <summary>The largest size of the SQLite file, in bytes. <value>Default: no limit.</value></summary>
    [Range(65536L, long.MaxValue)]
    public long? MaxDatabaseSizeBytes { get; set; }

    /// <summary>Encrypts payloads at rest with AES-GCM when set. <value>Default: none (payloads stored in clear).</value></summary>
    public IOutboxKeyProvider? KeyProvider { get; set; }

    /// <summary>The largest payload accepted at enqueue, in bytes. <value>Default: 64 MiB.</value></summary>
    [Range(1, int.MaxValue - 64)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How many items are sent at the same time. <value>Default: 4.</value></summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How long an attempt may last: the handler is cancelled then, and after a crash the item is retried once
    /// the lease expires. <value>Default: 2 minutes.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first retry delay after a transient failure; it doubles each attempt, with jitter.
    /// <value>Default: 2 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest retry delay. <value>Default: 15 minutes.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>After this many attempts ending in transient failures the item becomes a dead letter.
    /// <value>Default: 50.</value></summary>
    [Range(1, 100000)]
    public int MaxAttempts { get; set; } = 50;

    /// <summary>Consecutive transient failures of one kind that open its circuit. <value>Default: 5.</value></summary>
    [Range(1, 1000)]
    public int CircuitBreakerFailureThreshold { get; set; } = 5;

    /// <summary>How long an open circuit pauses its kind before one trial attempt. <value>Default: 30 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest the processor sleeps without looking at the store (other processes may enqueue, and
    /// preconditions are re-checked). <value>Default: 30 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long sent and cancelled items are kept for traceability before they are purged.
    /// <value>Default: 30 days.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the processor purges old items. <value>Default: 1 hour.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether a sent item keeps its payload until purged (otherwise it is erased when sent, keeping less
    /// health data at rest). <value>Default: <see langword="false"/>.</value></summary>
    public bool KeepSentPayloads { get; set; }

    /// <summary>A name for this outbox in metrics (<c>segur.outbox.name</c> tag). <value>Default: <c>default</c>.</value></summary>
    [Required]
    public string Name { get; set; } = "default";

    /// <summary>Jitter source for tests: returns a number in [0, 1).</summary>
    internal Func<double>? Jitter { get; set; }
}

/// <summary>Validates <see cref="OutboxOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    /// <summary>Throws when <paramref name="options"/> are invalid, listing every problem.</summary>
    public static void ThrowIfInvalid(OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new OutboxOptionsValidator().Validate(null, options);
        var failures = new List<string>(result.Failed ? result.Failures : []);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add("RetryMaxDelay must not be shorter than RetryBaseDelay.");
        }

        if (options.TimeProvider is null || options.LoggerFactory is null)
        {
            failures.Add("TimeProvider and LoggerFactory are required.");
        }

        if (failures.Count > 0)
        {
            throw new SegurValidationException(CoreErrorCodes.OptionsInvalid, "Invalid OutboxOptions: " + string.Join(" ", failures)) { Field = nameof(OutboxOptions) };
        }
    }
}
