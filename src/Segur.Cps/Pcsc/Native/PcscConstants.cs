namespace Segur.Cps.Pcsc.Native;

/// <summary>PC/SC constants shared by winscard and pcsc-lite (pcsclite.h).</summary>
internal static class PcscConstants
{
    public const uint ScopeUser = 0;
    public const uint ScopeSystem = 2;
    public const uint Infinite = 0xFFFFFFFF;

    public const uint StateUnaware = 0;
    public const uint StateIgnore = 0x1;
    public const uint StateChanged = 0x2;
    public const uint StateUnknown = 0x4;
    public const uint StateUnavailable = 0x8;
    public const uint StateEmpty = 0x10;
    public const uint StatePresent = 0x20;
    public const uint StateExclusive = 0x80;
    public const uint StateInUse = 0x100;
    public const uint StateMute = 0x200;

    /// <summary>The pseudo reader that reports reader arrival and removal (not on macOS).</summary>
    public const string PnpNotification = @"\\?PnP?\Notification";

    public const uint Success = 0;
    public const uint Cancelled = 0x80100002;
    public const uint InvalidHandle = 0x80100003;
    public const uint InsufficientBuffer = 0x80100008;
    public const uint UnknownReader = 0x80100009;
    public const uint Timeout = 0x8010000A;
    public const uint SharingViolation = 0x8010000B;
    public const uint NoSmartcard = 0x8010000C;
    public const uint ProtoMismatch = 0x8010000F;
    public const uint NotTransacted = 0x80100016;
    public const uint ReaderUnavailable = 0x80100017;
    public const uint NoService = 0x8010001D;
    public const uint ServiceStopped = 0x8010001E;
    public const uint NoReadersAvailable = 0x8010002E;
    public const uint UnresponsiveCard = 0x80100066;
    public const uint UnpoweredCard = 0x80100067;
    public const uint ResetCard = 0x80100068;
    public const uint RemovedCard = 0x80100069;

    /// <summary>Normalises a native LONG return value (8-byte positive on 64-bit pcsc-lite, negative int on Windows)
    /// to its low 32 bits.</summary>
    public static uint Normalize(long value) => unchecked((uint)(value & 0xFFFFFFFF));
}
