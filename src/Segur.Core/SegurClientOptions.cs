using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Segur;

/// <summary>Settings shared by every client of the SDK.</summary>
public class SegurClientOptions
{
    /// <summary>Where the client logs. <value>Default: <see cref="NullLoggerFactory.Instance"/> (no logging).</value></summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock for expiries, schedules, delays and durations. <value>Default: <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Whether INS, names, tokens and documents may appear in logs and traces. Never enable in production.
    /// PINs are never logged, whatever this says. <value>Default: <see langword="false"/>.</value></summary>
    public bool EnableSensitiveDataLogging { get; set; }
}
