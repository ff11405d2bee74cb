namespace Segur.Cps;

/// <summary>
/// How <see cref="CpsCard"/> talks to a CPS card. The public parts of the CPS3/CPS4 layout (AIDs, EF.SN.ICC, key
/// references) are the defaults; parts that are <b>not public</b> (certificate file identifiers, PIN block format,
/// MSE algorithm reference) have documented defaults that match <c>Segur.Testing.Cps.VirtualCpsCard</c> and must be
/// checked against a real card (e.g. with <c>pkcs15-tool -D</c> from OpenSC ≥ 0.22) and overridden if they differ.
/// </summary>
public sealed class CpsCardOptions : SegurClientOptions
{
    /// <summary>The IAS-ECC application identifier (contact mode).</summary>
    /// <value>Default: <c>E8 28 BD 08 0F 80 25 00 00 01 FF 00 10</c> (public, Cryptolib).</value>
    public ReadOnlyMemory<byte> IasApplicationId { get; set; } = new byte[] { 0xE8, 0x28, 0xBD, 0x08, 0x0F, 0x80, 0x25, 0x00, 0x00, 0x01, 0xFF, 0x00, 0x10 };

    /// <summary>Path of EF.SN.ICC (card serial number, readable without PIN).</summary>
    /// <value>Default: <c>3F00 D003</c> (public).</value>
    public ReadOnlyMemory<byte> CardNumberPath { get; set; } = new byte[] { 0x3F, 0x00, 0xD0, 0x03 };

    /// <summary>Whether the certificates are found through the card's PKCS#15 directory (EF.DIR → EF.ODF → CDF, all
    /// readable without PIN) before the configured paths below are used. A real CPS3 exposes PKCS#15; its file
    /// identifiers are not public, which is why discovery comes first.</summary>
    /// <value>Default: true.</value>
    public bool DiscoverCertificates { get; set; } = true;

    /// <summary>Path of the authentication certificate (readable without PIN). <b>Not public</b> for real CPS3 cards
    /// (found through PKCS#15 at run time by the Cryptolib).</summary>
    /// <value>Default: <c>3F00 0001 C002</c> (the virtual card's layout; verify on a real card).</value>
    public ReadOnlyMemory<byte> AuthenticationCertificatePath { get; set; } = new byte[] { 0x3F, 0x00, 0x00, 0x01, 0xC0, 0x02 };

    /// <summary>Path of the signature (non-repudiation) certificate. <b>Not public</b>, like
    /// <see cref="AuthenticationCertificatePath"/>.</summary>
    /// <value>Default: <c>3F00 0001 C001</c> (the virtual card's layout; verify on a real card).</value>
    public ReadOnlyMemory<byte> SignatureCertificatePath { get; set; } = new byte[] { 0x3F, 0x00, 0x00, 0x01, 0xC0, 0x01 };

    /// <summary>P2 of VERIFY: the user PIN reference (IAS-ECC local reference, bit 8 set).</summary>
    /// <value>Default: <c>0x81</c> (assumption from the public IAS-ECC traces; the AODF on the card is authoritative).</value>
    public byte PinReference { get; set; } = 0x81;

    /// <summary>The user PIN's SDO reference used by the CPS3 GET DATA tries counter (<c>BF 81 &lt;ref&gt;</c>).</summary>
    /// <value>Default: 1 (public: SDO class 1, reference 1, 3 tries).</value>
    public byte PinSdoReference { get; set; } = 0x01;

    /// <summary>Length of the PIN block sent in VERIFY; the PIN's ASCII digits are padded with <see cref="PinPadding"/>.
    /// <b>Not public</b> (read from the PKCS#15 AODF <c>pinAttributes</c> on a real card).</summary>
    /// <value>Default: 8.</value>
    public int PinBlockLength { get; set; } = 8;

    /// <summary>The byte padding the PIN block. <b>Not public.</b></summary>
    /// <value>Default: <c>0xFF</c>.</value>
    public byte PinPadding { get; set; } = 0xFF;

    /// <summary>Smallest and largest PIN length accepted before anything is sent to the card.</summary>
    /// <value>Default: 4 to 8 digits.</value>
    public Range PinLength { get; set; } = 4..8;

    /// <summary>Key reference of the authentication key <c>CPS_PRIV_AUT</c> in MSE SET.</summary>
    /// <value>Default: <c>0x82</c> (public, OpenSC #2267).</value>
    public byte AuthenticationKeyReference { get; set; } = 0x82;

    /// <summary>Algorithm reference (tag <c>80</c>) sent in MSE SET before INTERNAL AUTHENTICATE, or null to omit it.
    /// <b>Not public</b> (constants in the Cryptolib per card profile).</summary>
    /// <value>Default: null (tag omitted).</value>
    public byte? AuthenticationAlgorithmReference { get; set; }

    /// <summary>Key reference of the signature (non-repudiation) key <c>CPS_PRIV_SIG</c> in MSE SET (template <c>B6</c>).</summary>
    /// <value>Default: <c>0x81</c> (public, OpenSC #2267).</value>
    public byte SignatureKeyReference { get; set; } = 0x81;

    /// <summary>Algorithm reference (tag <c>80</c>) sent in MSE SET before PSO HASH / PSO COMPUTE DIGITAL SIGNATURE, or
    /// null to omit it. <b>Not public</b> (constants in the Cryptolib per card profile).</summary>
    /// <value>Default: null (tag omitted).</value>
    public byte? SignatureAlgorithmReference { get; set; }

    /// <summary>Largest Le per READ BINARY / GET RESPONSE.</summary>
    /// <value>Default: 231 (<c>E7</c>, as the Cryptolib).</value>
    public int MaxReadLength { get; set; } = 0xE7;

    /// <summary>Whether to refuse cards whose ATR is not a known CPS ATR.</summary>
    /// <value>Default: true.</value>
    public bool RequireKnownAtr { get; set; } = true;
}
