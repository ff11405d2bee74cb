using System.Formats.Asn1;

namespace Segur.Testing.Cps;

/// <summary>Encodes the virtual card's PKCS#15 (ISO/IEC 7816-15) files.</summary>
internal static class VirtualPkcs15
{
    /// <summary>PKCS#11 mechanism numbers and IAS-ECC algorithm references the token announces.</summary>
    private static readonly (int Reference, int Mechanism, bool Hash, byte AlgorithmReference)[] SupportedAlgorithms =
    [
        (1, 0x0001, false, 0x02), // CKM_RSA_PKCS, compute-signature: MSE SET AT + INTERNAL AUTHENTICATE
        (2, 0x0040, false, 0x42), // CKM_SHA256_RSA_PKCS, compute-signature: MSE SET DST + PSO HASH + PSO CDS
        (3, 0x0250, true, 0x40),  // CKM_SHA256, hash (MSE SET HT)
    ];

    /// <summary>TokenInfo: version 0, serial number (the card number), manufacturer, label, token flags (read-only) and
    /// the supported algorithms with their card algorithm references (what OpenSC's IAS-ECC driver sends in MSE SET).</summary>
    public static byte[] TokenInfo(string cardNumber)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            writer.WriteOctetString(Convert.FromHexString(cardNumber.PadLeft(8, '0')));
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, "SEGUR SDK TEST");
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, "CPS3 virtuelle", new Asn1Tag(TagClass.ContextSpecific, 0));
            writer.WriteBitString([0x80], 7); // readOnly
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true)))
            {
                foreach (var (reference, mechanism, hash, algorithmReference) in SupportedAlgorithms)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteInteger(reference);
                        writer.WriteInteger(mechanism);
                        writer.WriteNull(); // parameters
                        // supportedOperations: compute-signature (bit 1) or hash (bit 6).
                        if (hash)
                        {
                            writer.WriteBitString([0x02], 1);
                        }
                        else
                        {
                            writer.WriteBitString([0x40], 6);
                        }

                        writer.WriteInteger(algorithmReference);
                    }
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>A PrKDF entry: a native RSA key on the card, protected by the holder PIN.</summary>
    /// <param name="Label">The key label (PKCS#11 <c>CKA_LABEL</c>).</param>
    /// <param name="Id">The key ID, the same as its certificate's.</param>
    /// <param name="KeyReference">The key reference in MSE SET (without the local bit).</param>
    /// <param name="NonRepudiation">Whether the key is the signature (non-repudiation) key.</param>
    /// <param name="ModulusBits">The modulus length.</param>
    /// <param name="Path">The DF holding the key.</param>
    public sealed record PrivateKey(string Label, byte[] Id, byte KeyReference, bool NonRepudiation, int ModulusBits, string Path);

    /// <summary>A PrKDF listing the card's private RSA keys.</summary>
    public static byte[] PrivateKeyDirectory(byte[] authId, params PrivateKey[] keys)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        foreach (var key in keys)
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, key.Label);
                    writer.WriteBitString([0x80], 7); // private
                    writer.WriteOctetString(authId);
                }

                using (writer.PushSequence())
                {
                    writer.WriteOctetString(key.Id);
                    // usage: sign (bit 2), and nonRepudiation (bit 9) for the signature key.
                    if (key.NonRepudiation)
                    {
                        writer.WriteBitString([0x20, 0x40], 6);
                    }
                    else
                    {
                        writer.WriteBitString([0x20], 5);
                    }

                    writer.WriteBoolean(true); // native
                    writer.WriteBitString([0xB8], 3); // sensitive, alwaysSensitive, neverExtractable, local
                    writer.WriteInteger(key.KeyReference);
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                using (writer.PushSequence())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteOctetString(Convert.FromHexString(key.Path));
                    }

                    writer.WriteInteger(key.ModulusBits);
                }
            }
        }

        return [.. writer.Encode(), 0x00, 0x00];
    }

    /// <summary>An AODF with the holder PIN: ASCII digits padded to <paramref name="storedLength"/> bytes with
    /// <paramref name="padChar"/>, local reference <paramref name="pinReference"/>.</summary>
    public static byte[] AuthenticationDirectory(byte[] authId, byte pinReference, int minLength, int storedLength, byte padChar)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, "PIN CPS");
            }

            using (writer.PushSequence())
            {
                writer.WriteOctetString(authId);
            }

            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
            using (writer.PushSequence())
            {
                writer.WriteBitString([0x4C], 2); // local, initialized, needs-padding
                writer.WriteEnumeratedValue(PinType.AsciiNumeric);
                writer.WriteInteger(minLength);
                writer.WriteInteger(storedLength);
                writer.WriteInteger(storedLength);
                writer.WriteInteger(pinReference, new Asn1Tag(TagClass.ContextSpecific, 0));
                writer.WriteOctetString([padChar]);
            }
        }

        return [.. writer.Encode(), 0x00, 0x00];
    }

    private enum PinType
    {
        Bcd = 0,
        AsciiNumeric = 1,
    }

    /// <summary>A CDF: one X509CertificateObject per certificate (label, ID, absolute path).</summary>
    public static byte[] CertificateDirectory(params (string Label, byte[] Id, string Path)[] certificates)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        foreach (var (label, id, path) in certificates)
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, label);
                }

                using (writer.PushSequence())
                {
                    writer.WriteOctetString(id);
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                using (writer.PushSequence())
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(Convert.FromHexString(path));
                }
            }
        }

        return [.. writer.Encode(), 0x00, 0x00];
    }
}
