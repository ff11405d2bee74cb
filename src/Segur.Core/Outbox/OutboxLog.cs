using Microsoft.Extensions.Logging;

namespace Segur.Outbox;

/// <summary>Outbox log messages (event ids 1400–1499). Payloads and partition keys are never logged.</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Outbox item {Id} of kind {Kind} enqueued (held: {Held})")]
    public static partial void Enqueued(ILogger logger, Guid id, string kind, bool held);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Debug, Message = "Outbox item {Id} of kind {Kind} already pending or sent; not stored twice")]
    public static partial void Duplicate(ILogger logger, Guid id, string kind);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Outbox item {Id}: {Command}")]
    public static partial void Command(ILogger logger, Guid id, OutboxCommand command);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "Outbox item {Id} of kind {Kind} sent at attempt {Attempt}")]
    public static partial void Sent(ILogger logger, Guid id, string kind, int attempt);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Outbox item {Id} of kind {Kind} failed transiently at attempt {Attempt} ({ErrorCode}); retry at {NextAttemptAt}")]
    public static partial void Retrying(ILogger logger, Guid id, string kind, int attempt, string errorCode, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Warning, Message = "Outbox item {Id} of kind {Kind} moved to the dead letters at attempt {Attempt}: {ErrorCode} {Error}")]
    public static partial void DeadLettered(ILogger logger, Guid id, string kind, int attempt, string errorCode, string error);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Information, Message = "Outbox items of kind {Kind} wait for the precondition {Precondition}")]
    public static partial void Waiting(ILogger logger, string kind, string precondition);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Information, Message = "Precondition {Precondition} is met again: {Count} outbox item(s) resume")]
    public static partial void Resumed(ILogger logger, string precondition, int count);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Warning, Message = "Outbox circuit for kind {Kind} opened until {Until} after repeated transient failures")]
    public static partial void CircuitOpened(ILogger logger, string kind, DateTimeOffset until);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Warning, Message = "Outbox item {Id}: the lease expired before the attempt ended; another processor owns it")]
    public static partial void LeaseLost(ILogger logger, Guid id);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "Outbox housekeeping purged {Count} item(s) completed before {Before}")]
    public static partial void Purged(ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Error, Message = "The outbox processor failed; it retries in {Delay}")]
    public static partial void LoopFailed(ILogger logger, Exception exception, TimeSpan delay);
}
