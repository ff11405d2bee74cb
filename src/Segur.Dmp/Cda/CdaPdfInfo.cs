using System.Text;

namespace Segur.Dmp.Cda;

/// <summary>What the builder found in a PDF: its header version and whether it declares PDF/A.</summary>
/// <remarks>PDF/A is detected from the XMP metadata identification schema (<c>pdfaid:part</c>,
/// <c>pdfaid:conformance</c>) present in clear in the file, as PDF/A-1 requires (unfiltered metadata stream). A
/// declaration is not a proof of conformance: use a PDF/A validator for that.</remarks>
public sealed record CdaPdfInfo
{
    /// <summary>The version from the <c>%PDF-x.y</c> header, for example <c>1.4</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Whether the file declares PDF/A in its XMP metadata.</summary>
    public bool IsPdfA => PdfAPart is not null;

    /// <summary>The declared PDF/A part (1, 2, 3, 4), or null.</summary>
    public int? PdfAPart { get; init; }

    /// <summary>The declared PDF/A conformance level (<c>A</c>, <c>B</c>, <c>U</c>), or null.</summary>
    public string? PdfAConformance { get; init; }

    /// <summary>The PDF size in bytes.</summary>
    public long Length { get; init; }
}

/// <summary>Checks a PDF while it streams through: <c>%PDF-</c> header, <c>%%EOF</c> near the end, PDF/A declaration.</summary>
internal sealed class PdfInspector
{
    private const int TailSize = 1024;
    private const int Carry = 96;
    private static readonly byte[] PartMarker = "pdfaid:part"u8.ToArray();
    private static readonly byte[] ConformanceMarker = "pdfaid:conformance"u8.ToArray();
    private static readonly byte[] EofMarker = "%%EOF"u8.ToArray();

    private readonly byte[] _head = new byte[16];
    private readonly byte[] _tail = new byte[TailSize];
    private readonly byte[] _window = new byte[Carry];
    private int _headLength;
    private int _tailLength;
    private int _windowLength;
    private long _length;
    private int? _part;
    private string? _conformance;

    /// <summary>Whether the first bytes seen so far start like a PDF (only meaningful after 5 bytes).</summary>
    public bool HeaderLooksLikePdf => _headLength >= 5 && _head.AsSpan(0, 5).SequenceEqual("%PDF-"u8);

    public long Length => _length;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_headLength < _head.Length)
        {
            var n = Math.Min(_head.Length - _headLength, data.Length);
            data[..n].CopyTo(_head.AsSpan(_headLength));
            _headLength += n;
        }

        _length += data.Length;
        AppendTail(data);
        Scan(data);
    }

    /// <summary>Checks the header and trailer and returns the findings.</summary>
    /// <exception cref="SegurValidationException">Not a PDF (<c>SGR-4008</c>) or empty (<c>SGR-4009</c>).</exception>
    public CdaPdfInfo Complete()
    {
        if (_length == 0)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaContentInvalid, "The document content is empty.") { Field = "content" };
        }

        if (!HeaderLooksLikePdf)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaContentNotPdf, "The content is not a PDF: it does not start with %PDF-.") { Field = "content" };
        }

        if (_tail.AsSpan(0, _tailLength).IndexOf(EofMarker) < 0)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaContentNotPdf, "The content is not a complete PDF: no %%EOF in its last 1024 bytes (truncated file?).") { Field = "content" };
        }

        // Pending matches near the end of the file.
        FindMarkers(_window.AsSpan(0, _windowLength), final: true);
        var version = Encoding.ASCII.GetString(_head, 5, Math.Max(0, _headLength - 5));
        var end = 0;
        while (end < version.Length && (char.IsAsciiDigit(version[end]) || version[end] == '.'))
        {
            end++;
        }

        return new CdaPdfInfo { Version = version[..end], PdfAPart = _part, PdfAConformance = _conformance, Length = _length };
    }

    private void AppendTail(ReadOnlySpan<byte> data)
    {
        if (data.Length >= TailSize)
        {
            data[^TailSize..].CopyTo(_tail);
            _tailLength = TailSize;
            return;
        }

        var keep = Math.Min(_tailLength, TailSize - data.Length);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        data.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + data.Length;
    }

    private void Scan(ReadOnlySpan<byte> data)
    {
        if (_part is not null && _conformance is not null)
        {
            return;
        }

        // Search the carried window joined with the start of the data, then the data itself.
        var joinLength = Math.Min(data.Length, Carry);
        Span<byte> join = stackalloc byte[Carry * 2];
        _window.AsSpan(0, _windowLength).CopyTo(join);
        data[..joinLength].CopyTo(join[_windowLength..]);
        FindMarkers(join[..(_windowLength + joinLength)], final: false);
        if (data.Length > joinLength)
        {
            FindMarkers(data, final: false);
        }

        // Carry the last bytes.
        if (data.Length >= Carry)
        {
            data[^Carry..].CopyTo(_window);
            _windowLength = Carry;
        }
        else
        {
            var keep = Math.Min(_windowLength, Carry - data.Length);
            _window.AsSpan(_windowLength - keep, keep).CopyTo(_window);
            data.CopyTo(_window.AsSpan(keep));
            _windowLength = keep + data.Length;
        }
    }

    private void FindMarkers(ReadOnlySpan<byte> span, bool final)
    {
        _part ??= FindValue(span, PartMarker, final) is { } p && int.TryParse(p, out var n) && n is > 0 and < 10 ? n : null;
        _conformance ??= FindValue(span, ConformanceMarker, final) is { Length: 1 } c && c[0] is 'A' or 'B' or 'U' or 'a' or 'b' or 'u'
            ? c.ToUpperInvariant() : null;
    }

    /// <summary>Finds <c>marker="v"</c> or <c>marker&gt;v&lt;</c> and returns v, when enough bytes follow.</summary>
    private static string? FindValue(ReadOnlySpan<byte> span, ReadOnlySpan<byte> marker, bool final)
    {
        var start = 0;
        while (start < span.Length)
        {
            var index = span[start..].IndexOf(marker);
            if (index < 0)
            {
                return null;
            }

            var at = start + index + marker.Length;
            var rest = span[at..];
            if (rest.Length < 24 && !final)
            {
                return null; // completed with the next chunk through the carried window
            }

            var i = 0;
            while (i < rest.Length && rest[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                i++;
            }

            if (i < rest.Length && rest[i] is (byte)'=' or (byte)'>')
            {
                i++;
                while (i < rest.Length && rest[i] is (byte)' ' or (byte)'"' or (byte)'\'')
                {
                    i++;
                }

                var valueStart = i;
                while (i < rest.Length && rest[i] is not ((byte)'"' or (byte)'\'' or (byte)'<' or (byte)' ' or (byte)'/' or (byte)'>'))
                {
                    i++;
                }

                if (i > valueStart && i - valueStart <= 4)
                {
                    return Encoding.ASCII.GetString(rest[valueStart..i]);
                }
            }

            start = at;
        }

        return null;
    }
}
