using System.Security.Cryptography.X509Certificates;

namespace Segur.Testing.Cps;

/// <summary>What the virtual CPS card holds. Every default describes a synthetic test professional.</summary>
public sealed class VirtualCpsCardOptions
{
    /// <summary>The ATR. <value>Default: the CPS3 contact ATR (T=0 only, so GET RESPONSE is exercised).</value></summary>
    public ReadOnlyMemory<byte> Atr { get; set; } = Convert.FromHexString("3BAC00402A001225006480000310009000");

    /// <summary>The card number (8 hexadecimal digits, stored in EF.SN.ICC). <value>Default: <c>12345678</c>.</value></summary>
    public string CardNumber { get; set; } = "12345678";

    /// <summary>The holder PIN (4 to 8 digits). <value>Default: <c>1234</c>.</value></summary>
    public string Pin { get; set; } = "1234";

    /// <summary>PIN tries before blocking. <value>Default: 3.</value></summary>
    public int PinTries { get; set; } = 3;

    /// <summary>The holder's RPPS number (11 digits); the national id is <c>8</c> + RPPS. <value>Default: <c>99700012349</c>.</value></summary>
    public string Rpps { get; set; } = "99700012349";

    /// <summary>Holder's last name. <value>Default: <c>MEDECIN-TEST</c>.</value></summary>
    public string LastName { get; set; } = "MEDECIN-TEST";

    /// <summary>Holder's first name. <value>Default: <c>CAMILLE</c>.</value></summary>
    public string FirstName { get; set; } = "CAMILLE";

    /// <summary>Profession (certificate <c>title</c>). <value>Default: <c>Médecin</c>.</value></summary>
    public string Profession { get; set; } = "Médecin";

    /// <summary>An authentication certificate with its RSA private key to use instead of a generated one.</summary>
    public X509Certificate2? AuthenticationCertificate { get; set; }

    /// <summary>The issuing CA certificate with private key, to issue the card's certificates (e.g. from a test PKI).</summary>
    public X509Certificate2? Issuer { get; set; }

    /// <summary>The PIN reference accepted in VERIFY P2. <value>Default: <c>0x81</c> (as <c>CpsCardOptions.PinReference</c>).</value></summary>
    public byte PinReference { get; set; } = 0x81;

    /// <summary>Whether the card has a PKCS#15 directory (EF.DIR with the application path, EF.ODF <c>5031</c>, EF.TokenInfo
    /// <c>5032</c>, CDF <c>4401</c> listing both certificates), as a real CPS3. <value>Default: true.</value></summary>
    public bool ExposePkcs15 { get; set; } = true;

    /// <summary>The file identifier path of the authentication certificate. <value>Default: <c>3F00 0001 C002</c>.</value></summary>
    public string AuthenticationCertificatePath { get; set; } = "3F000001C002";

    /// <summary>The file identifier path of the signature certificate. <value>Default: <c>3F00 0001 C001</c>.</value></summary>
    public string SignatureCertificatePath { get; set; } = "3F000001C001";
}
