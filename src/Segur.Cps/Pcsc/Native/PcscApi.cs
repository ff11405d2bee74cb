using System.Runtime.InteropServices;
using System.Text;

namespace Segur.Cps.Pcsc.Native;

/// <summary>
/// One PC/SC flavour. Every method returns the PC/SC result normalised to 32 bits (0 = success); callers turn
/// failures into exceptions with <see cref="PcscErrors"/>. The implementation is
/// <see cref="PcscApiCore{TLong, TDword, THandle, TChar}"/> over the P/Invokes of <see cref="PcscLiteApi"/>,
/// <see cref="WinscardApi"/> or <see cref="MacPcscApi"/>.
/// </summary>
internal abstract class PcscApi
{
    private static readonly Lazy<PcscApi> Instance = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The API of the current operating system.</summary>
    /// <exception cref="SegurCardException">The PC/SC library cannot be loaded.</exception>
    public static PcscApi Current => Instance.Value;

    public abstract PcscPlatform Platform { get; }

    public abstract string LibraryName { get; }

    public ReaderStateLayout ReaderStateLayout => field ??= ReaderStateLayout.For(Platform, IntPtr.Size);

    public abstract uint EstablishContext(uint scope, out nint context);

    public abstract uint ReleaseContext(nint context);

    public abstract uint IsValidContext(nint context);

    public abstract uint ListReaders(nint context, out string[] readers);

    public abstract uint Connect(nint context, string reader, uint shareMode, uint preferredProtocols, out nint card, out uint activeProtocol);

    public abstract uint Reconnect(nint card, uint shareMode, uint preferredProtocols, uint initialization, out uint activeProtocol);

    public abstract uint Disconnect(nint card, uint disposition);

    public abstract uint BeginTransaction(nint card);

    public abstract uint EndTransaction(nint card, uint disposition);

    public abstract uint Transmit(nint card, uint protocol, ReadOnlySpan<byte> send, Span<byte> receive, out int received);

    public abstract uint Control(nint card, uint controlCode, ReadOnlySpan<byte> input, Span<byte> output, out int returned);

    public abstract uint Status(nint card, out string reader, out uint state, out uint protocol, out byte[] atr);

    /// <summary>Calls <c>SCardGetStatusChange</c> on a buffer laid out with <see cref="ReaderStateLayout"/>.</summary>
    public abstract uint GetStatusChange(nint context, uint timeoutMs, nint readerStates, int count);

    public abstract uint Cancel(nint context);

    /// <summary>Whether <c>SCardStatus</c>'s state says a card is present (bit mask on pcsc-lite/macOS, enumeration on Windows).</summary>
    public abstract bool StatusMeansPresent(uint state);

    /// <summary>Allocates a reader name in the encoding <c>SCARD_READERSTATE.szReader</c> expects.</summary>
    public virtual nint AllocReaderName(string name) => Marshal.StringToCoTaskMemUTF8(name);

    /// <summary>Builds a <c>SCARD_CTL_CODE</c> for a reader-specific function number.</summary>
    public virtual uint ControlCode(uint function) => 0x42000000 + function;

    /// <summary>Splits a double-NUL-terminated multi-string.</summary>
    internal static string[] SplitMultiString(string value) =>
        value.Split('\0', StringSplitOptions.RemoveEmptyEntries);

    internal static string[] SplitMultiString(ReadOnlySpan<byte> utf8) => SplitMultiString(Encoding.UTF8.GetString(utf8));

    private static PcscApi Create()
    {
        var api = OperatingSystem.IsWindows() ? WinscardApi.Create()
            : OperatingSystem.IsMacOS() ? MacPcscApi.Create()
            : PcscLiteApi.Create();
        if (!NativeLibrary.TryLoad(api.LibraryName, typeof(PcscApi).Assembly, null, out var handle))
        {
            throw new SegurCardException(
                Cps.CpsErrorCodes.PcscLibraryNotFound,
                $"The PC/SC library {api.LibraryName} cannot be loaded; install it (Linux: libpcsclite1 and pcscd).");
        }

        NativeLibrary.Free(handle);
        return api;
    }
}
