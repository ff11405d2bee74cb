using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Segur.Cps.Pcsc;
using Segur.Cps.Pcsc.Native;

namespace Segur.Cps;

/// <summary>What happened to a reader or a card.</summary>
public enum CardEventKind
{
    /// <summary>A reader was connected (or was there when monitoring started).</summary>
    ReaderAdded,

    /// <summary>A reader was unplugged.</summary>
    ReaderRemoved,

    /// <summary>A card was inserted (or was there when monitoring started).</summary>
    CardInserted,

    /// <summary>A card was removed.</summary>
    CardRemoved,

    /// <summary>The PC/SC service stopped or is not running; the monitor retries.</summary>
    ServiceLost,

    /// <summary>The PC/SC service is reachable again.</summary>
    ServiceRestored,
}

/// <summary>A reader or card event.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ReaderName">The reader, or null for service events.</param>
/// <param name="Atr">The card's ATR for <see cref="CardEventKind.CardInserted"/>, else empty.</param>
/// <param name="Timestamp">When the monitor saw it (from the monitor's <see cref="TimeProvider"/>).</param>
public sealed record CardEvent(CardEventKind Kind, string? ReaderName, ReadOnlyMemory<byte> Atr, DateTimeOffset Timestamp)
{
    /// <summary>The CPS generation recognised from <see cref="Atr"/>.</summary>
    public CpsCardGeneration CardGeneration => CpsCard.RecognizeAtr(Atr.Span);
}

/// <summary>Options of <see cref="CardMonitor"/>.</summary>
public sealed class CardMonitorOptions : SegurClientOptions
{
    /// <summary>How long one PC/SC wait lasts before the reader list is read again (also the polling period on macOS,
    /// which has no reader-arrival notification).</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay before re-establishing the context after the service stopped; doubles up to
    /// <see cref="MaxReconnectDelay"/>.</summary>
    /// <value>Default: 500 ms.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest delay between reconnection attempts.</summary>
    /// <value>Default: 5 seconds.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Watches readers and cards: reader added/removed, card inserted/removed, as <see cref="EventOccurred"/> events and as
/// an <see cref="IAsyncEnumerable{T}"/> (<see cref="WatchAsync"/>). Survives the PC/SC service stopping and restarting
/// (Windows stops it when the last reader is unplugged; pcscd may be restarted) and readers being unplugged.
/// </summary>
public sealed partial class CardMonitor : IAsyncDisposable
{
    private readonly CardMonitorOptions _options;
    private readonly ILogger _logger;
    private readonly Func<PcscApi> _api;
    private readonly object _gate = new();
    private readonly List<Channel<CardEvent>> _subscribers = [];
    private readonly Dictionary<string, uint> _known = new(StringComparer.Ordinal);
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private SmartCardContext? _context;

    /// <summary>Creates a monitor (not started).</summary>
    /// <param name="options">Options; default: 1 s waits, reconnection from 500 ms to 5 s.</param>
    public CardMonitor(CardMonitorOptions? options = null)
        : this(options, () => PcscApi.Current)
    {
    }

    internal CardMonitor(CardMonitorOptions? options, Func<PcscApi> api)
    {
        _options = options ?? new CardMonitorOptions();
        _logger = _options.LoggerFactory.CreateLogger("Segur.Cps.CardMonitor");
        _api = api;
    }

    /// <summary>Raised on the monitor's background task for each event; keep handlers short.</summary>
    public event EventHandler<CardEvent>? EventOccurred;

