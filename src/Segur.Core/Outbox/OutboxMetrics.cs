using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Segur.Diagnostics;

namespace Segur.Outbox;

/// <summary>Outbox instruments on the <c>Segur.Core</c> meter.</summary>
internal static class OutboxMetrics
{
    public const string NameTag = "segur.outbox.name";
    public const string KindTag = "segur.outbox.kind";
    public const string OutcomeTag = "segur.outbox.outcome";

    private static readonly ConcurrentDictionary<OutboxProcessor, byte> Live = new();

    public static readonly Counter<long> Attempts = CoreDiagnostics.Meter.CreateCounter<long>(
        "segur.outbox.attempts", "{attempt}", "Attempts started to send outbox items.");

    public static readonly Counter<long> Outcomes = CoreDiagnostics.Meter.CreateCounter<long>(
        "segur.outbox.outcomes", "{item}", "How outbox attempts ended (sent, retrying, dead_lettered, waiting, lease_lost, deferred).");

    public static readonly Histogram<double> Duration = CoreDiagnostics.Meter.CreateHistogram<double>(
        "segur.outbox.attempt.duration", "s", "How long outbox handler attempts took.");

    private static readonly ObservableGauge<long> Depth = CoreDiagnostics.Meter.CreateObservableGauge(
        "segur.outbox.queue.depth", ObserveDepth, "{item}", "Outbox items not finished (ready, held, leased, waiting).");

    private static readonly ObservableGauge<double> OldestAge = CoreDiagnostics.Meter.CreateObservableGauge(
        "segur.outbox.oldest_item.age", ObserveAge, "s", "Age of the oldest unfinished outbox item.");

    public static void Register(OutboxProcessor processor)
    {
        GC.KeepAlive(Depth);
        GC.KeepAlive(OldestAge);
        Live.TryAdd(processor, 0);
    }

    public static void Unregister(OutboxProcessor processor) => Live.TryRemove(processor, out _);

    public static void Outcome(string name, string kind, OutboxOutcome outcome, string? errorCode)
    {
        var tags = new TagList
        {
            { NameTag, name },
            { KindTag, kind },
            { OutcomeTag, OutcomeName(outcome) },
        };
        if (errorCode is not null)
        {
            tags.Add(SegurDiagnostics.ErrorTypeTag, errorCode);
        }

        Outcomes.Add(1, tags);
    }

    public static string OutcomeName(OutboxOutcome outcome) => outcome switch
    {
        OutboxOutcome.Sent => "sent",
        OutboxOutcome.Retrying => "retrying",
        OutboxOutcome.DeadLettered => "dead_lettered",
        OutboxOutcome.Waiting => "waiting",
        OutboxOutcome.LeaseLost => "lease_lost",
        OutboxOutcome.Deferred => "deferred",
        _ => "enqueued",
    };

    private static IEnumerable<Measurement<long>> ObserveDepth() =>
        Live.Keys.Where(p => p.LastStatistics is not null)
            .Select(p => new Measurement<long>(p.LastStatistics!.Pending, new KeyValuePair<string, object?>(NameTag, p.Name)));

    private static IEnumerable<Measurement<double>> ObserveAge() =>
        Live.Keys.Where(p => p.LastStatistics is not null)
            .Select(p => new Measurement<double>(
                p.LastStatistics!.OldestPendingCreatedAt is { } oldest ? Math.Max(0, (p.Now - oldest).TotalSeconds) : 0,
                new KeyValuePair<string, object?>(NameTag, p.Name)));
}
