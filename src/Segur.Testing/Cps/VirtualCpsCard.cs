using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Segur.Cps;
using Segur.Cps.Pcsc;

namespace Segur.Testing.Cps;

/// <summary>
/// A CPS-like virtual card for tests. <see cref="InsertAsync"/> connects it to vsmartcard's <c>vpcd</c> reader driver
/// (pcscd then sees a card in "Virtual PCD 00 00"); <see cref="RemoveAsync"/> closes the connection (card removed).
/// <see cref="CreateDirectReader"/> gives an in-memory <see cref="ICardReader"/> for tests without pcscd.
/// </summary>
/// <remarks>
/// vpcd protocol: every message is a 2-byte big-endian length and a payload. A 1-byte payload from vpcd is a control
/// code (<c>00</c> power off, <c>01</c> power on, <c>02</c> reset, <c>04</c> get ATR, answered with the ATR); any other
/// payload is a command APDU, answered with the response APDU.
/// </remarks>
public sealed class VirtualCpsCard : IAsyncDisposable
{
    /// <summary>The port vpcd listens on for its first slot (<c>0x8C7B</c>).</summary>
    public const int DefaultVpcdPort = 35963;

    /// <summary>The PC/SC name of vpcd's first slot.</summary>
    public const string DefaultReaderName = "Virtual PCD 00 00";

    private readonly VirtualCpsApplet _applet;
    private readonly object _gate = new();
    private TcpClient? _client;
    private Task? _loop;
    private CancellationTokenSource? _stop;
    private int _commands;

    /// <summary>Creates the card, issuing its certificates (RSA-2048) unless given in <paramref name="options"/>.</summary>
    /// <param name="options">The holder and card settings; default: a synthetic doctor with PIN <c>1234</c>.</param>
    public VirtualCpsCard(VirtualCpsCardOptions? options = null)
    {
        Options = options ?? new VirtualCpsCardOptions();
        IssuerCertificate = Options.Issuer ?? VirtualCardPki.Issuer;
        AuthenticationCertificate = Options.AuthenticationCertificate ?? VirtualCardPki.IssueHolder(IssuerCertificate, Options, signature: false);
        SignatureCertificate = VirtualCardPki.IssueHolder(IssuerCertificate, Options, signature: true);
        _applet = new VirtualCpsApplet(Options, AuthenticationCertificate, SignatureCertificate);
    }

    /// <summary>The card settings.</summary>
    public VirtualCpsCardOptions Options { get; }

    /// <summary>The CA that issued the card's certificates.</summary>
    public X509Certificate2 IssuerCertificate { get; }

    /// <summary>The authentication certificate (with the private key the card signs with, for test assertions).</summary>
    public X509Certificate2 AuthenticationCertificate { get; }

    /// <summary>The signature certificate.</summary>
    public X509Certificate2 SignatureCertificate { get; }

    /// <summary>PIN tries left.</summary>
    public int PinTriesLeft
    {
        get
        {
            lock (_gate)
            {
                return _applet.PinTriesLeft;
            }
        }
    }

    /// <summary>Whether the card is connected to vpcd.</summary>
    public bool IsInserted => _client is not null;

    /// <summary>How many signatures the card computed with its authentication key (INTERNAL AUTHENTICATE), whoever
    /// asked: the SDK, or a PKCS#11 module such as OpenSC during a TLS handshake.</summary>
    public int AuthenticationSignatureCount
    {
        get
        {
            lock (_gate)
            {
                return _applet.AuthenticationSignatures;
            }
        }
    }

    /// <summary>Number of command APDUs processed so far.</summary>
    public int CommandCount => Volatile.Read(ref _commands);

    /// <summary>Fault injection: called before each command APDU (bytes given); return true to pull the card out
    /// instead of answering, as a user removing it mid-operation.</summary>
    public Func<ReadOnlyMemory<byte>, bool>? PullBeforeCommand { get; set; }

