using System.Xml;

namespace Segur.Soap;

/// <summary>Limits and buffering of <see cref="MtomMessage.ReadAsync"/>.</summary>
public sealed class MtomReaderOptions
{
    /// <summary>Parts up to this size stay in memory; larger ones go to a private temporary file, so a tens-of-MB
    /// document is copied once from the network to disk and then read from there.
    /// <value>Default: 1 MiB.</value></summary>
    public long MemoryThreshold { get; set; } = 1024 * 1024;

    /// <summary>The largest part accepted. <value>Default: 512 MiB.</value></summary>
    public long MaxPartSize { get; set; } = 512L * 1024 * 1024;

    /// <summary>The most parts accepted, root included. <value>Default: 100.</value></summary>
    public int MaxParts { get; set; } = 100;

    /// <summary>Where temporary files go. <value>Default: <see langword="null"/>, meaning <see cref="Path.GetTempPath"/>.</value></summary>
    public string? TempDirectory { get; set; }
}

/// <summary>
/// A received MTOM/XOP (or SOAP-with-attachments) <c>multipart/related</c> message: the root part (the SOAP envelope)
/// and the attachments by Content-ID. Dispose it to release memory and temporary files.
/// </summary>
/// <remarks>The body is read once, in 80 KiB chunks: each part is copied straight into its own buffer (memory up to
/// <see cref="MtomReaderOptions.MemoryThreshold"/>, else a temporary file, owner-only and deleted when disposed), so a
/// large document is never held whole in memory nor copied twice.</remarks>
public sealed class MtomMessage : IDisposable
{
    private static readonly IReadOnlyDictionary<string, MtomAttachment> NoAttachments = new Dictionary<string, MtomAttachment>();
    private readonly List<MtomAttachment> _all;

    private MtomMessage(MtomAttachment root, Dictionary<string, MtomAttachment> attachments, List<MtomAttachment> all)
    {
        Root = root;
        Attachments = attachments;
        _all = all;
    }

    /// <summary>The root part: the XML (<c>application/xop+xml</c>) holding the SOAP envelope.</summary>
    public MtomAttachment Root { get; }

    /// <summary>The other parts, by Content-ID (without angle brackets). Parts without a Content-ID are not listed.</summary>
    public IReadOnlyDictionary<string, MtomAttachment> Attachments { get; }

    /// <summary>Reads a <c>multipart/related</c> body from a stream.</summary>
    /// <param name="stream">The body; read to its end, not disposed.</param>
    /// <param name="contentType">The HTTP <c>Content-Type</c>, with its <c>boundary</c> and optional <c>start</c>
    /// (when absent, the first part is the root).</param>
    /// <param name="options">Limits and buffering; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The message; dispose it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The options are out of range.</exception>
    /// <exception cref="SegurProtocolException">The body is malformed (<c>SGR-1210</c>), the boundary is missing or
    /// invalid (<c>SGR-1211</c>), a part is too large or there are too many (<c>SGR-1212</c>), the <c>start</c> part is
    /// missing (<c>SGR-1214</c>) or a part uses an unsupported encoding or the type is not multipart (<c>SGR-1215</c>).</exception>
    public static async Task<MtomMessage> ReadAsync(Stream stream, string contentType, MtomReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(contentType);
        options ??= new MtomReaderOptions();
        if (options.MemoryThreshold is < 0 or > int.MaxValue / 2 || options.MaxPartSize <= 0 || options.MaxParts <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MemoryThreshold must be between 0 and 1 GiB, MaxPartSize and MaxParts positive.");
        }

        var mediaType = MediaType.Parse(contentType);
        if (!mediaType.Type.StartsWith("multipart/", StringComparison.Ordinal))
        {
            throw new SegurProtocolException(CoreErrorCodes.MultipartUnsupported, $"The content type '{mediaType.Type}' is not multipart.");
        }

        var boundary = mediaType["boundary"];
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200 || boundary.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new SegurProtocolException(CoreErrorCodes.MultipartBoundaryInvalid,
                string.IsNullOrEmpty(boundary) ? "The multipart content type has no boundary parameter." : "The multipart boundary is invalid.");
        }

