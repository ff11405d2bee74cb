namespace Segur.Cps.Pcsc;

/// <summary>How a connection shares the card with other applications (<c>SCARD_SHARE_*</c>).</summary>
public enum SmartCardShareMode
{
    /// <summary>No other application may connect (<c>SCARD_SHARE_EXCLUSIVE</c>).</summary>
    Exclusive = 1,

    /// <summary>Other applications may connect (<c>SCARD_SHARE_SHARED</c>); the default.</summary>
    Shared = 2,

    /// <summary>Direct access to the reader, even without a card (<c>SCARD_SHARE_DIRECT</c>).</summary>
    Direct = 3,
}

/// <summary>Transmission protocols (<c>SCARD_PROTOCOL_*</c>), combinable.</summary>
[Flags]
public enum SmartCardProtocols
{
    /// <summary>None (only with <see cref="SmartCardShareMode.Direct"/>).</summary>
    None = 0,

    /// <summary>T=0, byte-oriented; CPS3 contact cards speak only T=0.</summary>
    T0 = 1,

    /// <summary>T=1, block-oriented.</summary>
    T1 = 2,

    /// <summary>Raw protocol.</summary>
    Raw = 4,
}

/// <summary>What happens to the card when a connection closes (<c>SCARD_*_CARD</c> dispositions).</summary>
public enum SmartCardDisposition
{
    /// <summary>Leave the card as is (the PIN stays verified for other connections); the default.</summary>
    Leave = 0,

    /// <summary>Reset the card (clears the PIN-verified state).</summary>
    Reset = 1,

    /// <summary>Power the card down.</summary>
    Unpower = 2,

    /// <summary>Eject the card (readers with a motor).</summary>
    Eject = 3,
}
