using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Segur.Testing.Cps;

/// <summary>
/// The card logic of <see cref="VirtualCpsCard"/>: a small ISO 7816 file system (MF, EF.SN.ICC, IAS DF with two
/// certificates), the IAS application, a PIN with a tries counter, MSE SET and INTERNAL AUTHENTICATE with the
/// authentication key, MSE SET + PSO HASH (card finishes SHA-256) + PSO COMPUTE DIGITAL SIGNATURE with the signature key,
/// and T=0 behaviour (<c>61 xx</c> + GET RESPONSE for case-4 commands, <c>6C xx</c> on a wrong Le).
/// </summary>
internal sealed class VirtualCpsApplet
{
    private const string MasterFile = "3F00";
    private const string IasDf = "3F000001";
    private static readonly byte[] IasAid = Convert.FromHexString("E828BD080F8025000001FF0010");

    /// <summary>CPS3 key references in MSE SET (local bit set): <c>CPS_PRIV_AUT</c> and <c>CPS_PRIV_SIG</c>.</summary>
    private const byte AuthenticationKey = 0x82;
    private const byte SignatureKey = 0x81;

    /// <summary>IAS-ECC algorithm references (MSE SET tag 80): RSA PKCS#1 v1.5 (AT), SHA-256 + RSA PKCS#1 v1.5 (DST), SHA-256 (HT).</summary>
    private const byte RsaPkcs1 = 0x02;
    private const byte Sha256RsaPkcs1 = 0x42;
    private const byte Sha256 = 0x40;

    private readonly Dictionary<string, byte[]> _files = new(StringComparer.OrdinalIgnoreCase);
    private readonly byte[] _pinBlock;
    private readonly int _authKeyBytes;
    private readonly BigInteger _authModulus;
    private readonly BigInteger _authPrivateExponent;
    private readonly RSA _signatureKey;
    private readonly int _maxTries;
    private readonly byte _pinReference;
    private readonly bool _t0;
    private string _currentDf = MasterFile;
    private string? _currentEf;
    private byte[]? _pending;
    private byte? _mseKey;
    private byte _mseTemplate;
    private byte[]? _hash;