    /// <summary>Fault injection: a delay before each answer (slow card).</summary>
    /// <value>Default: none.</value>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>Inserts the card: connects to vpcd and serves it in the background.</summary>
    /// <param name="host">vpcd's address. Default: 127.0.0.1.</param>
    /// <param name="port">vpcd's port. Default: 35963.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>A task completing once connected.</returns>
    /// <exception cref="InvalidOperationException">Already inserted.</exception>
    /// <exception cref="SocketException">vpcd is not listening (pcscd with vsmartcard-vpcd not started).</exception>
    public async Task InsertAsync(string host = "127.0.0.1", int port = DefaultVpcdPort, CancellationToken cancellationToken = default)
    {
        if (_client is not null)
        {
            throw new InvalidOperationException("The virtual card is already inserted.");
        }

        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        lock (_gate)
        {
            _applet.Reset();
        }

        _client = client;
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => ServeAsync(client, _stop.Token), CancellationToken.None);
    }

    /// <summary>Removes the card: closes the connection to vpcd.</summary>
    /// <param name="cancellationToken">Not used: removal always completes (kept for the SDK's async convention).</param>
    /// <returns>A task completing once the serving loop ended.</returns>
    public async Task RemoveAsync(CancellationToken cancellationToken = default)
    {
        var client = Interlocked.Exchange(ref _client, null);
        if (client is null)
        {
            return;
        }

        await (_stop?.CancelAsync() ?? Task.CompletedTask).ConfigureAwait(false);
        client.Dispose();
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The connection is gone: that is the removal.
            }
        }

        _stop?.Dispose();
        _stop = null;
        lock (_gate)
        {
            _applet.Reset();
        }
    }

    /// <summary>An in-memory reader holding this card (no PC/SC), for unit tests of card logic.</summary>
    /// <param name="readerName">The reader name to report.</param>
    /// <returns>The reader.</returns>
    public ICardReader CreateDirectReader(string readerName = "Virtual CPS (in-memory)") => new DirectReader(this, readerName);

    /// <summary>Sends an APDU straight to the card logic.</summary>
    /// <param name="apdu">The command APDU.</param>
    /// <returns>The response APDU.</returns>
    public byte[] Transmit(ReadOnlySpan<byte> apdu)
    {
        Interlocked.Increment(ref _commands);
        lock (_gate)
        {
            return _applet.Process(apdu);
        }
    }

    /// <summary>Simulates a power cycle (PIN state lost), as pcscd does after its idle grace period.</summary>
    public void PowerCycle()
    {
        lock (_gate)
        {
            _applet.Reset();
        }
    }

    /// <summary>Removes the card.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync() => await RemoveAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        var header = new byte[2];
        while (!cancellationToken.IsCancellationRequested)
        {
            await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadUInt16BigEndian(header);
            var payload = new byte[length];
            await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
            byte[]? answer;
            if (length == 1)
            {
                answer = Control(payload[0]);
            }
            else
            {
                if (PullBeforeCommand?.Invoke(payload) == true)
                {
                    _ = Task.Run(() => RemoveAsync(CancellationToken.None), CancellationToken.None);
                    return;
                }

                if (AnswerDelay > TimeSpan.Zero)
                {
                    await Task.Delay(AnswerDelay, cancellationToken).ConfigureAwait(false);
                }

                answer = Transmit(payload);
            }

            if (answer is not null)
            {
                var frame = new byte[2 + answer.Length];
                BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)answer.Length);
                answer.CopyTo(frame, 2);
                await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private byte[]? Control(byte code)
    {
        switch (code)
        {
            case 0x00: // power off
            case 0x01: // power on
            case 0x02: // reset
                lock (_gate)
                {
                    _applet.Reset();
                }

                return null;
            case 0x04:
                return _applet.Atr;
            default:
                return null;
        }
    }

    private sealed class DirectReader(VirtualCpsCard card, string name) : ICardReader
    {
        public string ReaderName => name;

        public ReadOnlyMemory<byte> Atr => card._applet.Atr;

        public SmartCardProtocols ActiveProtocol => VirtualCpsApplet.IsT0Only(card._applet.Atr) ? SmartCardProtocols.T0 : SmartCardProtocols.T1;

        public ValueTask<ReadOnlyMemory<byte>> TransmitAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(card.Transmit(apdu.Span));
        }
    }
}
