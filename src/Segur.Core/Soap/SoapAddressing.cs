using System.Globalization;
using System.Xml;

namespace Segur.Soap;

/// <summary>
/// The WS-Addressing 1.0 message headers (<see cref="SoapNamespaces.Addressing"/>) of a received envelope:
/// <c>Action</c>, <c>MessageID</c>, <c>To</c>, <c>ReplyTo/Address</c> and <c>RelatesTo</c>.
/// </summary>
public sealed class SoapAddressing
{
    /// <summary>The <c>wsa:Action</c> value, if present.</summary>
    public string? Action { get; init; }

    /// <summary>The <c>wsa:MessageID</c> value, if present.</summary>
    public string? MessageId { get; init; }

    /// <summary>The <c>wsa:To</c> value, if present.</summary>
    public string? To { get; init; }

    /// <summary>The <c>wsa:ReplyTo/wsa:Address</c> value, if present.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>The <c>wsa:RelatesTo</c> value (the request's <c>MessageID</c> on a response), if present.</summary>
    public string? RelatesTo { get; init; }

    /// <summary>Creates a new message identifier, <c>urn:uuid:</c> followed by a random UUID.</summary>
    /// <returns>For example <c>urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e</c>.</returns>
    public static string NewMessageId() => "urn:uuid:" + Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);

    /// <summary>Checks that this response answers the request with <paramref name="requestMessageId"/>.</summary>
    /// <param name="requestMessageId">The request's <c>wsa:MessageID</c>.</param>
    /// <param name="required">Whether a missing <c>RelatesTo</c> is an error. Default: <see langword="false"/>
    /// (INSi, for one, answers without WS-Addressing headers).</param>
    /// <exception cref="SegurProtocolException"><c>RelatesTo</c> differs from the request's id (<c>SGR-1206</c>), or is
    /// missing while <paramref name="required"/> (<c>SGR-1207</c>).</exception>
    public void EnsureRelatesTo(string requestMessageId, bool required = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestMessageId);
        if (RelatesTo is null)
        {
            if (required)
            {
                throw new SegurProtocolException(CoreErrorCodes.SoapRelatesToMissing,
                    $"The response has no WS-Addressing RelatesTo header; expected one relating to request {requestMessageId}.");
            }

            return;
        }

        if (!string.Equals(RelatesTo.Trim(), requestMessageId.Trim(), StringComparison.Ordinal))
        {
            throw new SegurProtocolException(CoreErrorCodes.SoapRelatesToMismatch,
                $"The response relates to message {RelatesTo.Trim()}, not to the request {requestMessageId}: it answers another request.");
        }
    }

    internal static SoapAddressing Read(IReadOnlyList<XmlElement> headers)
    {
        string? action = null, messageId = null, to = null, replyTo = null, relatesTo = null;
        foreach (var header in headers)
        {
            if (header.NamespaceURI != SoapNamespaces.Addressing)
            {
                continue;
            }

            switch (header.LocalName)
            {
                case "Action":
                    action = header.InnerText.Trim();
                    break;
                case "MessageID":
                    messageId = header.InnerText.Trim();
                    break;
                case "To":
                    to = header.InnerText.Trim();
                    break;
                case "ReplyTo":
                    replyTo = FirstChild(header, "Address")?.InnerText.Trim();
                    break;
                case "RelatesTo":
                    // Only the default relationship (wsa:Reply) relates a response to its request.
                    var type = header.GetAttribute("RelationshipType");
                    if (type.Length == 0 || type == SoapNamespaces.Addressing + "/reply")
                    {
                        relatesTo = header.InnerText.Trim();
                    }

                    break;
                default:
                    break;
            }
        }

        return new SoapAddressing { Action = action, MessageId = messageId, To = to, ReplyTo = replyTo, RelatesTo = relatesTo };
    }

    private static XmlElement? FirstChild(XmlElement parent, string localName)
    {
        foreach (XmlNode child in parent.ChildNodes)
        {
            if (child is XmlElement e && e.LocalName == localName && e.NamespaceURI == SoapNamespaces.Addressing)
            {
                return e;
            }
        }

        return null;
    }
}
