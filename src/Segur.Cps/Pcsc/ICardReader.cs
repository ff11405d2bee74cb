using Segur.Cps.Pcsc;

namespace Segur.Cps;

/// <summary>
/// A connection to a card that exchanges raw APDUs: the seam between the card logic (<see cref="CpsCard"/>) and the
/// transport. The default implementation is <see cref="SmartCardConnection"/> (PC/SC); tests use an in-memory card.
/// </summary>
public interface ICardReader
{
    /// <summary>The reader's name.</summary>
    string ReaderName { get; }

    /// <summary>The card's answer to reset.</summary>
    ReadOnlyMemory<byte> Atr { get; }

    /// <summary>The protocol in use (T=0 needs GET RESPONSE handling and no Le on case-4 commands).</summary>
    SmartCardProtocols ActiveProtocol { get; }

    /// <summary>Sends a command APDU and returns the raw response (data followed by SW1 SW2).</summary>
    /// <param name="apdu">The command APDU bytes.</param>
    /// <param name="cancellationToken">Cancels the operation (a command already at the card completes).</param>
    /// <returns>The response APDU bytes.</returns>
    /// <exception cref="SegurCardException">The card was removed, the reader is gone or the service stopped.</exception>
    ValueTask<ReadOnlyMemory<byte>> TransmitAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default);
}