    public VirtualCpsApplet(VirtualCpsCardOptions options, X509Certificate2 authCertificate, X509Certificate2 signatureCertificate)
    {
        Atr = options.Atr.ToArray();
        _t0 = IsT0Only(Atr);
        _maxTries = options.PinTries;
        PinTriesLeft = options.PinTries;
        _pinReference = options.PinReference;
        _pinBlock = new byte[8];
        _pinBlock.AsSpan().Fill(0xFF);
        Encoding.ASCII.GetBytes(options.Pin).CopyTo(_pinBlock, 0);
        using (var authKey = authCertificate.GetRSAPrivateKey() ?? throw new ArgumentException("The authentication certificate needs an RSA private key.", nameof(authCertificate)))
        {
            // INTERNAL AUTHENTICATE is the raw private operation on a block the card pads itself.
            var parameters = authKey.ExportParameters(includePrivateParameters: true);
            _authKeyBytes = parameters.Modulus!.Length;
            _authModulus = new BigInteger(parameters.Modulus, isUnsigned: true, isBigEndian: true);
            _authPrivateExponent = new BigInteger(parameters.D!, isUnsigned: true, isBigEndian: true);
        }

        _signatureKey = signatureCertificate.GetRSAPrivateKey() ?? throw new ArgumentException("The signature certificate needs an RSA private key.", nameof(signatureCertificate));

        var number = Convert.FromHexString(options.CardNumber.PadLeft(8, '0'));
        byte[] sn = [0x5A, 0x0A, 0x80, 0x25, 0x00, 0x00, 0x01, .. number, 0x0F];
        _files["3F00D003"] = sn;
        _files[options.AuthenticationCertificatePath] = authCertificate.RawData;
        _files[options.SignatureCertificatePath] = signatureCertificate.RawData;
        if (options.ExposePkcs15)
        {
            // EF.DIR: application template with AID, label and path of the PKCS#15 application DF.
            _files["3F002F00"] = [0x61, 0x1B, 0x4F, 0x0D, .. IasAid, 0x50, 0x04, .. "CPS3"u8, 0x51, 0x04, 0x3F, 0x00, 0x00, 0x01];
            // EF.ATR (3F00 2F01), as on CPx cards with a leading 80: pre-issuing data (46) and IAS-ECC I/O buffer sizes
            // (E0: send 255, send SM 255, receive 256, receive SM 256), AID (4F) of the IAS application.
            _files["3F002F01"] = [0x80, 0x46, 0x04, 0x00, 0x00, 0x00, 0x00, 0x4F, 0x0D, .. IasAid,
                0xE0, 0x10, 0x02, 0x02, 0x00, 0xFF, 0x02, 0x02, 0x00, 0xFF, 0x02, 0x02, 0x01, 0x00, 0x02, 0x02, 0x01, 0x00];
            // ODF → PrKDF 4402, CDF 4401, AODF 4403 (padded with zeros, as on cards).
            _files[IasDf + "5031"] = [0xA0, 0x06, 0x30, 0x04, 0x04, 0x02, 0x44, 0x02, 0xA4, 0x06, 0x30, 0x04, 0x04, 0x02, 0x44, 0x01,
                0xA8, 0x06, 0x30, 0x04, 0x04, 0x02, 0x44, 0x03, 0x00, 0x00];
            _files[IasDf + "5032"] = VirtualPkcs15.TokenInfo(options.CardNumber);
            _files[IasDf + "4401"] = VirtualPkcs15.CertificateDirectory(
                ("Certificat d'Authentification CPS", [0x02], options.AuthenticationCertificatePath),
                ("Certificat de Signature CPS", [0x01], options.SignatureCertificatePath));
            byte[] authId = [0x01];
            _files[IasDf + "4402"] = VirtualPkcs15.PrivateKeyDirectory(authId,
                new("CPS_PRIV_AUT", [0x02], (byte)(AuthenticationKey & 0x7F), false, _authKeyBytes * 8, IasDf),
                new("CPS_PRIV_SIG", [0x01], (byte)(SignatureKey & 0x7F), true, _signatureKey.KeySize, IasDf));
            _files[IasDf + "4403"] = VirtualPkcs15.AuthenticationDirectory(authId, _pinReference, 4, _pinBlock.Length, 0xFF);
        }
        else
        {
            _files["3F002F00"] = [0x61, 0x12, 0x4F, 0x0D, .. IasAid, 0x50, 0x01, 0x20];
        }
    }

    public byte[] Atr { get; }

    public int PinTriesLeft { get; private set; }

    public bool PinVerified { get; private set; }

    public bool ApplicationSelected { get; private set; }

    /// <summary>How many INTERNAL AUTHENTICATE signatures the card computed.</summary>
    public int AuthenticationSignatures { get; private set; }

    /// <summary>Powers the card off or resets it: security state and selections are lost.</summary>
    public void Reset()
    {
        PinVerified = false;
        ApplicationSelected = false;
        _currentDf = MasterFile;
        _currentEf = null;
        _pending = null;
        _mseKey = null;
        _hash = null;
    }

    public byte[] Process(ReadOnlySpan<byte> apdu)
    {
        if (apdu.Length < 4)
        {
            return Sw(0x6700);
        }

        var ins = apdu[1];
        byte p1 = apdu[2], p2 = apdu[3];
        if (!TryParse(apdu, out var data, out var ne))
        {
            return Sw(0x6700);
        }

        if (ins != 0xC0)
        {
            _pending = null;
        }

        return ins switch
        {
            0xA4 => Select(p1, p2, data, ne),
            0xB0 => ReadBinary(p1, p2, ne),
            0xCB => GetData(p1, p2, data, ne),
            0x20 => Verify(p2, data),
            0x22 => ManageSecurityEnvironment(p1, p2, data),
            0x88 => InternalAuthenticate(data, ne),
            0x2A when p1 == 0x90 && p2 == 0xA0 => PsoHash(data),
            0x2A when p1 == 0x9E && p2 == 0x9A => PsoComputeSignature(ne),
            0x2A => Sw(0x6A86),
            0xC0 => GetResponse(ne),
            _ => Sw(0x6D00),
        };
    }

