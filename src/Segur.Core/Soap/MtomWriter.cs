using System.Text;
using System.Xml;

namespace Segur.Soap;

/// <summary>
/// Writes an MTOM/XOP <c>multipart/related</c> message: the root XML part (<c>application/xop+xml</c>) followed by
/// binary parts referenced from it with <c>xop:Include href="cid:…"</c> (see <see cref="MtomAttachment.WriteXopInclude"/>).
/// </summary>
/// <remarks>Attachments are copied from their streams to the output in chunks: a 20 MB document is never held in
/// memory. The root XML is serialised to a memory buffer first (it is small once binaries are attachments); this lets
/// the HTTP transport know the total length when every attachment stream can seek.</remarks>
public static class MtomWriter
{
    /// <summary>The Content-ID of the root part the SDK writes.</summary>
    public const string RootContentId = "root.message@segur";

    /// <summary>Creates a random boundary, safe to use unquoted or quoted.</summary>
    /// <returns>For example <c>MIMEBoundary_0f8fad5bd9cb469fa16570867728950e</c>.</returns>
    public static string NewBoundary() => "MIMEBoundary_" + Guid.NewGuid().ToString("N");

    /// <summary>The <c>Content-Type</c> of a message written with <paramref name="boundary"/>.</summary>
    /// <param name="boundary">The boundary.</param>
    /// <param name="startInfo">The root part's real type. Default: <c>application/soap+xml</c>.</param>
    /// <param name="action">The SOAP action, added as the <c>action</c> parameter, or <see langword="null"/>.</param>
    /// <returns><c>multipart/related; type="application/xop+xml"; boundary="…"; start="&lt;…&gt;"; start-info="…"</c>.</returns>
    public static string GetContentType(string boundary, string startInfo = "application/soap+xml", string? action = null)
    {
        ValidateBoundary(boundary);
        var value = $"multipart/related; type=\"application/xop+xml\"; boundary=\"{boundary}\"; start=\"<{RootContentId}>\"; start-info=\"{startInfo}\"";
        return action is null ? value : value + $"; action=\"{Quote(action)}\"";
    }

    /// <summary>Writes a whole MTOM message to a stream.</summary>
    /// <param name="output">The destination; not disposed.</param>
    /// <param name="boundary">The boundary (see <see cref="NewBoundary"/>); the same as in <see cref="GetContentType"/>.</param>
    /// <param name="writeRoot">Writes the root XML document (the SOAP envelope) with its <c>xop:Include</c> references.</param>
    /// <param name="attachments">The binary parts, written in this order; their streams are read, not disposed.</param>
    /// <param name="startInfo">The root part's real type. Default: <c>application/soap+xml</c>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the closing boundary is written.</returns>
    /// <exception cref="ArgumentException">The boundary is invalid, or two attachments share a Content-ID.</exception>
    public static Task WriteAsync(Stream output, string boundary, Action<XmlWriter> writeRoot, IEnumerable<MtomAttachment> attachments,
        string startInfo = "application/soap+xml", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writeRoot);
        ArgumentNullException.ThrowIfNull(attachments);
        var root = new MemoryStream();
        using (var writer = XmlWriter.Create(root, SoapRequest.WriterSettings))
        {
            writeRoot(writer);
        }

        return new MtomPackage(boundary, root.GetBuffer().AsMemory(0, (int)root.Length), attachments.ToList(), startInfo).WriteToAsync(output, cancellationToken);
    }

    internal static void ValidateBoundary(string boundary)
    {
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        if (boundary.Length > 70 || boundary.Any(c => c is < ' ' or > '~' or '"' or '\\'))
        {
            throw new ArgumentException("A MIME boundary has 1 to 70 printable ASCII characters, without quotes or backslashes.", nameof(boundary));
        }
    }

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}

/// <summary>An MTOM message ready to be written: part headers are built up front so the length can be computed.</summary>
internal sealed class MtomPackage
{
    private readonly ReadOnlyMemory<byte> _rootHeader;
    private readonly ReadOnlyMemory<byte> _root;
    private readonly List<(byte[] Header, MtomAttachment Attachment)> _parts = [];
    private readonly byte[] _closing;

    public MtomPackage(string boundary, ReadOnlyMemory<byte> root, IReadOnlyList<MtomAttachment> attachments, string startInfo)
    {
        MtomWriter.ValidateBoundary(boundary);
        _root = root;
        _rootHeader = Encoding.ASCII.GetBytes(
            $"--{boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type=\"{startInfo}\"\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <{MtomWriter.RootContentId}>\r\n\r\n");
        var ids = new HashSet<string>(StringComparer.Ordinal) { MtomWriter.RootContentId };
        foreach (var attachment in attachments)
        {
            if (!ids.Add(attachment.ContentId))
            {
                throw new ArgumentException($"Two MTOM parts have the Content-ID <{attachment.ContentId}>.", nameof(attachments));
            }

            _parts.Add((Encoding.ASCII.GetBytes(
                $"\r\n--{boundary}\r\nContent-Type: {attachment.ContentType}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <{attachment.ContentId}>\r\n\r\n"), attachment));
        }

        _closing = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
    }

    public ReadOnlyMemory<byte> Root => _root;

    /// <summary>The total length, when every attachment's length is known.</summary>
    public long? Length
    {
        get
        {
            long total = _rootHeader.Length + _root.Length + _closing.Length;
            foreach (var (header, attachment) in _parts)
            {
                if (attachment.Length is not { } length)
                {
                    return null;
                }

                total += header.Length + length;
            }

            return total;
        }
    }

    public async Task WriteToAsync(Stream output, CancellationToken cancellationToken)
    {
        await output.WriteAsync(_rootHeader, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(_root, cancellationToken).ConfigureAwait(false);
        foreach (var (header, attachment) in _parts)
        {
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            var content = attachment.OpenRead();
            try
            {
                await content.CopyToAsync(output, 81920, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (attachment.IsReceived)
                {
                    await content.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        await output.WriteAsync(_closing, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
