using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Dmp.Xds;

/// <summary>Writes ITI-57 UpdateDocumentSet requests (IHE ITI TF-2b §3.57; dmp.md §2.8): a new submission set plus
/// either an <c>UpdateAvailabilityStatus</c> association or a resubmitted DocumentEntry (same <c>lid</c>, new
/// entryUUID, <c>PreviousVersion</c> on its <c>HasMember</c>).</summary>
/// <remarks>dmp.md §2.8 says TD3.3 is "XAdES-signed like feeds", but ITI-57 carries no document part to hold the
/// signature and the public DMP templates of these messages (CNAM-KIT archivage/masquage, DRIM DeleteRequest) carry
/// none: no lot signature is written here. Re-check on the GIE SESAM-Vitale test platform.</remarks>
internal static class XdsUpdateWriter
{
    /// <summary>The transition's original and new status, or a validation error for a transition the DMP refuses.</summary>
    public static (string Original, string New) StatusTransition(DmpDocumentEntry entry, DmpDocumentUpdateKind kind)
    {
        var (from, to) = kind switch
        {
            DmpDocumentUpdateKind.Archive => (DmpDocumentStatus.Approved, XdsNames.Archived),
            DmpDocumentUpdateKind.Unarchive => (DmpDocumentStatus.Archived, XdsNames.Approved),
            DmpDocumentUpdateKind.Delete => (entry.Status == DmpDocumentStatus.Archived ? DmpDocumentStatus.Archived : DmpDocumentStatus.Approved, XdsNames.Deleted),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a status change."),
        };
        if (entry.Status != from)
        {
            throw new SegurValidationException(DmpErrorCodes.XdsUpdateNotAllowed,
                $"A document in status {entry.Status} cannot be changed by {kind}.") { Field = "status" };
        }

        return (XdsNames.StatusUrn(from), to);
    }

    /// <summary>Writes the status change: <c>lcm:SubmitObjectsRequest</c> with the new set and the
    /// <c>UpdateAvailabilityStatus</c> association from the set to <paramref name="entryUuid"/>.</summary>
    public static void WriteStatusChange(XmlWriter writer, XdsSubmissionSetInfo set, string entryUuid, string originalStatus, string newStatus)
    {
        StartRequest(writer);
        XdsSubmissionWriter.WriteSubmissionSet(writer, set);
        RimWriter.StartAssociation(writer, XdsNames.UpdateAvailabilityStatus, set.EntryUuid, entryUuid);
        RimWriter.Slot(writer, "OriginalStatus", originalStatus);
        RimWriter.Slot(writer, "NewStatus", newStatus);
        writer.WriteEndElement();
        EndRequest(writer);
    }

    /// <summary>Writes the visibility change: the new set, the entry as registered (<paramref name="current"/>,
    /// an <c>ExtrinsicObject</c> from a LeafClass query) rewritten with a new id, the same <c>lid</c> and the new
    /// confidentiality codes, and its <c>HasMember</c> with <c>PreviousVersion</c>.</summary>
    public static void WriteVisibilityChange(XmlWriter writer, XdsSubmissionSetInfo set, XmlElement current, DmpDocumentEntry entry, DmpVisibility visibility)
    {
        var logicalId = entry.LogicalId ?? entry.EntryUuid;
        var newId = RimWriter.NewUuid();
        var copy = Rewrite(current, entry.EntryUuid, newId, logicalId, visibility);
        StartRequest(writer);
        XdsSubmissionWriter.WriteSubmissionSet(writer, set);
        copy.WriteTo(writer);
        XdsSubmissionWriter.WriteHasMember(writer, set.EntryUuid, newId, entry.Version);
        EndRequest(writer);
    }