    /// <summary>Whether the ATR offers only T=0 (no TDi announcing T=1), as the CPS3 contact ATR.</summary>
    internal static bool IsT0Only(byte[] atr)
    {
        if (atr.Length < 2)
        {
            return true;
        }

        var i = 1;
        var y = atr[1] >> 4;
        while (true)
        {
            var next = i + 1 + ((y & 1) != 0 ? 1 : 0) + ((y & 2) != 0 ? 1 : 0) + ((y & 4) != 0 ? 1 : 0);
            if ((y & 8) == 0 || next >= atr.Length)
            {
                return true;
            }

            var td = atr[next];
            if ((td & 0x0F) != 0)
            {
                return false;
            }

            y = td >> 4;
            i = next;
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> apdu, out byte[] data, out int? ne)
    {
        data = [];
        ne = null;
        var body = apdu[4..];
        if (body.Length == 0)
        {
            return true;
        }

        if (body.Length == 1)
        {
            ne = body[0] == 0 ? 256 : body[0];
            return true;
        }

        if (body[0] != 0)
        {
            var lc = body[0];
            if (body.Length < 1 + lc)
            {
                return false;
            }

            data = body.Slice(1, lc).ToArray();
            var rest = body[(1 + lc)..];
            if (rest.Length == 1)
            {
                ne = rest[0] == 0 ? 256 : rest[0];
            }

            return rest.Length <= 1;
        }

        // Extended length.
        if (body.Length == 3)
        {
            var le = (body[1] << 8) | body[2];
            ne = le == 0 ? 65536 : le;
            return true;
        }

        var elc = (body[1] << 8) | body[2];
        if (body.Length < 3 + elc)
        {
            return false;
        }

        data = body.Slice(3, elc).ToArray();
        var erest = body[(3 + elc)..];
        if (erest.Length == 2)
        {
            var le = (erest[0] << 8) | erest[1];
            ne = le == 0 ? 65536 : le;
        }

        return erest.Length is 0 or 2;
    }

    private static byte[] Sw(int sw) => [(byte)(sw >> 8), (byte)sw];

    private byte[] Answer(byte[] data, int? ne)
    {
        if (!_t0 && ne is { } n)
        {
            return [.. data.AsSpan(0, Math.Min(n, data.Length)), 0x90, 0x00];
        }

        if (data.Length == 0)
        {
            return Sw(0x9000);
        }

        _pending = data;
        return [0x61, (byte)Math.Min(data.Length, 256)];
    }

    private byte[] GetResponse(int? ne)
    {
        if (_pending is null)
        {
            return Sw(0x6985);
        }

        var want = ne ?? 256;
        if (want > _pending.Length)
        {
            return [0x6C, (byte)_pending.Length];
        }

        var chunk = _pending[..want];
        var rest = _pending[want..];
        _pending = rest.Length == 0 ? null : rest;
        return rest.Length == 0 ? [.. chunk, 0x90, 0x00] : [.. chunk, 0x61, (byte)Math.Min(rest.Length, 256)];
    }

    private byte[] Select(byte p1, byte p2, byte[] data, int? ne)
    {
        switch (p1)
        {
            case 0x00 when Convert.ToHexString(data) == MasterFile || data.Length == 0:
                _currentDf = MasterFile;
                _currentEf = null;
                return Sw(0x9000);
            case 0x04 when data.AsSpan().SequenceEqual(IasAid):
                ApplicationSelected = true;
                _currentDf = IasDf;
                _currentEf = null;
                return p2 == 0x0C ? Sw(0x9000) : Answer(DfFcp(), ne);
            case 0x04:
                return Sw(0x6A82);
            case 0x08 or 0x09:
                var path = Convert.ToHexString(data);
                if (!path.StartsWith(MasterFile, StringComparison.Ordinal))
                {
                    path = (p1 == 0x08 ? MasterFile : _currentDf) + path;
                }

                if (path == MasterFile)
                {
                    _currentDf = MasterFile;
                    _currentEf = null;
                    return p2 == 0x0C ? Sw(0x9000) : Answer(MasterFileFcp(), ne);
                }

                if (path == IasDf)
                {
                    _currentDf = IasDf;
                    _currentEf = null;
                    ApplicationSelected = true;
                    return p2 == 0x0C ? Sw(0x9000) : Answer(DfFcp(), ne);
                }

                if (!_files.TryGetValue(path, out var file))
                {
                    return Sw(0x6A82);
                }

                _currentEf = path;
                if (p2 == 0x0C)
                {
                    return Sw(0x9000);
                }

                var fid = Convert.FromHexString(path[^4..]);
                // FCP: size, EF type, FID, LCS operational (8A), compact access rules (8C, IAS-ECC order: delete,
                // activate, deactivate, update never; read always).
                byte[] fcp = [0x62, 0x17, 0x80, 0x02, (byte)(file.Length >> 8), (byte)file.Length, 0x82, 0x01, 0x01, 0x83, 0x02, fid[0], fid[1],
                    0x8A, 0x01, 0x05, 0x8C, 0x07, 0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];
                return Answer(fcp, ne);
            default:
                return Sw(0x6A86);
        }
    }

    /// <summary>FCP of the MF: DF type, FID 3F00, LCS operational, compact access rules.</summary>
    private static byte[] MasterFileFcp() =>
        [0x62, 0x13, 0x82, 0x01, 0x38, 0x83, 0x02, 0x3F, 0x00, 0x8A, 0x01, 0x05, 0x8C, 0x07, 0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    /// <summary>FCP of the IAS application DF: DF type, FID 0001, AID, LCS operational, compact access rules.</summary>
    private static byte[] DfFcp() =>
        [0x62, 0x22, 0x82, 0x01, 0x38, 0x83, 0x02, 0x00, 0x01, 0x84, 0x0D, .. IasAid, 0x8A, 0x01, 0x05, 0x8C, 0x07, 0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    private byte[] ReadBinary(byte p1, byte p2, int? ne)
    {
        if (_currentEf is null || !_files.TryGetValue(_currentEf, out var file))
        {
            return Sw(0x6986);
        }

        var offset = (p1 << 8) | p2;
        if (offset >= file.Length)
        {
            return Sw(0x6B00);
        }

        var want = ne ?? 256;
        var remaining = file.Length - offset;
        if (want > remaining)
        {
            return [0x6C, (byte)remaining];
        }

        return [.. file.AsSpan(offset, want), 0x90, 0x00];
    }

    /// <summary>IAS-ECC GET DATA of a security data object (SDO): <c>4D L 70 L BF &lt;class|80&gt; &lt;ref&gt; L &lt;tag&gt; 80</c>,
    /// tag <c>A0</c> (DOCP: tries, size, access rules) or the SDO's own data tag (<c>7F41</c> PIN policy; a private key
    /// has no public data and answers <c>6A 80</c>). The PIN SDO is in the MF, the key SDOs in the IAS DF.</summary>
    private byte[] GetData(byte p1, byte p2, byte[] data, int? ne)
    {
        if (p1 != 0x3F || p2 != 0xFF || data.Length < 10 || data[0] != 0x4D || data[2] != 0x70 || data[4] != 0xBF)
        {
            return Sw(0x6A80);
        }

        byte sdoClass = data[5], reference = data[6];
        var tag = data[8] == 0x7F ? 0x7F00 | data[9] : data[8];
        byte[]? content = (sdoClass, tag) switch
        {
            (0x81, _) when reference != (_pinReference & 0x7F) || _currentDf != MasterFile => null,
            // PIN: tries maximum and remaining, VERIFY always allowed (SCB 00) — access mode byte 20 = VERIFY.
            (0x81, 0xA0) => [0xA0, 0x0C, 0x9A, 0x01, (byte)_maxTries, 0x9B, 0x01, (byte)PinTriesLeft, 0xA1, 0x04, 0x8C, 0x02, 0x20, 0x00],
            // PIN policy: largest and smallest length (the block is padded to the largest).
            (0x81, 0x7F41) => [0x7F, 0x41, 0x06, 0x80, 0x01, (byte)_pinBlock.Length, 0x81, 0x01, 0x04],
            (0x90, _) when _currentDf != IasDf || reference is not ((AuthenticationKey & 0x7F) or (SignatureKey & 0x7F)) => null,
            (0x90, 0x7F48) => [],
            // RSA key: size in bytes, then INTERNAL AUTHENTICATE (20) for the authentication key or PSO CDS (40) for
            // the signature key, after user authentication (SCB 1x: PIN through the SE).
            (0x90, 0xA0) => reference == (AuthenticationKey & 0x7F)
                ? KeyDocp(_authKeyBytes, 0x20, 0x12)
                : KeyDocp(_signatureKey.KeySize / 8, 0x40, 0x13),
            _ => null,
        };
        if (content is null)
        {
            return Sw(0x6A88);
        }

        if (content.Length == 0)
        {
            return Sw(0x6A80);
        }

        byte[] sdo = [0xBF, sdoClass, reference, (byte)content.Length, .. content];
        return Answer([0x70, (byte)sdo.Length, .. sdo], ne);
    }

    /// <summary>An RSA key's DOCP: size in bytes (80), then the contact access rules (A1/8C): the access mode byte and
    /// the one security condition byte it announces.</summary>
    private static byte[] KeyDocp(int sizeBytes, byte accessMode, byte condition) =>
        [0xA0, 0x0A, 0x80, 0x02, (byte)(sizeBytes >> 8), (byte)sizeBytes, 0xA1, 0x04, 0x8C, 0x02, accessMode, condition];

    private byte[] Verify(byte p2, byte[] data)
    {
        if (p2 != _pinReference)
        {
            return Sw(0x6A88);
        }

        if (PinTriesLeft == 0)
        {
            return Sw(0x6983);
        }

        if (data.Length == 0)
        {
            return PinVerified ? Sw(0x9000) : [0x63, (byte)(0xC0 | PinTriesLeft)];
        }

        if (CryptographicOperations.FixedTimeEquals(data, _pinBlock))
        {
            PinTriesLeft = _maxTries;
            PinVerified = true;
            return Sw(0x9000);
        }

        PinTriesLeft--;
        PinVerified = false;
        return [0x63, (byte)(0xC0 | PinTriesLeft)];
    }

    /// <summary>MSE SET: <c>A4</c> (AT, authentication key <c>82</c>), <c>B6</c> (DST, signature key <c>81</c>) or <c>AA</c>
    /// (HT, SHA-256); an algorithm reference (tag 80) is optional but must be the template's when present.</summary>
    private byte[] ManageSecurityEnvironment(byte p1, byte p2, byte[] data)
    {
        if (p1 != 0x41 || p2 is not (0xA4 or 0xB6 or 0xAA))
        {
            return Sw(0x6A86);
        }

        byte? key = null, algorithm = null;
        for (var i = 0; i + 1 < data.Length; i += 2 + data[i + 1])
        {
            if (data[i + 1] != 1 || i + 2 >= data.Length)
            {
                return Sw(0x6A80);
            }

            switch (data[i])
            {
                case 0x84:
                    key = data[i + 2];
                    break;
                case 0x80:
                    algorithm = data[i + 2];
                    break;
                default:
                    return Sw(0x6A80);
            }
        }

        _hash = null;
        if (p2 == 0xAA)
        {
            return algorithm == Sha256 && key is null ? Sw(0x9000) : Sw(0x6A80);
        }

        var (expectedKey, expectedAlgorithm) = p2 == 0xA4 ? (AuthenticationKey, RsaPkcs1) : (SignatureKey, Sha256RsaPkcs1);
        if (key is null || (algorithm is { } a && a != expectedAlgorithm))
        {
            _mseKey = null;
            return Sw(0x6A80);
        }

        if (key != expectedKey)
        {
            _mseKey = null;
            return Sw(0x6A88);
        }

        _mseKey = key;
        _mseTemplate = p2;
        return Sw(0x9000);
    }

    private byte[] InternalAuthenticate(byte[] data, int? ne)
    {
        if (!ApplicationSelected || _mseKey != 0x82 || _mseTemplate != 0xA4)
        {
            return Sw(0x6985);
        }

        if (PinTriesLeft == 0)
        {
            return Sw(0x6983);
        }

        if (!PinVerified)
        {
            return Sw(0x6982);
        }

        // The card pads the data (a DigestInfo for TLS 1.2 and XML signatures) with PKCS#1 v1.5 type 1 and applies the
        // raw RSA private operation, as CPS3 cards do: the host chooses the hash.
        var k = _authKeyBytes;
        if (data.Length == 0 || data.Length > k - 11)
        {
            return Sw(0x6700);
        }

        var block = new byte[k];
        block[1] = 0x01;
        block.AsSpan(2, k - 3 - data.Length).Fill(0xFF);
        data.CopyTo(block, k - data.Length);
        var m = new BigInteger(block, isUnsigned: true, isBigEndian: true);
        var signature = new byte[k];
        var s = BigInteger.ModPow(m, _authPrivateExponent, _authModulus).ToByteArray(isUnsigned: true, isBigEndian: true);
        s.CopyTo(signature, k - s.Length);
        AuthenticationSignatures++;
        return Answer(signature, ne);
    }

    /// <summary>PSO HASH: <c>90 00</c> (nothing hashed yet) or <c>90 28</c> SHA-256 state + 8-byte bit count, then
    /// <c>80 len</c> last bytes; the card finishes the hash for the following PSO CDS.</summary>
    private byte[] PsoHash(byte[] data)
    {
        if (!ApplicationSelected || _mseKey != 0x81 || _mseTemplate != 0xB6)
        {
            return Sw(0x6985);
        }

        if (data.Length < 4 || data[0] != 0x90 || data[1] is not (0x00 or 0x28) || data.Length < 2 + data[1] + 2)
        {
            return Sw(0x6A80);
        }

        var stateLength = data[1];
        var last = data.AsSpan(2 + stateLength);
        if (last[0] != 0x80 || last.Length != 2 + last[1] || last[1] is 0 or > 64)
        {
            return Sw(0x6A80);
        }

        var state = stateLength == 0 ? Segur.Cps.Sha256Partial.InitialState : data.AsSpan(2, 32).ToArray();
        var bits = stateLength == 0 ? 0UL : System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(2 + 32, 8));
        if (bits % 512 != 0)
        {
            return Sw(0x6A80);
        }

        _hash = Segur.Cps.Sha256Partial.Finish(state, bits, last[2..]);
        return Sw(0x9000);
    }

    private byte[] PsoComputeSignature(int? ne)
    {
        if (!ApplicationSelected || _mseKey != 0x81 || _mseTemplate != 0xB6)
        {
            return Sw(0x6985);
        }

        if (PinTriesLeft == 0)
        {
            return Sw(0x6983);
        }

        if (!PinVerified)
        {
            return Sw(0x6982);
        }

        if (_hash is null)
        {
            return Sw(0x6985);
        }

        var signature = _signatureKey.SignHash(_hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _hash = null;
        return Answer(signature, ne);
    }
}
