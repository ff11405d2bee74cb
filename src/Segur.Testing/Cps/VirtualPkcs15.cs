using System.Formats.Asn1;

namespace Segur.Testing.Cps;

/// <summary>Encodes the virtual card's PKCS#15 (ISO/IEC 7816-15) files.</summary>
internal static class VirtualPkcs15
{
    /// <summary>TokenInfo: version 0, serial number (the card number), manufacturer, label, token flags (read-only).</summary>
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
        }

        return writer.Encode();
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
