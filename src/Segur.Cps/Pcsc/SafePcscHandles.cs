using System.Runtime.InteropServices;
using Segur.Cps.Pcsc.Native;

namespace Segur.Cps.Pcsc;

/// <summary>An established <c>SCARDCONTEXT</c>, released with <c>SCardReleaseContext</c>.</summary>
internal sealed class SafePcscContextHandle : SafeHandle
{
    private readonly PcscApi _api;

    public SafePcscContextHandle(PcscApi api, nint context)
        : base(0, ownsHandle: true)
    {
        _api = api;
        SetHandle(context);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _api.ReleaseContext(handle);
        return true;
    }
}

/// <summary>A connected <c>SCARDHANDLE</c>, disconnected with <c>SCardDisconnect</c> and the chosen disposition.</summary>
internal sealed class SafePcscCardHandle : SafeHandle
{
    private readonly PcscApi _api;

    public SafePcscCardHandle(PcscApi api, nint card)
        : base(0, ownsHandle: true)
    {
        _api = api;
        SetHandle(card);
    }

    public SmartCardDisposition Disposition { get; set; } = SmartCardDisposition.Leave;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _api.Disconnect(handle, (uint)Disposition);
        return true;
    }
}

/// <summary>An unmanaged <c>SCARD_READERSTATE[]</c> laid out for the current platform, with its reader-name strings.</summary>
internal sealed class ReaderStateArray : IDisposable
{
    private readonly PcscApi _api;
    private readonly nint[] _names;
    private nint _buffer;

    public ReaderStateArray(PcscApi api, IReadOnlyList<string> readers)
    {
        _api = api;
        Readers = readers;
        Layout = api.ReaderStateLayout;
        _names = new nint[readers.Count];
        _buffer = Marshal.AllocHGlobal(Math.Max(1, Layout.Size * readers.Count));
        for (var i = 0; i < readers.Count; i++)
        {
            _names[i] = api.AllocReaderName(readers[i]);
            Layout.Write(Entry(i), _names[i], PcscConstants.StateUnaware);
        }
    }

    public IReadOnlyList<string> Readers { get; }

    public ReaderStateLayout Layout { get; }

    public nint Pointer => _buffer;

    public unsafe Span<byte> Entry(int index) => new((byte*)_buffer + (index * Layout.Size), Layout.Size);

    public uint EventState(int index) => Layout.ReadEventState(Entry(index));

    public byte[] Atr(int index) => Layout.ReadAtr(Entry(index));

    public void SetCurrentState(int index, uint state) => Layout.WriteCurrentState(Entry(index), state);

    /// <summary>Copies each event state into the current state, as the next wait expects (keeps the event counter).</summary>
    public void AcknowledgeEvents()
    {
        for (var i = 0; i < Readers.Count; i++)
        {
            SetCurrentState(i, EventState(i) & ~PcscConstants.StateChanged);
        }
    }

    /// <summary>Waits for a change; returns the PC/SC code.</summary>
    public uint Wait(nint context, uint timeoutMs) => _api.GetStatusChange(context, timeoutMs, _buffer, Readers.Count);

    public void Dispose()
    {
        foreach (var name in _names)
        {
            Marshal.FreeCoTaskMem(name);
        }

        Array.Clear(_names);
        if (_buffer != 0)
        {
            Marshal.FreeHGlobal(_buffer);
            _buffer = 0;
        }
    }
}
