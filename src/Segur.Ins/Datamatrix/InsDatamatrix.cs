using System.Text;

namespace Segur.Ins.Datamatrix;

/// <summary>
/// The INS Datamatrix (ANS "Datamatrix INS" v2.2): the content (header <c>IS01</c> + 22 zeros, then fields S1 to S7
/// with GS separators) and the ECC200 symbol, C40-encoded, printed on documents for a qualified identity only.
/// </summary>
/// <remarks>
/// <para>Fields: S1 matricule + key (15), S2 OID (variable, max 20), S3 birth given-name list (variable, max 100),
/// S4 birth name (variable, max 100), S5 sex (1), S6 birth date <c>DD-MM-YYYY</c> (10), S7 COG birth place (5,
/// optional). A GS (0x1D) follows a variable field shorter than its maximum, never a fixed field, a field at its
/// maximum or the last field.</para>
/// <para>Encoding takes a <see cref="QualifiedIns"/>, which only a qualified <see cref="IdentityRecord"/> hands out.</para>
/// </remarks>
public static class InsDatamatrix
{
    /// <summary>The header: <c>IS</c>, version <c>01</c>, 22 zeros.</summary>
    public const string Header = "IS010000000000000000000000";

    /// <summary>The group separator (GS, 0x1D) ending a variable-length field shorter than its maximum.</summary>
    public static char GroupSeparator => '\u001D';

    private static readonly (int Length, bool Fixed)[] Fields =
    [
        (0, false), // unused index 0
        (15, true), // S1 matricule + key
        (20, false), // S2 OID
        (100, false), // S3 given names
        (100, false), // S4 birth name
        (1, true), // S5 sex
        (10, true), // S6 birth date
        (5, true), // S7 birth place
    ];

    /// <summary>Builds the content of the INS Datamatrix of a qualified identity.</summary>
    /// <param name="ins">The qualified INS (from <see cref="IdentityRecord.GetShareableIns"/>).</param>
    /// <returns>The content, GS separators included.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ins"/> is null.</exception>
    /// <exception cref="SegurValidationException">A value cannot be written (<see cref="InsErrorCodes.DatamatrixValue"/>),
    /// for example a lunar birth date.</exception>
    public static string CreateContent(QualifiedIns ins)
    {
        ArgumentNullException.ThrowIfNull(ins);
        var traits = ins.Traits;
        if (traits.BirthDate.IsLunar)
        {
            throw new SegurValidationException(InsErrorCodes.DatamatrixValue, "A birth date with an unknown day or month (00) cannot be written in an INS Datamatrix.") { Field = "birthDate" };
        }

        var sb = new StringBuilder(Header, 300);
        var hasPlace = traits.BirthPlace is not null;
        Append(sb, 1, ins.Matricule.Value, last: false);
        Append(sb, 2, ins.Oid.Value, last: false);
        Append(sb, 3, traits.GivenNameList, last: false);
        Append(sb, 4, traits.BirthName, last: false);
        Append(sb, 5, traits.Sex.ToCode(), last: false);
        Append(sb, 6, traits.BirthDate.ToDayFirstString(), last: !hasPlace);
        if (hasPlace)
        {
            Append(sb, 7, traits.BirthPlace!, last: true);
        }

        return sb.ToString();
    }

    /// <summary>Encodes the INS Datamatrix of a qualified identity as an ECC200 symbol (header in C40).</summary>
    /// <param name="ins">The qualified INS.</param>
    /// <param name="encodation">The encodation. Default: <see cref="DataMatrixEncodation.C40"/> throughout; with
    /// <see cref="DataMatrixEncodation.Mixed"/> the header stays C40.</param>
    /// <param name="minimumSize">The smallest symbol side (0: the smallest that fits).</param>
    /// <returns>The symbol; render it with <see cref="DataMatrixSymbol.ToPng"/> or <see cref="DataMatrixSymbol.ToSvg"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ins"/> is null.</exception>
    /// <exception cref="SegurValidationException">As <see cref="CreateContent"/>.</exception>
    public static DataMatrixSymbol CreateSymbol(QualifiedIns ins, DataMatrixEncodation encodation = DataMatrixEncodation.C40, int minimumSize = 0) =>
        DataMatrixSymbol.Encode(CreateContent(ins), encodation, Header.Length, minimumSize);

