using System.Formats.Asn1;

namespace Segur.Cps.Pkcs15;

/// <summary>A certificate object of a PKCS#15 CDF: label, ID (pairs it with its private key) and file path.</summary>
internal sealed record Pkcs15Certificate(string Label, byte[] Id, byte[] Path);

/// <summary>
/// The parts of PKCS#15 (ISO/IEC 7816-15) the SDK reads to find the certificates without the PIN: EF.DIR
/// (<c>3F00 2F00</c>, application templates <c>61</c> with AID <c>4F</c> and path <c>51</c>), EF.ODF (<c>5031</c> in
/// the application DF; entries <c>A4</c>/<c>A5</c> point to certificate directories) and the CDF
/// (X509CertificateObject sequences).
/// </summary>
internal static class Pkcs15Directory
{
    /// <summary>The ODF's file identifier relative to the PKCS#15 application DF.</summary>
    public static readonly byte[] OdfFileId = [0x50, 0x31];

    /// <summary>Finds the application path for an AID in EF.DIR, or null.</summary>
    public static byte[]? FindApplicationPath(ReadOnlySpan<byte> efDir, ReadOnlySpan<byte> aid)
    {
        var reader = new AsnReader(efDir.ToArray(), AsnEncodingRules.BER);
        while (reader.HasData && reader.PeekTag().TagClass == TagClass.Application && reader.PeekTag().TagValue == 1)
        {
            var template = reader.ReadSequence(new Asn1Tag(TagClass.Application, 1, true));
            byte[]? id = null, path = null;
            while (template.HasData)
            {
                var tag = template.PeekTag();
                if (tag.TagClass == TagClass.Application && tag.TagValue == 0x0F)
                {
                    id = template.ReadOctetString(tag);
                }
                else if (tag.TagClass == TagClass.Application && tag.TagValue == 0x11)
                {
                    path = template.ReadOctetString(tag);
                }
                else
                {
                    template.ReadEncodedValue();
                }
            }

            if (id is not null && id.AsSpan().SequenceEqual(aid) && path is not null)
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>The CDF paths listed in an ODF (trusted/useful certificates included).</summary>
    public static List<byte[]> ReadCertificateDirectoryPaths(ReadOnlySpan<byte> odf)
    {
        var result = new List<byte[]>();
        var reader = new AsnReader(odf.ToArray(), AsnEncodingRules.BER);
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue is 4 or 5 or 6)
            {
                var entry = reader.ReadSequence(tag);
                result.Add(ReadPath(entry.ReadSequence()));
            }
            else if (tag.TagValue == 0 && tag.TagClass == TagClass.Universal)
            {
                break; // padding
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return result;
    }

    /// <summary>The X.509 certificate objects of a CDF.</summary>
    public static List<Pkcs15Certificate> ReadCertificates(ReadOnlySpan<byte> cdf)
    {
        var result = new List<Pkcs15Certificate>();
        var reader = new AsnReader(cdf.ToArray(), AsnEncodingRules.BER);
        while (reader.HasData)
        {
            if (reader.PeekTag() != Asn1Tag.Sequence)
            {
                break; // padding (00 or FF) after the last object
            }

            var obj = reader.ReadSequence();
            var common = obj.ReadSequence();
            var label = common.HasData && common.PeekTag() == new Asn1Tag(UniversalTagNumber.UTF8String)
                ? common.ReadCharacterString(UniversalTagNumber.UTF8String)
                : "";
            var certificateAttributes = obj.ReadSequence();
            var id = certificateAttributes.ReadOctetString();
            while (obj.HasData && obj.PeekTag() != new Asn1Tag(TagClass.ContextSpecific, 1, true))
            {
                obj.ReadEncodedValue();
            }

            var typeAttributes = obj.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true));
            var x509 = typeAttributes.ReadSequence();
            if (x509.PeekTag() == Asn1Tag.Sequence)
            {
                result.Add(new Pkcs15Certificate(label, id, ReadPath(x509.ReadSequence())));
            }
        }

        return result;
    }

    private static byte[] ReadPath(AsnReader path) => path.ReadOctetString();
}
