using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Segur.Dmp.Queue;

/// <summary>Log messages of the DMP send queue (event ids 4501–4599). Never an INS, a name or a document: only ids.</summary>
internal static partial class DmpQueueLog
{
    [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "DMP queue: document {UniqueId} (set {SetId} v{Version}) queued as {ItemId}, state {State}")]
    public static partial void Queued(ILogger logger, string uniqueId, string setId, int version, Guid itemId, DmpQueueItemState state);

    [LoggerMessage(EventId = 4502, Level = LogLevel.Information, Message = "DMP queue: document {UniqueId} is already queued or unchanged; existing item {ItemId} returned")]
    public static partial void Deduplicated(ILogger logger, string uniqueId, Guid itemId);

    [LoggerMessage(EventId = 4503, Level = LogLevel.Information, Message = "DMP queue: item {ItemId} sent, entryUUID {EntryUuid}")]
    public static partial void Sent(ILogger logger, Guid itemId, string? entryUuid);

    [LoggerMessage(EventId = 4504, Level = LogLevel.Information, Message = "DMP queue: item {ItemId} was already in the DMP (checked before resending); marked sent without sending again")]
    public static partial void AlreadyPresent(ILogger logger, Guid itemId);

    [LoggerMessage(EventId = 4505, Level = LogLevel.Warning, Message = "DMP queue: item {ItemId} rejected: {ErrorCode} (registry errors: {RegistryErrors})")]
    public static partial void Rejected(ILogger logger, Guid itemId, string errorCode, string registryErrors);

    [LoggerMessage(EventId = 4506, Level = LogLevel.Information, Message = "DMP queue: the outcome of item {ItemId} is unknown ({ErrorCode}); the DMP is asked before the next attempt")]
    public static partial void Ambiguous(ILogger logger, Guid itemId, string errorCode);

    [LoggerMessage(EventId = 4507, Level = LogLevel.Information, Message = "DMP queue: item {ItemId} held: {Reason}")]
    public static partial void Held(ILogger logger, Guid itemId, string reason);

    [LoggerMessage(EventId = 4508, Level = LogLevel.Information, Message = "DMP queue: item {ItemId} {Command} by {Actor}")]
    public static partial void Command(ILogger logger, Guid itemId, string command, string actor);

    [LoggerMessage(EventId = 4509, Level = LogLevel.Debug, Message = "DMP queue: item {ItemId} waits for {Precondition}")]
    public static partial void Waiting(ILogger logger, Guid itemId, string precondition);

    [LoggerMessage(EventId = 4510, Level = LogLevel.Debug, Message = "DMP queue: item {ItemId} replaces entry {EntryUuid} (resolved {Source})")]
    public static partial void ReplacementResolved(ILogger logger, Guid itemId, string entryUuid, string source);

    [LoggerMessage(EventId = 4511, Level = LogLevel.Warning, Message = "DMP queue: could not check whether the DMP already has item {ItemId} ({ErrorCode}); sending, the DMP refuses a duplicate uniqueId")]
    public static partial void CheckFailed(ILogger logger, Guid itemId, string errorCode);

    [LoggerMessage(EventId = 4512, Level = LogLevel.Warning, Message = "DMP queue: a state-change listener failed for item {ItemId}")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, Guid itemId);
}

/// <summary>Metrics of the DMP send queue, on the <c>Segur.Dmp</c> meter.</summary>
internal static class DmpQueueMetrics
{
    public const string ResultTag = "segur.dmp.queue.result";
    public const string OutcomeTag = "segur.dmp.queue.outcome";

    public static readonly Meter Meter = new("Segur.Dmp");

    /// <summary><c>segur.dmp.queue.enqueued</c> {document}: documents handed to the queue, by result (queued, held,
    /// duplicate, unchanged).</summary>
    public static readonly Counter<long> Enqueued = Meter.CreateCounter<long>("segur.dmp.queue.enqueued", "{document}", "Documents handed to the DMP send queue.");

    /// <summary><c>segur.dmp.queue.outcomes</c> {document}: attempt outcomes (sent, already_present, rejected,
    /// ambiguous, held_by_policy, waiting), with <c>error.type</c>.</summary>
    public static readonly Counter<long> Outcomes = Meter.CreateCounter<long>("segur.dmp.queue.outcomes", "{document}", "Outcomes of DMP send queue attempts.");

    public static void Enqueue(string result) => Enqueued.Add(1, new KeyValuePair<string, object?>(ResultTag, result));

    public static void Outcome(string outcome, string? errorCode = null)
    {
        var tags = new TagList { { OutcomeTag, outcome } };
        if (errorCode is not null)
        {
            tags.Add("error.type", errorCode);
        }

        Outcomes.Add(1, tags);
    }
}