    /// <summary>Parses a scanned INS Datamatrix content. Tolerant of what scanners do: an AIM prefix (<c>]d1</c>),
    /// trailing CR/LF, fields in any order, a missing GS after a variable field. Strict on values: the matricule key,
    /// the OID, the traits and the date are checked.</summary>
    /// <param name="content">The content as scanned.</param>
    /// <returns>The identity with its INS (feed it to <see cref="IdentityRecord"/> or the patient search; it is not a
    /// <see cref="QualifiedIns"/>).</returns>
    /// <exception cref="SegurValidationException">Empty (<see cref="InsErrorCodes.DatamatrixEmpty"/>), bad header
    /// (<see cref="InsErrorCodes.DatamatrixHeader"/>), unknown or repeated field (<see cref="InsErrorCodes.DatamatrixField"/>),
    /// missing field (<see cref="InsErrorCodes.DatamatrixFieldMissing"/>), wrong length
    /// (<see cref="InsErrorCodes.DatamatrixFieldLength"/>), or an invalid value (matricule, OID, trait, sex, date or
    /// birth place codes).</exception>
    public static InsIdentity ParseContent(string? content)
    {
        var s = (content ?? string.Empty).TrimEnd('\r', '\n');
        if (s.StartsWith("]d", StringComparison.Ordinal) && s.Length >= 3)
        {
            s = s[3..];
        }

        if (s.Length == 0)
        {
            throw Error(InsErrorCodes.DatamatrixEmpty, "The INS Datamatrix content is empty.", "content");
        }

        if (s.Length < Header.Length || !s.StartsWith("IS", StringComparison.Ordinal))
        {
            throw Error(InsErrorCodes.DatamatrixHeader, "The content does not start with the INS Datamatrix header IS01 followed by 22 zeros.", "header");
        }

        if (!s.StartsWith(Header, StringComparison.Ordinal))
        {
            throw Error(InsErrorCodes.DatamatrixHeader, s.StartsWith("IS01", StringComparison.Ordinal)
                ? "The INS Datamatrix header must end with 22 zeros."
                : "The INS Datamatrix version is not 01.", "header");
        }

        var values = new string?[8];
        var pos = Header.Length;
        while (pos < s.Length)
        {
            if (s[pos] == GroupSeparator)
            {
                pos++; // Tolerate a GS after a fixed field or a doubled GS.
                continue;
            }

            if (pos + 2 > s.Length || s[pos] != 'S' || s[pos + 1] is < '1' or > '7')
            {
                throw Error(InsErrorCodes.DatamatrixField, $"Expected a field identifier S1 to S7 at position {pos + 1}.", "content");
            }

            var id = s[pos + 1] - '0';
            if (values[id] is not null)
            {
                throw Error(InsErrorCodes.DatamatrixField, $"The field S{id} appears twice.", $"S{id}");
            }

            pos += 2;
            var (length, isFixed) = Fields[id];
            string value;
            if (isFixed)
            {
                if (pos + length > s.Length)
                {
                    throw Error(InsErrorCodes.DatamatrixFieldLength, $"The field S{id} must have {length} characters.", $"S{id}");
                }

                value = s.Substring(pos, length);
                if (value.Contains(GroupSeparator, StringComparison.Ordinal))
                {
                    throw Error(InsErrorCodes.DatamatrixFieldLength, $"The field S{id} must have {length} characters.", $"S{id}");
                }

                pos += length;
            }
            else
            {
                var end = pos;
                while (end < s.Length && end - pos < length && s[end] != GroupSeparator && !IsFieldStart(s, end, id))
                {
                    end++;
                }

                value = s[pos..end];
                pos = end;
                if (pos < s.Length && s[pos] == GroupSeparator)
                {
                    pos++;
                }

                if (value.Length == 0)
                {
                    throw Error(InsErrorCodes.DatamatrixFieldLength, $"The field S{id} is empty.", $"S{id}");
                }
            }

            values[id] = value;
        }

        for (var id = 1; id <= 6; id++)
        {
            if (values[id] is null)
            {
                throw Error(InsErrorCodes.DatamatrixFieldMissing, $"The mandatory field S{id} is missing.", $"S{id}");
            }
        }

        var matricule = InsMatricule.Parse(values[1]);
        var oid = InsOid.Parse(values[2]);
        var traits = InsTraits.Create(values[4], values[3], InsSexCode.Parse(values[5]), BirthDate.ParseDayFirst(values[6]), values[7]);
        return InsIdentity.Create(traits, new InsIdentifier(matricule, oid));
    }

    private static void Append(StringBuilder sb, int id, string value, bool last)
    {
        var (length, isFixed) = Fields[id];
        if (value.Length == 0 || value.Length > length || (isFixed && value.Length != length) || value.Contains(GroupSeparator, StringComparison.Ordinal))
        {
            throw Error(InsErrorCodes.DatamatrixValue, $"The value of field S{id} cannot be written (length {value.Length}, maximum {length}).", $"S{id}");
        }

        sb.Append('S').Append((char)('0' + id)).Append(value);
        if (!isFixed && value.Length < length && !last)
        {
            sb.Append(GroupSeparator);
        }
    }

    /// <summary>Whether a field identifier starts here, ending a variable field whose GS was lost. S2 (OID) holds only
    /// digits and dots, S3/S4 (names) hold no digit, so <c>S</c> followed by 1–7 cannot be part of them.</summary>
    private static bool IsFieldStart(string s, int index, int currentId) =>
        index + 1 < s.Length && s[index] == 'S' && s[index + 1] is >= '1' and <= '7' && (s[index + 1] - '0') != currentId;

    private static SegurValidationException Error(string code, string message, string field) => new(code, message) { Field = field };
}