    /// <summary>The readers currently known and whether they hold a card.</summary>
    public IReadOnlyDictionary<string, bool> Readers
    {
        get
        {
            lock (_gate)
            {
                return _known.ToDictionary(k => k.Key, k => (k.Value & PcscConstants.StatePresent) != 0, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Starts monitoring in the background (idempotent).</summary>
    /// <exception cref="SegurCardException">The PC/SC library is missing (<see cref="CpsErrorCodes.PcscLibraryNotFound"/>).</exception>
    public void Start()
    {
        lock (_gate)
        {
            if (_loop is not null)
            {
                return;
            }

            var api = _api();
            _stop = new CancellationTokenSource();
            var token = _stop.Token;
            _loop = Task.Run(() => RunAsync(api, token), CancellationToken.None);
        }
    }

    /// <summary>Starts the monitor if needed and yields events until cancelled. Events of readers and cards already
    /// present are yielded first.</summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The events.</returns>
    public async IAsyncEnumerable<CardEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<CardEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            foreach (var (reader, state) in _known)
            {
                var now = _options.TimeProvider.GetUtcNow();
                channel.Writer.TryWrite(new CardEvent(CardEventKind.ReaderAdded, reader, ReadOnlyMemory<byte>.Empty, now));
                if ((state & PcscConstants.StatePresent) != 0)
                {
                    channel.Writer.TryWrite(new CardEvent(CardEventKind.CardInserted, reader, ReadOnlyMemory<byte>.Empty, now));
                }
            }

            _subscribers.Add(channel);
        }

        try
        {
            Start();
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>Stops monitoring and completes every <see cref="WatchAsync"/> enumeration.</summary>
    /// <returns>A task completing once the background task ended.</returns>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
            _stop?.Cancel();
            _context?.Cancel();
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        lock (_gate)
        {
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryComplete();
            }

            _stop?.Dispose();
        }
    }

    private async Task RunAsync(PcscApi api, CancellationToken cancellationToken)
    {
        var delay = _options.ReconnectDelay;
        var lost = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var context = SmartCardContext.Establish(api);
                lock (_gate)
                {
                    _context = context;
                }

                if (lost)
                {
                    lost = false;
                    Publish(CardEventKind.ServiceRestored, null, default);
                }

                delay = _options.ReconnectDelay;
                using (cancellationToken.Register(context.Cancel))
                {
                    WatchContext(api, context, cancellationToken);
                }
            }
            catch (SegurCardException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!lost)
                {
                    lost = true;
                    Log.ServiceLost(_logger, ex.ErrorCode);
                    ForgetAll();
                    Publish(CardEventKind.ServiceLost, null, default);
                }
            }
            finally
            {
                lock (_gate)
                {
                    _context = null;
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    /// <summary>Waits for changes on one context until it fails (throws) or cancellation.</summary>
    private void WatchContext(PcscApi api, SmartCardContext context, CancellationToken cancellationToken)
    {
        var pnp = api.Platform != PcscPlatform.MacOS;
        var timeout = (uint)Math.Clamp(_options.PollInterval.TotalMilliseconds, 10, int.MaxValue);
        var pnpState = PcscConstants.StateUnaware;
        while (!cancellationToken.IsCancellationRequested)
        {
            var readers = context.ListReaders();
            SyncReaderList(readers);
            var names = new List<string>(readers);
            if (pnp)
            {
                names.Add(PcscConstants.PnpNotification);
            }

            if (names.Count == 0)
            {
                // macOS without readers: nothing to wait on; poll.
                cancellationToken.WaitHandle.WaitOne(_options.PollInterval);
                continue;
            }

            using var states = new ReaderStateArray(api, names);
            lock (_gate)
            {
                for (var i = 0; i < readers.Count; i++)
                {
                    states.SetCurrentState(i, _known.TryGetValue(readers[i], out var s) ? s : PcscConstants.StateUnaware);
                }
            }

            if (pnp)
            {
                states.SetCurrentState(names.Count - 1, pnpState);
            }

            var rc = states.Wait(context.Handle, timeout);
            switch (rc)
            {
                case PcscConstants.Success:
                    break;
                case PcscConstants.Timeout:
                    continue;
                case PcscConstants.Cancelled when cancellationToken.IsCancellationRequested:
                    return;
                case PcscConstants.UnknownReader or PcscConstants.ReaderUnavailable:
                    continue; // a reader went away between listing and waiting: list again
                default:
                    throw PcscErrors.ToException(rc, "SCardGetStatusChange");
            }

            for (var i = 0; i < readers.Count; i++)
            {
                var state = states.EventState(i);
                if ((state & PcscConstants.StateChanged) == 0)
                {
                    continue;
                }

                Update(readers[i], state & ~PcscConstants.StateChanged, states.Atr(i));
            }

            if (pnp)
            {
                pnpState = states.EventState(names.Count - 1) & ~PcscConstants.StateChanged;
            }
        }
    }

    private void SyncReaderList(IReadOnlyList<string> readers)
    {
        List<string> removed;
        List<string> added;
        lock (_gate)
        {
            removed = _known.Keys.Where(k => !readers.Contains(k)).ToList();
            added = readers.Where(r => !_known.ContainsKey(r)).ToList();
        }

        foreach (var reader in removed)
        {
            Forget(reader);
        }

        foreach (var reader in added)
        {
            lock (_gate)
            {
                _known[reader] = PcscConstants.StateUnaware;
            }

            Publish(CardEventKind.ReaderAdded, reader, default);
        }
    }

    private void Update(string reader, uint state, byte[] atr)
    {
        bool wasPresent;
        uint? previousCounter;
        var counter = state >> 16;
        lock (_gate)
        {
            wasPresent = _known.TryGetValue(reader, out var previous) && (previous & PcscConstants.StatePresent) != 0;
            previousCounter = _lastCounters.TryGetValue(reader, out var c) ? c : null;
            _known[reader] = state;
            _lastCounters[reader] = counter;
        }

        var present = (state & PcscConstants.StatePresent) != 0;
        if (present && !wasPresent)
        {
            Publish(CardEventKind.CardInserted, reader, atr);
        }
        else if (!present && wasPresent)
        {
            Publish(CardEventKind.CardRemoved, reader, default);
        }
        else if (present && counter != 0 && previousCounter is { } before && before != counter)
        {
            // Still present but the event counter moved: removed and inserted again between two waits.
            Publish(CardEventKind.CardRemoved, reader, default);
            Publish(CardEventKind.CardInserted, reader, atr);
        }
    }

    private readonly Dictionary<string, uint> _lastCounters = new(StringComparer.Ordinal);

    private void Forget(string reader)
    {
        bool hadCard;
        lock (_gate)
        {
            hadCard = _known.TryGetValue(reader, out var state) && (state & PcscConstants.StatePresent) != 0;
            _known.Remove(reader);
            _lastCounters.Remove(reader);
        }

        if (hadCard)
        {
            Publish(CardEventKind.CardRemoved, reader, default);
        }

        Publish(CardEventKind.ReaderRemoved, reader, default);
    }

    private void ForgetAll()
    {
        List<string> all;
        lock (_gate)
        {
            all = [.. _known.Keys];
        }

        foreach (var reader in all)
        {
            Forget(reader);
        }
    }

    private void Publish(CardEventKind kind, string? reader, ReadOnlyMemory<byte> atr)
    {
        var item = new CardEvent(kind, reader, atr, _options.TimeProvider.GetUtcNow());
        CpsDiagnostics.CardEvents.Add(1, new KeyValuePair<string, object?>("event", kind.ToString()));
        Log.Event(_logger, kind, reader ?? "-");
        try
        {
            EventOccurred?.Invoke(this, item);
        }
#pragma warning disable CA1031 // A subscriber's failure must not stop card monitoring.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, ex);
        }

        // Enumerations see an event after the handlers ran.
        lock (_gate)
        {
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryWrite(item);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Card monitor: {Kind} {Reader}")]
        public static partial void Event(ILogger logger, CardEventKind kind, string reader);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Card monitor: PC/SC service unavailable ({ErrorCode}); retrying")]
        public static partial void ServiceLost(ILogger logger, string errorCode);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Card monitor: an EventOccurred handler threw")]
        public static partial void HandlerFailed(ILogger logger, Exception exception);
    }
}
