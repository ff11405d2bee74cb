using Segur.Cps.Pcsc.Native;

namespace Segur.Cps.Pcsc;

/// <summary>
/// A PC/SC resource-manager context (<c>SCardEstablishContext</c>): lists readers, reads their state and connects to
/// cards. Use one per thread of work; <see cref="Cancel"/> may be called from any thread.
/// </summary>
/// <remarks>Works with <c>winscard.dll</c> (Windows), <c>libpcsclite.so.1</c> (Linux) and <c>PCSC.framework</c> (macOS),
/// chosen at run time; no native library of the SDK is needed.</remarks>
public sealed class SmartCardContext : IDisposable
{
    private readonly PcscApi _api;
    private readonly SafePcscContextHandle _handle;

    private SmartCardContext(PcscApi api, SafePcscContextHandle handle)
    {
        _api = api;
        _handle = handle;
    }

    /// <summary>Establishes a context with the PC/SC service.</summary>
    /// <returns>The context; dispose it when done.</returns>
    /// <exception cref="SegurCardException"><see cref="CpsErrorCodes.PcscServiceNotRunning"/> when the service is not
    /// running; <see cref="CpsErrorCodes.PcscLibraryNotFound"/> when the PC/SC library is missing.</exception>
    public static SmartCardContext Establish() => Establish(PcscApi.Current);

    internal static SmartCardContext Establish(PcscApi api)
    {
        var rc = api.EstablishContext(PcscConstants.ScopeSystem, out var context);
        PcscErrors.Check(rc, "SCardEstablishContext");
        return new SmartCardContext(api, new SafePcscContextHandle(api, context));
    }

    internal PcscApi Api => _api;

    internal nint Handle => _handle.DangerousGetHandle();

    /// <summary>Whether the context is still valid (false after the service restarted).</summary>
    public bool IsValid => !_handle.IsClosed && _api.IsValidContext(Handle) == PcscConstants.Success;

    /// <summary>Lists the connected readers.</summary>
    /// <returns>The reader names; empty when no reader is connected.</returns>
    /// <exception cref="SegurCardException">The service stopped.</exception>
    public IReadOnlyList<string> ListReaders()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var rc = _api.ListReaders(Handle, out var readers);
        if (rc == PcscConstants.NoReadersAvailable)
        {
            return [];
        }

        PcscErrors.Check(rc, "SCardListReaders");
        return readers;
    }

    /// <summary>Reads the current state of readers without waiting.</summary>
    /// <param name="readers">The readers; default: every connected reader.</param>
    /// <returns>One entry per reader.</returns>
    /// <exception cref="SegurCardException">A reader is unknown or the service stopped.</exception>
    public IReadOnlyList<SmartCardReaderState> GetReaderStates(IEnumerable<string>? readers = null)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var names = (readers ?? ListReaders()).ToList();
        if (names.Count == 0)
        {
            return [];
        }

        using var states = new ReaderStateArray(_api, names);
        var rc = states.Wait(Handle, 0);
        if (rc != PcscConstants.Success && rc != PcscConstants.Timeout)
        {
            PcscErrors.Check(rc, "SCardGetStatusChange");
        }

        var result = new List<SmartCardReaderState>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            result.Add(SmartCardReaderState.From(names[i], states.EventState(i), states.Atr(i)));
        }

        return result;
    }

    /// <summary>Connects to the card in a reader.</summary>
    /// <param name="reader">The reader name.</param>
    /// <param name="shareMode">Sharing with other applications. Default: shared.</param>
    /// <param name="protocols">Acceptable protocols. Default: T=0 or T=1.</param>
    /// <returns>The connection; dispose it to disconnect.</returns>
    /// <exception cref="CardNotPresentException">No card is in the reader.</exception>
    /// <exception cref="SegurCardException">Unknown reader, sharing violation, unresponsive card or service stopped.</exception>
    public SmartCardConnection Connect(string reader, SmartCardShareMode shareMode = SmartCardShareMode.Shared, SmartCardProtocols protocols = SmartCardProtocols.T0 | SmartCardProtocols.T1)
    {
        ArgumentException.ThrowIfNullOrEmpty(reader);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var rc = _api.Connect(Handle, reader, (uint)shareMode, (uint)protocols, out var card, out var active);
        PcscErrors.Check(rc, "SCardConnect", reader);
        var connection = new SmartCardConnection(_api, new SafePcscCardHandle(_api, card), reader, (SmartCardProtocols)active);
        connection.RefreshStatus();
        return connection;
    }

    /// <summary>Cancels a pending wait on this context (<c>SCardCancel</c>); safe from any thread.</summary>
    public void Cancel()
    {
        if (!_handle.IsClosed)
        {
            _api.Cancel(Handle);
        }
    }

    /// <summary>Releases the context.</summary>
    public void Dispose() => _handle.Dispose();
}

/// <summary>The state of one reader at one moment.</summary>
/// <param name="ReaderName">The reader name.</param>
/// <param name="CardPresent">Whether a card is in the reader.</param>
/// <param name="InUseExclusively">Whether another application holds the card exclusively.</param>
/// <param name="Mute">Whether the card does not answer.</param>
/// <param name="Atr">The card's answer to reset (empty without a card).</param>
public sealed record SmartCardReaderState(string ReaderName, bool CardPresent, bool InUseExclusively, bool Mute, ReadOnlyMemory<byte> Atr)
{
    /// <summary>The ATR in hexadecimal (e.g. <c>3BAC00402A…</c>).</summary>
    public string AtrHex => Convert.ToHexString(Atr.Span);

    internal static SmartCardReaderState From(string reader, uint eventState, byte[] atr)
    {
        var present = (eventState & PcscConstants.StatePresent) != 0;
        return new SmartCardReaderState(
            reader,
            present,
            (eventState & PcscConstants.StateExclusive) != 0,
            (eventState & PcscConstants.StateMute) != 0,
            present ? atr : ReadOnlyMemory<byte>.Empty);
    }
}