    /// <summary>The new version of the entry: a copy with the new id (and every reference to the old id updated),
    /// <c>lid</c>, status Approved, no registry-assigned <c>VersionInfo</c>, and the visibility codes replaced.</summary>
    internal static XmlElement Rewrite(XmlElement current, string oldId, string newId, string logicalId, DmpVisibility visibility)
    {
        var copy = (XmlElement)current.CloneNode(deep: true);
        copy.SetAttribute("id", newId);
        copy.SetAttribute("lid", logicalId);
        copy.SetAttribute("status", XdsNames.Approved);
        var remove = new List<XmlNode>();
        XmlElement? lastConfidentiality = null;
        foreach (var child in copy.ChildNodes.OfType<XmlElement>())
        {
            if (child.NamespaceURI != XdsNames.Rim)
            {
                continue;
            }

            if (child.LocalName == "VersionInfo")
            {
                remove.Add(child);
            }

            foreach (var attribute in new[] { "classifiedObject", "registryObject" })
            {
                var value = child.GetAttribute(attribute);
                if (value.Length > 0 && (value == oldId || value == logicalId))
                {
                    child.SetAttribute(attribute, newId);
                }
            }

            if (child.LocalName == "Classification" && child.GetAttribute("classificationScheme") == XdsNames.EntryConfidentialityCode)
            {
                lastConfidentiality = child;
                if (child.SelectSingleNode("*[local-name()='Slot'][@name='codingScheme']/*/*") is { InnerText: XdsNames.VisibilitySystem })
                {
                    remove.Add(child);
                }
            }

            // Registry-assigned ids of nested objects must not be reused for the new version.
            if (child.LocalName is "Classification" or "ExternalIdentifier")
            {
                child.SetAttribute("id", RimWriter.NewUuid());
            }
        }

        foreach (var node in remove)
        {
            copy.RemoveChild(node);
        }

        if (lastConfidentiality is null || remove.Contains(lastConfidentiality))
        {
            lastConfidentiality = copy.ChildNodes.OfType<XmlElement>().LastOrDefault(c => c.LocalName == "Classification"
                && c.GetAttribute("classificationScheme") == XdsNames.EntryConfidentialityCode);
        }

        XmlNode? anchor = lastConfidentiality;
        foreach (var code in VisibilityCodes(visibility))
        {
            var added = NewClassification(copy.OwnerDocument, newId, code);
            anchor = anchor is null ? copy.AppendChild(added) : copy.InsertAfter(added, anchor);
        }

        return copy;
    }

    public static IEnumerable<CdaCode> VisibilityCodes(DmpVisibility visibility)
    {
        if (visibility.HasFlag(DmpVisibility.HiddenFromProfessionals))
        {
            yield return new CdaCode("MASQUE_PS", XdsNames.VisibilitySystem, "Masqué aux professionnels de santé");
        }

        if (visibility.HasFlag(DmpVisibility.InvisibleToPatient))
        {
            yield return new CdaCode("INVISIBLE_PATIENT", XdsNames.VisibilitySystem, "Non visible par le patient");
        }

        if (visibility.HasFlag(DmpVisibility.InvisibleToLegalRepresentatives))
        {
            yield return new CdaCode("INVISIBLE_REPRESENTANTS_LEGAUX", XdsNames.VisibilitySystem, "Non visible par les représentants légaux du patient");
        }
    }

    private static XmlElement NewClassification(XmlDocument document, string classifiedObject, CdaCode code)
    {
        var element = document.CreateElement("rim", "Classification", XdsNames.Rim);
        element.SetAttribute("id", RimWriter.NewUuid());
        element.SetAttribute("objectType", XdsNames.ClassificationObjectType);
        element.SetAttribute("classificationScheme", XdsNames.EntryConfidentialityCode);
        element.SetAttribute("classifiedObject", classifiedObject);
        element.SetAttribute("nodeRepresentation", code.Code);
        var slot = element.AppendChild(document.CreateElement("rim", "Slot", XdsNames.Rim))!;
        ((XmlElement)slot).SetAttribute("name", "codingScheme");
        var list = slot.AppendChild(document.CreateElement("rim", "ValueList", XdsNames.Rim))!;
        list.AppendChild(document.CreateElement("rim", "Value", XdsNames.Rim))!.InnerText = code.CodeSystem;
        var name = element.AppendChild(document.CreateElement("rim", "Name", XdsNames.Rim))!;
        var text = (XmlElement)name.AppendChild(document.CreateElement("rim", "LocalizedString", XdsNames.Rim))!;
        text.SetAttribute("value", code.DisplayName ?? code.Code);
        return element;
    }

    private static void StartRequest(XmlWriter writer)
    {
        writer.WriteStartElement("lcm", "SubmitObjectsRequest", XdsNames.Lcm);
        writer.WriteAttributeString("xmlns", "rim", null, XdsNames.Rim);
        writer.WriteStartElement("rim", "RegistryObjectList", XdsNames.Rim);
    }

    private static void EndRequest(XmlWriter writer)
    {
        writer.WriteEndElement();
        writer.WriteEndElement();
    }
}
