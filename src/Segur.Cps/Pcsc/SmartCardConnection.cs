using Segur.Cps.Pcsc.Native;

namespace Segur.Cps.Pcsc;

/// <summary>A PC/SC connection to one card (<c>SCardConnect</c>). Not thread-safe: one operation at a time.</summary>
public sealed class SmartCardConnection : ICardReader, IDisposable
{
    private readonly PcscApi _api;
    private readonly SafePcscCardHandle _handle;
    private ReadOnlyMemory<byte> _atr;

    internal SmartCardConnection(PcscApi api, SafePcscCardHandle handle, string reader, SmartCardProtocols protocol)
    {
        _api = api;
        _handle = handle;
        ReaderName = reader;
        ActiveProtocol = protocol;
    }

    /// <inheritdoc/>
    public string ReaderName { get; }

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> Atr => _atr;

    /// <inheritdoc/>
    public SmartCardProtocols ActiveProtocol { get; private set; }

    /// <summary>What happens to the card when this connection is disposed.</summary>
    /// <value>Default: <see cref="SmartCardDisposition.Leave"/>.</value>
    public SmartCardDisposition Disposition
    {
        get => _handle.Disposition;
        set => _handle.Disposition = value;
    }

    private nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>Sends an APDU and returns the raw response (data + SW1 SW2).</summary>
    /// <param name="apdu">The command APDU.</param>
    /// <returns>The response bytes.</returns>
    /// <exception cref="CardRemovedException">The card was removed.</exception>
    /// <exception cref="SegurCardException">Reset by another application, reader gone or service stopped.</exception>
    public byte[] Transmit(ReadOnlySpan<byte> apdu)
    {
        // 65536 data bytes + SW covers extended-length answers (pcsc-lite MAX_BUFFER_SIZE_EXTENDED).
        var receive = new byte[apdu.Length > 261 || IsExtendedLe(apdu) ? 65538 : 258];
        var rc = _api.Transmit(Handle, (uint)ActiveProtocol, apdu, receive, out var received);
        PcscErrors.Check(rc, "SCardTransmit", ReaderName);
        if (received < 2)
        {
            // pcsc-lite reports success with no answer when the card went away during the exchange (vpcd, some readers).
            // The service notices the removal at its next presence poll (about 400 ms on pcsc-lite): look a few times.
            if (CardVanished())
            {
                throw new CardRemovedException(CpsErrorCodes.CardRemoved, $"The card was removed during the exchange (reader '{ReaderName}'); insert it again and retry.", rawFault: "empty response");
            }

            throw new SegurCardException(CpsErrorCodes.CardUnresponsive, $"The card gave no answer (reader '{ReaderName}').");
        }

        return receive.AsSpan(0, received).ToArray();
    }

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<byte>> TransmitAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        // PC/SC transmit is synchronous and short; a command already at the card cannot be cancelled.
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(Transmit(apdu.Span));
    }

    /// <summary>Sends a reader control command (<c>SCardControl</c>, <c>SCardControl132</c> on macOS).</summary>
    /// <param name="function">The reader function number; the platform's <c>SCARD_CTL_CODE</c> is applied.</param>
    /// <param name="input">The input bytes.</param>
    /// <returns>The output bytes.</returns>
    /// <exception cref="SegurCardException">The reader refused the command.</exception>
    public byte[] Control(uint function, ReadOnlySpan<byte> input)
    {
        var output = new byte[65536];
        var rc = _api.Control(Handle, _api.ControlCode(function), input, output, out var returned);
        PcscErrors.Check(rc, "SCardControl", ReaderName);
        return output.AsSpan(0, returned).ToArray();
    }

    /// <summary>Reads the card's status (<c>SCardStatus</c>) and refreshes <see cref="Atr"/>.</summary>
    /// <returns>Whether a card is present and powered in the reader.</returns>
    /// <exception cref="CardRemovedException">The card was removed.</exception>
    public bool RefreshStatus()
    {
        var rc = _api.Status(Handle, out _, out var state, out var protocol, out var atr);
        PcscErrors.Check(rc, "SCardStatus", ReaderName);
        _atr = atr;
        if (protocol != 0)
        {
            ActiveProtocol = (SmartCardProtocols)protocol;
        }

        return _api.StatusMeansPresent(state);
    }

    /// <summary>Starts a transaction (<c>SCardBeginTransaction</c>) so that no other application interleaves APDUs
    /// in a multi-command sequence. Dispose the result to end it.</summary>
    /// <returns>The transaction.</returns>
    /// <exception cref="SegurCardException">The card was removed or reset.</exception>
    public IDisposable BeginTransaction()
    {
        PcscErrors.Check(_api.BeginTransaction(Handle), "SCardBeginTransaction", ReaderName);
        return new Transaction(this);
    }

    /// <summary>Reconnects after a reset by another application (<c>SCardReconnect</c>).</summary>
    /// <param name="initialization">Leave the card as is, or reset it.</param>
    /// <exception cref="SegurCardException">The card was removed or the reader is gone.</exception>
    public void Reconnect(SmartCardDisposition initialization = SmartCardDisposition.Leave)
    {
        var rc = _api.Reconnect(Handle, (uint)SmartCardShareMode.Shared, (uint)(SmartCardProtocols.T0 | SmartCardProtocols.T1), (uint)initialization, out var active);
        PcscErrors.Check(rc, "SCardReconnect", ReaderName);
        ActiveProtocol = (SmartCardProtocols)active;
        RefreshStatus();
    }

    /// <summary>Disconnects, applying <see cref="Disposition"/>.</summary>
    public void Dispose() => _handle.Dispose();

    private bool CardVanished()
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var status = _api.Status(Handle, out _, out var state, out _, out _);
            if (status != PcscConstants.Success || !_api.StatusMeansPresent(state))
            {
                return true;
            }

            Thread.Sleep(150);
        }

        return false;
    }

    private static bool IsExtendedLe(ReadOnlySpan<byte> apdu) => apdu.Length >= 7 && apdu[4] == 0;

    private sealed class Transaction(SmartCardConnection owner) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0 && !owner._handle.IsClosed)
            {
                owner._api.EndTransaction(owner._handle.DangerousGetHandle(), (uint)SmartCardDisposition.Leave);
            }
        }
    }
}
