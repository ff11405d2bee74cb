using System.Xml;

namespace Segur.Soap;

/// <summary>
/// A binary part of an MTOM/XOP message, identified by its Content-ID. To send one, give a <see cref="Stream"/>; it is
/// copied to the network when the message is written, never buffered whole. Received attachments are kept in memory
/// when small and in a private temporary file otherwise (see <see cref="MtomReaderOptions.MemoryThreshold"/>);
/// <see cref="OpenRead"/> gives an independent read-only stream over them.
/// </summary>
public sealed class MtomAttachment : IDisposable
{
    private readonly Stream? _content;
    private readonly bool _leaveOpen;
    private readonly PartBuffer? _buffer;
    private readonly long _startPosition = -1;

    /// <summary>Creates an attachment to send.</summary>
    /// <param name="contentId">The Content-ID without angle brackets, e.g. <c>doc1@example.org</c> (see <see cref="NewContentId"/>).
    /// Letters, digits and <c>!#$&amp;'*+-/=?^_`{|}~.@</c> only, so the <c>cid:</c> reference needs no escaping.</param>
    /// <param name="contentType">The MIME type, e.g. <c>application/pdf</c>.</param>
    /// <param name="content">The bytes, read from its current position when the message is written. When it can seek,
    /// every write starts again from that position, so a retried request sends the whole content again.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="content"/> open. Default: <see langword="false"/>.</param>
    /// <exception cref="ArgumentException">The Content-ID or content type is empty or holds forbidden characters.</exception>
    public MtomAttachment(string contentId, string contentType, Stream content, bool leaveOpen = false)
    {
        ValidateContentId(contentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        ArgumentNullException.ThrowIfNull(content);
        if (contentType.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("The content type may not hold line breaks.", nameof(contentType));
        }

        ContentId = contentId;
        ContentType = contentType;
        _content = content;
        _leaveOpen = leaveOpen;
        if (content.CanSeek)
        {
            _startPosition = content.Position;
        }
    }

    internal MtomAttachment(string contentId, string contentType, PartBuffer buffer)
    {
        ContentId = contentId;
        ContentType = contentType;
        _buffer = buffer;
    }

    /// <summary>The Content-ID, without angle brackets.</summary>
    public string ContentId { get; }

    /// <summary>The part's MIME type.</summary>
    public string ContentType { get; }

    /// <summary>The number of bytes, when known (received attachments, seekable streams).</summary>
    public long? Length => _buffer is not null ? _buffer.Length : _startPosition >= 0 ? _content!.Length - _startPosition : null;

    /// <summary>Whether a received attachment was spilled to a temporary file rather than kept in memory.</summary>
    public bool IsBufferedOnDisk => _buffer?.IsOnDisk ?? false;

    /// <summary>Creates a unique Content-ID, a random UUID followed by <c>@segur</c>.</summary>
    /// <returns>For example <c>0f8fad5bd9cb469fa16570867728950e@segur</c>.</returns>
    public static string NewContentId() => Guid.NewGuid().ToString("N") + "@segur";

    /// <summary>Opens the content for reading.</summary>
    /// <returns>For a received attachment, a new independent read-only stream each time (dispose it). For an attachment
    /// to send, the stream given to the constructor, moved back to its initial position when it can seek (do not
    /// dispose it; <see cref="Dispose"/> does).</returns>
    /// <exception cref="ObjectDisposedException">The attachment (or the message holding it) was disposed.</exception>
    public Stream OpenRead()
    {
        if (_buffer is not null)
        {
            return _buffer.OpenRead();
        }

        if (_startPosition >= 0)
        {
            _content!.Position = _startPosition;
        }

        return _content!;
    }

    internal bool IsReceived => _buffer is not null;

    /// <summary>Writes <c>&lt;xop:Include href="cid:…"/&gt;</c> for this attachment, in place of the element's base64 content.</summary>
    /// <param name="writer">The writer, positioned inside the element that holds the binary data.</param>
    public void WriteXopInclude(XmlWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartElement("xop", "Include", SoapNamespaces.Xop);
        writer.WriteAttributeString("href", "cid:" + ContentId);
        writer.WriteEndElement();
    }

    /// <summary>Releases the content: the stream given (unless left open) or the received bytes and temporary file.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            _buffer.Dispose();
        }
        else if (!_leaveOpen)
        {
            _content!.Dispose();
        }
    }

    internal static void ValidateContentId(string contentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentId);
        foreach (var c in contentId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$&'*+-/=?^_`{|}~.@".Contains(c, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"The Content-ID may not hold '{c}'.", nameof(contentId));
            }
        }
    }
}
