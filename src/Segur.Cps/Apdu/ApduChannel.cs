using Segur.Cps.Pcsc;

namespace Segur.Cps.Apdu;

/// <summary>
/// Sends <see cref="CommandApdu"/>s over an <see cref="ICardReader"/> and completes the ISO 7816 response handling the
/// PC/SC layer does not do: GET RESPONSE after <c>61 xx</c> (T=0 cards such as the CPS3), re-send with Le = xx after
/// <c>6C xx</c>, Le left out of case-4 commands on T=0.
/// </summary>
public sealed class ApduChannel
{
    private const int MaxRounds = 512;

    /// <summary>Creates a channel over a reader.</summary>
    /// <param name="reader">The card connection.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    public ApduChannel(ICardReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Reader = reader;
    }

    /// <summary>The card connection.</summary>
    public ICardReader Reader { get; }

    /// <summary>The largest Le sent in a GET RESPONSE; the CPS Cryptolib reads at most <c>E7</c> (231) bytes at a time.</summary>
    /// <value>Default: 231.</value>
    public int MaxGetResponseLength { get; init; } = 0xE7;

    /// <summary>Sends a command and collects its whole answer.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels between exchanges.</param>
    /// <returns>The response with every data chunk concatenated and the final status word.</returns>
    /// <exception cref="SegurCardException">The card was removed or the reader failed.</exception>
    /// <exception cref="SegurProtocolException">A malformed answer or an endless GET RESPONSE loop.</exception>
    public async ValueTask<ResponseApdu> TransmitAsync(CommandApdu command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var t0 = Reader.ActiveProtocol == SmartCardProtocols.T0;
        var response = await SendAsync(command.ToBytes(omitLe: t0), cancellationToken).ConfigureAwait(false);
        if (response.StatusWord.IsWrongLength)
        {
            var le = response.StatusWord.Sw2 == 0 ? 256 : response.StatusWord.Sw2;
            response = await SendAsync(command.WithNe(le).ToBytes(), cancellationToken).ConfigureAwait(false);
        }

        if (!response.StatusWord.IsMoreDataAvailable)
        {
            return response;
        }

        var data = new List<byte>(response.Data.Length + 256);
        data.AddRange(response.Data.Span);
        var channelBits = (byte)(command.Cla & 0x03);
        for (var round = 0; response.StatusWord.IsMoreDataAvailable; round++)
        {
            if (round == MaxRounds)
            {
                throw new SegurProtocolException(CpsErrorCodes.ApduMalformedResponse, "The card kept answering 61 xx; GET RESPONSE loop stopped.");
            }

            var pending = response.StatusWord.Sw2 == 0 ? 256 : response.StatusWord.Sw2;
            var le = Math.Min(pending, MaxGetResponseLength);
            var getResponse = new CommandApdu(channelBits, 0xC0, 0x00, 0x00, ne: le);
            response = await SendAsync(getResponse.ToBytes(), cancellationToken).ConfigureAwait(false);
            if (response.StatusWord.IsWrongLength)
            {
                response = await SendAsync(getResponse.WithNe(response.StatusWord.Sw2 == 0 ? 256 : response.StatusWord.Sw2).ToBytes(), cancellationToken).ConfigureAwait(false);
            }

            data.AddRange(response.Data.Span);
        }

        return new ResponseApdu(data.ToArray(), response.StatusWord);
    }

    private async ValueTask<ResponseApdu> SendAsync(byte[] apdu, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var raw = await Reader.TransmitAsync(apdu, cancellationToken).ConfigureAwait(false);
            return ResponseApdu.Parse(raw);
        }
        finally
        {
            // The command may hold a PIN: do not leave it in memory longer than needed.
            Array.Clear(apdu);
        }
    }
}
