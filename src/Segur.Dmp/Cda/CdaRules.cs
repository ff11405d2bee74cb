using System.Globalization;
using System.Numerics;

namespace Segur.Dmp.Cda;

/// <summary>Identifier, OID and time rules of CI-SIS shared by the builder, the reader and the XDS mapper.</summary>
internal static class CdaRules
{
    public const string Hl7Namespace = "urn:hl7-org:v3";
    public const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
    public const string PsIdNatRoot = "1.2.250.1.71.4.2.1";
    public const string StructIdNatRoot = "1.2.250.1.71.4.2.2";
    public const string ConfidentialitySystem = "2.16.840.1.113883.5.25";
    public const string GenderSystem = "2.16.840.1.113883.5.1";
    public const string TemplateHl7France = "2.16.840.1.113883.2.8.2.1";
    public const string TemplateCiSis = "1.2.250.1.213.1.1.1.1";
    public const string TemplateXdsSd = "1.3.6.1.4.1.19376.1.2.20";

    public static readonly string[] InsOids = ["1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"];

    /// <summary>Media types allowed in an N1 body (CI-SIS SM §3.7.2).</summary>
    public static readonly string[] N1MediaTypes = ["application/pdf", "image/jpeg", "image/tiff", "text/rtf", "text/plain"];

    /// <summary>Whether an OID follows CI-SIS: digits and dots, no leading zero, at most 64 characters.</summary>
    public static bool IsValidOid(string? oid)
    {
        if (string.IsNullOrEmpty(oid) || oid.Length > 64)
        {
            return false;
        }

        var arcs = oid.Split('.');
        if (arcs.Length < 2 || arcs[0] is not ("0" or "1" or "2"))
        {
            return false;
        }

        foreach (var arc in arcs)
        {
            if (arc.Length == 0 || !arc.All(char.IsAsciiDigit) || (arc.Length > 1 && arc[0] == '0'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks an OID or throws <c>SGR-4005</c> naming the field.</summary>
    public static string RequireOid(string? oid, string field)
    {
        if (!IsValidOid(oid))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaOidInvalid,
                $"The {field} is not a valid OID (digits and dots, no leading zero, at most 64 characters).") { Field = field };
        }

        return oid!;
    }

    /// <summary>A new <c>2.25.&lt;uuid as decimal&gt;</c> OID (ITU-T X.667), at most 44 characters.</summary>
    public static string NewUuidOid()
    {
        var bytes = Guid.NewGuid().ToByteArray(bigEndian: true);
        return "2.25." + new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>CDA TS to the second with offset: <c>AAAAMMJJhhmmss+ZZzz</c>.</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        var offset = time.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return time.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + sign
            + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    public static string FormatDate(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Parses a CDA TS (<c>AAAA[MM[JJ[hh[mm[ss[.f]]]]]][+/-ZZzz]</c>). Without offset the time is taken as UTC
    /// and <paramref name="hasOffset"/> is false.</summary>
    public static bool TryParseTime(string? value, out DateTimeOffset time, out bool hasOffset)
    {
        time = default;
        hasOffset = false;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        var signAt = value.IndexOfAny(['+', '-']);
        var main = value;
        if (signAt >= 0)
        {
            var zone = value[(signAt + 1)..];
            if (zone.Length != 4 || !zone.All(char.IsAsciiDigit))
            {
                return false;
            }

            offset = new TimeSpan(int.Parse(zone[..2], CultureInfo.InvariantCulture), int.Parse(zone[2..], CultureInfo.InvariantCulture), 0);
            if (value[signAt] == '-')
            {
                offset = -offset;
            }

            hasOffset = true;
            main = value[..signAt];
        }

        var dot = main.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            main = main[..dot];
        }

        if (main.Length is < 4 or > 14 || main.Length % 2 != 0 || !main.All(char.IsAsciiDigit))
        {
            return false;
        }

        var padded = main + "0101000000"[(main.Length - 4)..];
        if (!DateTime.TryParseExact(padded, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        try
        {
            time = new DateTimeOffset(local, offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static string GenderCode(CdaAdministrativeGender gender) => gender switch
    {
        CdaAdministrativeGender.Female => "F",
        CdaAdministrativeGender.Male => "M",
        _ => "UN",
    };

    public static string ConfidentialityCode(CdaConfidentiality confidentiality) => confidentiality switch
    {
        CdaConfidentiality.Restricted => "R",
        CdaConfidentiality.VeryRestricted => "V",
        _ => "N",
    };
}
