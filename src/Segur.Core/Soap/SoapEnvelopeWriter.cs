using System.Xml;

namespace Segur.Soap;

/// <summary>
/// Writes SOAP 1.2 envelopes through an <see cref="XmlWriter"/>: the request side is <see cref="SoapRequest.WriteEnvelope"/>;
/// this class writes the answering side (responses and faults), for simulators and tests that play the service.
/// </summary>
public static class SoapEnvelopeWriter
{
    private const string Soap = "soap";

    /// <summary>Writes a response envelope.</summary>
    /// <param name="writer">The writer, at document start.</param>
    /// <param name="writeBody">Writes the elements inside <c>soap:Body</c>.</param>
    /// <param name="action">The <c>wsa:Action</c> to write, or <see langword="null"/>.</param>
    /// <param name="relatesTo">The request's <c>wsa:MessageID</c>, written as <c>wsa:RelatesTo</c>, or <see langword="null"/>.</param>
    /// <param name="headers">Extra header blocks, or <see langword="null"/>.</param>
    public static void WriteResponse(XmlWriter writer, Action<XmlWriter> writeBody, string? action = null, string? relatesTo = null, IEnumerable<SoapHeaderBlock>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeBody);
        var addressing = new List<KeyValuePair<string, string>>();
        if (action is not null)
        {
            addressing.Add(new("Action", action));
        }

        if (relatesTo is not null)
        {
            addressing.Add(new("RelatesTo", relatesTo));
        }

        Write(writer, addressing, null, headers?.ToList() ?? [], writeBody);
    }

    /// <summary>Writes a SOAP 1.2 fault envelope.</summary>
    /// <param name="writer">The writer, at document start.</param>
    /// <param name="code">The code: <c>Sender</c> or <c>Receiver</c> (or another standard code) in <see cref="SoapNamespaces.Soap12"/>.</param>
    /// <param name="reason">The reason text.</param>
    /// <param name="subcodes">The subcode chain, outermost first (e.g. <c>{urn:siram}siram_40</c>), or <see langword="null"/>.</param>
    /// <param name="writeDetail">Writes the detail entries inside <c>soap:Detail</c>, or <see langword="null"/> for no detail.</param>
    /// <param name="language">The reason's <c>xml:lang</c>. Default: <c>fr</c>.</param>
    /// <param name="relatesTo">The request's <c>wsa:MessageID</c>, written as <c>wsa:RelatesTo</c>, or <see langword="null"/>.</param>
    public static void WriteFault(XmlWriter writer, XmlQualifiedName code, string reason, IEnumerable<XmlQualifiedName>? subcodes = null,
        Action<XmlWriter>? writeDetail = null, string language = "fr", string? relatesTo = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(reason);
        WriteResponse(writer, w =>
        {
            w.WriteStartElement(Soap, "Fault", SoapNamespaces.Soap12);
            w.WriteStartElement(Soap, "Code", SoapNamespaces.Soap12);
            WriteQNameValue(w, code);
            var depth = 0;
            foreach (var subcode in subcodes ?? [])
            {
                w.WriteStartElement(Soap, "Subcode", SoapNamespaces.Soap12);
                WriteQNameValue(w, subcode);
                depth++;
            }

            for (; depth > 0; depth--)
            {
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteStartElement(Soap, "Reason", SoapNamespaces.Soap12);
            w.WriteStartElement(Soap, "Text", SoapNamespaces.Soap12);
            w.WriteAttributeString("xml", "lang", SoapNamespaces.Xml, language);
            w.WriteString(reason);
            w.WriteEndElement();
            w.WriteEndElement();
            if (writeDetail is not null)
            {
                w.WriteStartElement(Soap, "Detail", SoapNamespaces.Soap12);
                writeDetail(w);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }, relatesTo: relatesTo);
    }

    internal static void Write(XmlWriter writer, IReadOnlyList<KeyValuePair<string, string>> addressing, string? replyTo, IList<SoapHeaderBlock> headers, Action<XmlWriter> writeBody)
    {
        writer.WriteStartElement(Soap, "Envelope", SoapNamespaces.Soap12);
        if (addressing.Count > 0 || replyTo is not null)
        {
            writer.WriteAttributeString("xmlns", "wsa", null, SoapNamespaces.Addressing);
            writer.WriteStartElement(Soap, "Header", SoapNamespaces.Soap12);
            foreach (var (name, value) in addressing)
            {
                writer.WriteElementString("wsa", name, SoapNamespaces.Addressing, value);
            }

            if (replyTo is not null)
            {
                writer.WriteStartElement("wsa", "ReplyTo", SoapNamespaces.Addressing);
                writer.WriteElementString("wsa", "Address", SoapNamespaces.Addressing, replyTo);
                writer.WriteEndElement();
            }
        }
        else if (headers.Count > 0)
        {
            writer.WriteStartElement(Soap, "Header", SoapNamespaces.Soap12);
        }

        foreach (var header in headers)
        {
            header.WriteTo(writer, Soap);
        }

        if (addressing.Count > 0 || replyTo is not null || headers.Count > 0)
        {
            writer.WriteEndElement();
        }

        writer.WriteStartElement(Soap, "Body", SoapNamespaces.Soap12);
        writeBody(writer);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static void WriteQNameValue(XmlWriter writer, XmlQualifiedName name)
    {
        writer.WriteStartElement(Soap, "Value", SoapNamespaces.Soap12);
        if (name.Namespace.Length == 0)
        {
            writer.WriteString(name.Name);
        }
        else
        {
            var prefix = writer.LookupPrefix(name.Namespace);
            if (prefix is null)
            {
                // Each Value element declares its own prefix, so one name never clashes.
                prefix = "sc";
                writer.WriteAttributeString("xmlns", prefix, null, name.Namespace);
            }

            writer.WriteString(prefix.Length == 0 ? name.Name : prefix + ":" + name.Name);
        }

        writer.WriteEndElement();
    }
}
