using Segur.Outbox;

namespace Segur.Dmp.Queue;

/// <summary>Whether the DMP can be reached: the queue waits (without using attempts) while it says no, and resumes on
/// <see cref="Changed"/>. Wire it to the operating system's network events or to your own connectivity probe.</summary>
public interface INetworkStatus
{
    /// <summary>Whether the network is available now. Must be cheap and must not block.</summary>
    bool IsAvailable { get; }

    /// <summary>Raised when <see cref="IsAvailable"/> may have changed.</summary>
    event EventHandler? Changed;
}

/// <summary>Whether the professional's CPS card is in the reader: documents sent in DIRECTE mode (the card signs the
/// VIHF and authenticates TLS) wait while it says no, and resume on <see cref="Changed"/>. Wire it to
/// <c>Segur.Cps.CardMonitor</c>'s insert and remove events.</summary>
public interface ICardPresence
{
    /// <summary>Whether a usable card is present now. Must be cheap and must not block.</summary>
    bool IsCardPresent { get; }

    /// <summary>Raised when <see cref="IsCardPresent"/> may have changed.</summary>
    event EventHandler? Changed;
}

/// <summary>An <see cref="INetworkStatus"/> or <see cref="ICardPresence"/> the application sets itself (tests, or an
/// application that already tracks connectivity).</summary>
public sealed class ManualDmpSignal : INetworkStatus, ICardPresence
{
    private volatile bool _value;

    /// <summary>Creates the signal.</summary>
    /// <param name="value">The initial value.</param>
    public ManualDmpSignal(bool value) => _value = value;

    /// <inheritdoc />
    public event EventHandler? Changed;

    /// <inheritdoc />
    public bool IsAvailable => _value;

    /// <inheritdoc />
    public bool IsCardPresent => _value;

    /// <summary>Sets the value, raising <see cref="Changed"/> when it changes.</summary>
    /// <param name="value">The new value.</param>
    public void Set(bool value)
    {
        if (_value != value)
        {
            _value = value;
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }
}

/// <summary>The outbox kinds and precondition names the DMP queue uses.</summary>
internal static class DmpQueueKinds
{
    /// <summary>Documents sent in INDIRECTE or AIR mode.</summary>
    public const string Feed = "dmp.feed";

    /// <summary>Documents sent in DIRECTE mode (need the card).</summary>
    public const string FeedWithCard = "dmp.feed.card";

    /// <summary>Durable receipts (entryUUID, registry error codes) written by the feed handler.</summary>
    public const string Receipt = "dmp.receipt";

    public const string Network = "dmp.network";
    public const string Card = "dmp.card";
    public const string Token = "dmp.token";

    public static bool IsFeed(string kind) => kind is Feed or FeedWithCard;
}

/// <summary>Adapts a signal (network, card) to an outbox precondition for the DMP kinds.</summary>
internal sealed class DmpSignalPrecondition : IOutboxPrecondition
{
    private readonly Func<bool> _isSatisfied;
    private readonly string[] _kinds;

    public DmpSignalPrecondition(string name, Func<bool> isSatisfied, Action<EventHandler> subscribe, params string[] kinds)
    {
        Name = name;
        _isSatisfied = isSatisfied;
        _kinds = kinds;
        subscribe((_, e) => Changed?.Invoke(this, e));
    }

    public event EventHandler? Changed;

    public string Name { get; }

    public bool IsSatisfied => _isSatisfied();

    public bool AppliesTo(string kind) => Array.IndexOf(_kinds, kind) >= 0;
}

/// <summary>
/// The token precondition: satisfied until the token source says there is no session; then unsatisfied until
/// <see cref="DmpSendQueueOptions.TokenRetryInterval"/> has passed (a timer on the <see cref="TimeProvider"/> raises
/// <see cref="Changed"/>, so waiting items try once more by themselves) or <see cref="NotifyTokenAvailable"/> is called.
/// </summary>
internal sealed class DmpTokenPrecondition : IOutboxPrecondition
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _retry;
    private readonly object _lock = new();
    private ITimer? _timer;
    private volatile bool _missing;

    public DmpTokenPrecondition(TimeProvider time, TimeSpan retry)
    {
        _time = time;
        _retry = retry;
    }

    public event EventHandler? Changed;

    public string Name => DmpQueueKinds.Token;

    public bool IsSatisfied => !_missing;

    public bool AppliesTo(string kind) => DmpQueueKinds.IsFeed(kind);

    public void MarkMissing()
    {
        lock (_lock)
        {
            _missing = true;
            _timer?.Dispose();
            _timer = _time.CreateTimer(_ => NotifyTokenAvailable(), null, _retry, Timeout.InfiniteTimeSpan);
        }
    }

    public void NotifyTokenAvailable()
    {
        lock (_lock)
        {
            if (!_missing)
            {
                return;
            }

            _missing = false;
            _timer?.Dispose();
            _timer = null;
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }
}
