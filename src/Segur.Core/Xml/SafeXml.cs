using System.Xml;

namespace Segur.Xml;

/// <summary>
/// Hardened XML reading used by every parser of the SDK: DTDs prohibited, no external resolver, size and depth
/// limits. Anything else is reported as a <see cref="SegurValidationException"/> with an <c>SGR-11xx</c> code.
/// </summary>
public static class SafeXml
{
    /// <summary>The default maximum number of characters in a document: 64 MiB (DMP documents embed PDFs).</summary>
    public const long DefaultMaxCharacters = 64L * 1024 * 1024;

    /// <summary>The default maximum element depth: 256.</summary>
    public const int DefaultMaxDepth = 256;

    /// <summary>Creates reader settings with DTD processing prohibited, no resolver and the given limits.</summary>
    /// <param name="maxCharacters">Maximum characters in the document; 0 means <see cref="DefaultMaxCharacters"/>.</param>
    /// <returns>New settings; the caller may set <see cref="XmlReaderSettings.Async"/> or schemas on them.</returns>
    public static XmlReaderSettings CreateReaderSettings(long maxCharacters = 0) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters > 0 ? maxCharacters : DefaultMaxCharacters,
        MaxCharactersFromEntities = 1024,
        IgnoreProcessingInstructions = true,
        IgnoreComments = true,
        CloseInput = false,
    };

    /// <summary>Loads a DOM document from a stream with the hardened settings, keeping whitespace (needed for signatures).</summary>
    /// <param name="stream">The XML; not disposed.</param>
    /// <param name="maxCharacters">Maximum characters in the document; 0 means <see cref="DefaultMaxCharacters"/>.</param>
    /// <param name="maxDepth">Maximum element depth; 0 means <see cref="DefaultMaxDepth"/>.</param>
    /// <returns>The document, with <see cref="XmlDocument.XmlResolver"/> unset.</returns>
    /// <exception cref="SegurValidationException">The XML is malformed (<c>SGR-1101</c>), holds a DTD (<c>SGR-1102</c>),
    /// is too large (<c>SGR-1103</c>) or too deep (<c>SGR-1105</c>).</exception>
    public static XmlDocument LoadDocument(Stream stream, long maxCharacters = 0, int maxDepth = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var settings = CreateReaderSettings(maxCharacters);
        settings.IgnoreComments = false;
        var document = new XmlDocument { XmlResolver = null, PreserveWhitespace = true };
        Guard(() =>
        {
            using var inner = XmlReader.Create(stream, settings);
            using var reader = new DepthLimitedReader(inner, maxDepth > 0 ? maxDepth : DefaultMaxDepth);
            document.Load(reader);
        });
        return document;
    }

    /// <summary>Loads a DOM document from a string with the hardened settings.</summary>
    /// <param name="xml">The XML text.</param>
    /// <param name="maxCharacters">Maximum characters; 0 means <see cref="DefaultMaxCharacters"/>.</param>
    /// <returns>The document.</returns>
    /// <exception cref="SegurValidationException">See <see cref="LoadDocument(Stream, long, int)"/>.</exception>
    public static XmlDocument LoadDocument(string xml, long maxCharacters = 0)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var settings = CreateReaderSettings(maxCharacters);
        settings.IgnoreComments = false;
        var document = new XmlDocument { XmlResolver = null, PreserveWhitespace = true };
        Guard(() =>
        {
            using var text = new StringReader(xml);
            using var inner = XmlReader.Create(text, settings);
            using var reader = new DepthLimitedReader(inner, DefaultMaxDepth);
            document.Load(reader);
        });
        return document;
    }

    /// <summary>Creates a hardened forward-only reader over a stream.</summary>
    /// <param name="stream">The XML; not disposed by the reader.</param>
    /// <param name="maxCharacters">Maximum characters; 0 means <see cref="DefaultMaxCharacters"/>.</param>
    /// <param name="async">Whether the reader is used with the async API.</param>
    /// <returns>A reader; errors surface as <see cref="XmlException"/> while reading — wrap the loop in
    /// <see cref="Guard{T}(Func{T})"/> to turn them into <see cref="SegurValidationException"/>.</returns>
    public static XmlReader CreateReader(Stream stream, long maxCharacters = 0, bool async = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var settings = CreateReaderSettings(maxCharacters);
        settings.Async = async;
        return new DepthLimitedReader(XmlReader.Create(stream, settings), DefaultMaxDepth);
    }

    /// <summary>Runs an XML parsing action and maps XML errors to <see cref="SegurValidationException"/>.</summary>
    /// <param name="action">The parsing work.</param>
    /// <exception cref="SegurValidationException">The XML was refused.</exception>
    public static void Guard(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Guard<object?>(() => { action(); return null; });
    }

    /// <summary>Runs an XML parsing function and maps XML errors to <see cref="SegurValidationException"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="func">The parsing work.</param>
    /// <returns>The function's result.</returns>
    /// <exception cref="SegurValidationException">The XML was refused.</exception>
    public static T Guard<T>(Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        try
        {
            return func();
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new SegurValidationException(CoreErrorCodes.XmlDtdProhibited, "The XML holds a DTD, which is refused for security.", innerException: ex);
        }
        catch (XmlException ex) when (ex.Message.Contains("MaxCharacters", StringComparison.OrdinalIgnoreCase)
                                      || ex.Message.Contains("exceeds", StringComparison.OrdinalIgnoreCase))
        {
            throw new SegurValidationException(CoreErrorCodes.XmlTooLarge, "The XML is larger than the allowed limit.", innerException: ex);
        }
        catch (XmlDepthException ex)
        {
            throw new SegurValidationException(CoreErrorCodes.XmlTooDeep, ex.Message, innerException: ex);
        }
        catch (XmlException ex)
        {
            throw new SegurValidationException(CoreErrorCodes.XmlMalformed,
                $"The XML is malformed (line {ex.LineNumber}, position {ex.LinePosition}).", innerException: ex);
        }
    }

    private sealed class XmlDepthException(int maxDepth) : Exception($"The XML is nested deeper than {maxDepth} levels.");

    /// <summary>Wraps a reader and refuses documents nested deeper than a limit.</summary>
    private sealed class DepthLimitedReader(XmlReader inner, int maxDepth) : XmlReaderWrapper(inner)
    {
        public override bool Read()
        {
            var result = base.Read();
            if (result && Depth > maxDepth)
            {
                throw new XmlDepthException(maxDepth);
            }

            return result;
        }

        public override async Task<bool> ReadAsync()
        {
            var result = await base.ReadAsync().ConfigureAwait(false);
            if (result && Depth > maxDepth)
            {
                throw new XmlDepthException(maxDepth);
            }

            return result;
        }
    }
}
