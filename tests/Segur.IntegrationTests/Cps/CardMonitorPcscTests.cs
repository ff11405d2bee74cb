using Segur.Cps;
using Segur.Testing.Cps;

namespace Segur.IntegrationTests.Cps;

[Collection(PcscdCollection.Name)]
public sealed class CardMonitorPcscTests
{
    private static async Task<CardEvent> NextAsync(IAsyncEnumerator<CardEvent> events, Func<CardEvent, bool> match)
    {
        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var move = events.MoveNextAsync().AsTask();
            var done = await Task.WhenAny(move, Task.Delay(Timeout.Infinite, safety.Token).ContinueWith(_ => false, TaskScheduler.Default));
            Assert.True(done == move, "no matching card event within the safety timeout");
            Assert.True(await move);
            if (match(events.Current))
            {
                return events.Current;
            }
        }
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task WatchAsync_InsertThenRemove_YieldsInsertedThenRemoved()
    {
        await Pcscd.WaitForCardAsync(present: false);
        await using var monitor = new CardMonitor(new CardMonitorOptions { PollInterval = TimeSpan.FromMilliseconds(500) });
        using var stop = new CancellationTokenSource();
        await using var events = monitor.WatchAsync(stop.Token).GetAsyncEnumerator();
        await NextAsync(events, e => e.Kind == CardEventKind.ReaderAdded && e.ReaderName == Pcscd.Reader);

        await using var card = new VirtualCpsCard();
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        var inserted = await NextAsync(events, e => e.ReaderName == Pcscd.Reader && e.Kind is CardEventKind.CardInserted or CardEventKind.CardRemoved);
        Assert.Equal(CardEventKind.CardInserted, inserted.Kind);
        Assert.Equal(CpsCardGeneration.Cps3, inserted.CardGeneration);

        await card.RemoveAsync();
        var removed = await NextAsync(events, e => e.ReaderName == Pcscd.Reader && e.Kind is CardEventKind.CardInserted or CardEventKind.CardRemoved);
        Assert.Equal(CardEventKind.CardRemoved, removed.Kind);
        await stop.CancelAsync();
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task WatchAsync_PcscdRestarted_ReportsLossThenSeesCardAgain()
    {
        await using var card = new VirtualCpsCard();
        await using var monitor = new CardMonitor(new CardMonitorOptions { PollInterval = TimeSpan.FromMilliseconds(500), ReconnectDelay = TimeSpan.FromMilliseconds(200) });
        var raised = new List<CardEventKind>();
        monitor.EventOccurred += (_, e) => { lock (raised) { raised.Add(e.Kind); } };
        await using var events = monitor.WatchAsync().GetAsyncEnumerator();
        await NextAsync(events, e => e.Kind == CardEventKind.ReaderAdded);

        try
        {
            Pcscd.Stop();
            await NextAsync(events, e => e.Kind == CardEventKind.ServiceLost);
        }
        finally
        {
            Pcscd.Start();
        }

        await NextAsync(events, e => e.Kind == CardEventKind.ServiceRestored);
        await NextAsync(events, e => e.Kind == CardEventKind.ReaderAdded && e.ReaderName == Pcscd.Reader);
        await Pcscd.WaitForCardAsync(present: false); // a previous test\'s card must be gone first
        await card.InsertAsync(port: Pcscd.VpcdPort);
        var inserted = await NextAsync(events, e => e.Kind == CardEventKind.CardInserted);
        Assert.Equal(Pcscd.Reader, inserted.ReaderName);
        lock (raised)
        {
            Assert.Contains(CardEventKind.ServiceLost, raised);
            Assert.Contains(CardEventKind.CardInserted, raised);
        }
    }
}