        var start = mediaType["start"] is { Length: > 0 } s ? MediaType.StripAngles(s) : null;
        var tempDirectory = options.TempDirectory ?? Path.GetTempPath();
        var scanner = new MultipartScanner(stream, boundary);
        var all = new List<MtomAttachment>();
        try
        {
            if (!await scanner.ReadToDelimiterAsync(null, cancellationToken).ConfigureAwait(false))
            {
                throw MultipartScanner.Malformed("The multipart body holds no boundary line: the boundary in the content type does not match the body.");
            }

            while (!await scanner.ReadDelimiterEndAsync(cancellationToken).ConfigureAwait(false))
            {
                if (all.Count >= options.MaxParts)
                {
                    throw new SegurProtocolException(CoreErrorCodes.MultipartTooLarge, $"The multipart body has more than {options.MaxParts} parts.");
                }

                var headers = await scanner.ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
                string? id = null, type = null;
                foreach (var (name, value) in headers)
                {
                    if (name.Equals("Content-ID", StringComparison.OrdinalIgnoreCase))
                    {
                        id ??= MediaType.StripAngles(value);
                    }
                    else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        type ??= value;
                    }
                    else if (name.Equals("Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                             && value.Trim().ToUpperInvariant() is not ("BINARY" or "8BIT" or "7BIT"))
                    {
                        throw new SegurProtocolException(CoreErrorCodes.MultipartUnsupported,
                            $"A part uses Content-Transfer-Encoding '{value.Trim()}'; MTOM parts must be binary.");
                    }
                }

                var buffer = new PartBuffer(options.MemoryThreshold, options.MaxPartSize, tempDirectory);
                var part = new MtomAttachment(id ?? string.Empty, type ?? "application/octet-stream", buffer);
                all.Add(part);
                if (!await scanner.ReadToDelimiterAsync(buffer, cancellationToken).ConfigureAwait(false))
                {
                    throw MultipartScanner.Malformed("The multipart body ends inside a part: the closing boundary is missing (truncated response?).");
                }

                await buffer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            if (all.Count == 0)
            {
                throw MultipartScanner.Malformed("The multipart body has no part.");
            }

            MtomAttachment root;
            if (start is null)
            {
                root = all[0];
            }
            else
            {
                root = all.Find(p => string.Equals(p.ContentId, start, StringComparison.Ordinal))
                       ?? throw new SegurProtocolException(CoreErrorCodes.MtomRootMissing, $"The multipart start part <{start}> is not in the body.");
            }

            var attachments = new Dictionary<string, MtomAttachment>(StringComparer.Ordinal);
            foreach (var part in all)
            {
                if (!ReferenceEquals(part, root) && part.ContentId.Length > 0 && !attachments.TryAdd(part.ContentId, part))
                {
                    throw MultipartScanner.Malformed($"Two parts have the Content-ID <{part.ContentId}>.");
                }
            }

            return new MtomMessage(root, attachments, all);
        }
        catch
        {
            foreach (var part in all)
            {
                part.Dispose();
            }

            throw;
        }
    }

    /// <summary>Finds the <c>xop:Include</c> elements under a node.</summary>
    /// <param name="node">The root envelope, its body, or any element.</param>
    /// <returns>The include elements, in document order.</returns>
    public static IReadOnlyList<XmlElement> FindXopIncludes(XmlNode node) => Xop.FindIncludes(node);

    /// <summary>Resolves the attachment an element refers to through XOP.</summary>
    /// <param name="element">An <c>xop:Include</c> element, or the element holding one (e.g. the XDS <c>Document</c>).</param>
    /// <returns>The attachment, or <see langword="null"/> when the element holds no <c>xop:Include</c> (the data is
    /// then inline base64 in the element).</returns>
    /// <exception cref="SegurProtocolException">The <c>cid:</c> reference names no attachment (<c>SGR-1213</c>).</exception>
    public MtomAttachment? GetAttachment(XmlElement element) => Xop.Resolve(Attachments, element);

    /// <summary>Releases every part's memory and temporary file.</summary>
    public void Dispose()
    {
        foreach (var part in _all)
        {
            part.Dispose();
        }
    }

    internal static IReadOnlyDictionary<string, MtomAttachment> Empty => NoAttachments;
}

/// <summary>XOP include lookup shared by <see cref="MtomMessage"/> and <see cref="SoapResponse"/>.</summary>
internal static class Xop
{
    public static IReadOnlyList<XmlElement> FindIncludes(XmlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var start = node as XmlElement ?? (node as XmlDocument)?.DocumentElement;
        var result = new List<XmlElement>();
        if (start is null)
        {
            return result;
        }

        if (IsInclude(start))
        {
            result.Add(start);
        }

        foreach (XmlNode found in start.GetElementsByTagName("Include", SoapNamespaces.Xop))
        {
            result.Add((XmlElement)found);
        }

        return result;
    }

    public static MtomAttachment? Resolve(IReadOnlyDictionary<string, MtomAttachment> attachments, XmlElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var include = IsInclude(element) ? element : element.ChildNodes.OfType<XmlElement>().FirstOrDefault(IsInclude);
        if (include is null)
        {
            return null;
        }

        var href = include.GetAttribute("href").Trim();
        if (!href.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
        {
            throw new SegurProtocolException(CoreErrorCodes.XopIncludeUnresolved, "An xop:Include href is not a cid: reference.");
        }

        var raw = href[4..];
        if (attachments.TryGetValue(raw, out var attachment) || attachments.TryGetValue(Uri.UnescapeDataString(raw), out attachment))
        {
            return attachment;
        }

        throw new SegurProtocolException(CoreErrorCodes.XopIncludeUnresolved, $"The xop:Include refers to cid:{raw}, which is not among the attachments.");
    }

    private static bool IsInclude(XmlElement e) => e.LocalName == "Include" && e.NamespaceURI == SoapNamespaces.Xop;
}
