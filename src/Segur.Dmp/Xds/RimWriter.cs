using System.Xml;
using Segur.Dmp.Cda;

namespace Segur.Dmp.Xds;

/// <summary>Writes ebRIM 3.0 building blocks (slots, names, classifications, external identifiers, associations)
/// with a streaming <see cref="XmlWriter"/>; the <c>rim</c> prefix is declared by the caller's root element.</summary>
internal static class RimWriter
{
    public static void Slot(XmlWriter writer, string name, params string?[] values)
    {
        writer.WriteStartElement("rim", "Slot", XdsNames.Rim);
        writer.WriteAttributeString("name", name);
        writer.WriteStartElement("rim", "ValueList", XdsNames.Rim);
        foreach (var value in values)
        {
            if (value is not null)
            {
                writer.WriteElementString("rim", "Value", XdsNames.Rim, value);
            }
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    public static void LocalizedString(XmlWriter writer, string element, string? value)
    {
        if (value is null)
        {
            return;
        }

        writer.WriteStartElement("rim", element, XdsNames.Rim);
        writer.WriteStartElement("rim", "LocalizedString", XdsNames.Rim);
        writer.WriteAttributeString("value", value);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>A coded classification: <c>nodeRepresentation</c> = code, slot <c>codingScheme</c> = code system,
    /// <c>Name</c> = display name (the code when there is none: the XDS.b schema requires a Name).</summary>
    public static void CodeClassification(XmlWriter writer, string scheme, string classifiedObject, CdaCode code)
    {
        writer.WriteStartElement("rim", "Classification", XdsNames.Rim);
        writer.WriteAttributeString("id", NewUuid());
        writer.WriteAttributeString("objectType", XdsNames.ClassificationObjectType);
        writer.WriteAttributeString("classificationScheme", scheme);
        writer.WriteAttributeString("classifiedObject", classifiedObject);
        writer.WriteAttributeString("nodeRepresentation", code.Code);
        Slot(writer, "codingScheme", code.CodeSystem);
        LocalizedString(writer, "Name", code.DisplayName ?? code.Code);
        writer.WriteEndElement();
    }

    /// <summary>The author classification (empty <c>nodeRepresentation</c>, author slots).</summary>
    public static void AuthorClassification(XmlWriter writer, string scheme, string classifiedObject, XdsAuthor author)
    {
        writer.WriteStartElement("rim", "Classification", XdsNames.Rim);
        writer.WriteAttributeString("id", NewUuid());
        writer.WriteAttributeString("objectType", XdsNames.ClassificationObjectType);
        writer.WriteAttributeString("classificationScheme", scheme);
        writer.WriteAttributeString("classifiedObject", classifiedObject);
        writer.WriteAttributeString("nodeRepresentation", string.Empty);
        Slot(writer, "authorPerson", author.Person);
        if (author.Institution is not null)
        {
            Slot(writer, "authorInstitution", author.Institution);
        }

        if (author.Role is not null)
        {
            Slot(writer, "authorRole", author.Role);
        }

        if (author.Specialty is not null)
        {
            Slot(writer, "authorSpecialty", author.Specialty);
        }

        writer.WriteEndElement();
    }

    public static void ExternalIdentifier(XmlWriter writer, string scheme, string registryObject, string value, string name)
    {
        writer.WriteStartElement("rim", "ExternalIdentifier", XdsNames.Rim);
        writer.WriteAttributeString("id", NewUuid());
        writer.WriteAttributeString("objectType", XdsNames.ExternalIdentifierObjectType);
        writer.WriteAttributeString("identificationScheme", scheme);
        writer.WriteAttributeString("registryObject", registryObject);
        writer.WriteAttributeString("value", value);
        LocalizedString(writer, "Name", name);
        writer.WriteEndElement();
    }

    public static void StartAssociation(XmlWriter writer, string type, string source, string target)
    {
        writer.WriteStartElement("rim", "Association", XdsNames.Rim);
        writer.WriteAttributeString("id", NewUuid());
        writer.WriteAttributeString("objectType", XdsNames.AssociationObjectType);
        writer.WriteAttributeString("associationType", type);
        writer.WriteAttributeString("sourceObject", source);
        writer.WriteAttributeString("targetObject", target);
    }

    /// <summary>A new <c>urn:uuid:</c> id for an object the client creates (classifications, identifiers and
    /// associations get one too: IHE allows symbolic ids, UUIDs stay unique without a counter).</summary>
    public static string NewUuid() => "urn:uuid:" + Guid.NewGuid().ToString("D");
}

/// <summary>An XDS author (XCN person, XON institution, role, specialty).</summary>
/// <param name="Person">authorPerson (XCN).</param>
/// <param name="Institution">authorInstitution (XON), or null.</param>
/// <param name="Role">authorRole, or null.</param>
/// <param name="Specialty">authorSpecialty, or null.</param>
internal sealed record XdsAuthor(string Person, string? Institution = null, string? Role = null, string? Specialty = null);
