using System.Globalization;
using System.Xml;

namespace Segur.Dmp.Cda;

/// <content>The vaccination note body (N3).</content>
public sealed partial class CdaDocumentBuilder
{
    private static void WriteVaccinationBody(XmlWriter w, CdaHeader h, CdaVaccinationNote note, CdaVaccinationNoteTemplates t)
    {
        w.WriteStartElement("component", V3);
        w.WriteStartElement("structuredBody", V3);
        w.WriteStartElement("component", V3);
        w.WriteStartElement("section", V3);
        foreach (var template in t.Section)
        {
            Id(w, "templateId", template);
        }

        Empty(w, "id", ("root", CdaRules.NewUuidOid()));
        Code(w, "code", t.SectionCode, "LOINC");
        w.WriteElementString("title", V3, note.SectionTitle);
        WriteVaccinationTable(w, h, note);
        for (var i = 0; i < note.Vaccinations.Count; i++)
        {
            WriteVaccinationEntry(w, h, note.Vaccinations[i], i + 1, t);
        }

        w.WriteEndElement(); // section
        w.WriteEndElement(); // component
        w.WriteEndElement(); // structuredBody
        w.WriteEndElement(); // component
    }

    private static void WriteVaccinationTable(XmlWriter w, CdaHeader h, CdaVaccinationNote note)
    {
        w.WriteStartElement("text", V3);
        w.WriteStartElement("table", V3);
        w.WriteAttributeString("border", "1");
        w.WriteStartElement("thead", V3);
        w.WriteStartElement("tr", V3);
        foreach (var heading in new[] { "Date", "Vaccin", "Lot n°", "Rang", "Voie d'administration", "Région d'administration", "Commentaire", "Vaccinateur" })
        {
            w.WriteElementString("th", V3, heading);
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("tbody", V3);
        for (var i = 0; i < note.Vaccinations.Count; i++)
        {
            var v = note.Vaccinations[i];
            var n = i + 1;
            var performer = v.Performer ?? h.Author;
            w.WriteStartElement("tr", V3);
            w.WriteElementString("td", V3, v.Date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture));
            Cell(w, $"vac-{n}", v.Vaccine.DisplayName ?? v.VaccineName ?? v.Vaccine.Code);
            w.WriteElementString("td", V3, v.LotNumber);
            w.WriteElementString("td", V3, v.DoseNumber is { } dose ? Format(dose) : string.Empty);
            w.WriteElementString("td", V3, v.Route?.DisplayName ?? v.Route?.Code ?? string.Empty);
            if (v.ApproachSite is not null)
            {
                Cell(w, $"vac-{n}-site", v.ApproachSite.DisplayName ?? v.ApproachSite.Code);
            }
            else
            {
                w.WriteElementString("td", V3, string.Empty);
            }

            if (v.Comment is not null)
            {
                Cell(w, $"vac-{n}-comment", v.Comment);
            }
            else
            {
                w.WriteElementString("td", V3, string.Empty);
            }

            w.WriteElementString("td", V3, string.Join(' ', new[] { performer.Prefix, performer.GivenName, performer.FamilyName }.Where(s => s is not null)));
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        static void Cell(XmlWriter w, string id, string text)
        {
            w.WriteStartElement("td", V3);
            w.WriteStartElement("content", V3);
            w.WriteAttributeString("ID", id);
            w.WriteString(text);
            w.WriteEndElement();
            w.WriteEndElement();
        }
    }

    private static void WriteVaccinationEntry(XmlWriter w, CdaHeader h, CdaVaccination v, int n, CdaVaccinationNoteTemplates t)
    {
        var performer = v.Performer ?? h.Author;
        w.WriteStartElement("entry", V3);
        w.WriteStartElement("substanceAdministration", V3);
        w.WriteAttributeString("classCode", "SBADM");
        w.WriteAttributeString("moodCode", "EVN");
        w.WriteAttributeString("negationInd", "false");
        foreach (var template in t.Entry)
        {
            Id(w, "templateId", template);
        }

        Empty(w, "id", ("root", CdaRules.NewUuidOid()));
        Code(w, "code", v.ActCode, null);
        Reference(w, "text", $"#vac-{n}");
        Empty(w, "statusCode", ("code", "completed"));
        Empty(w, "effectiveTime", ("value", CdaRules.FormatDate(v.Date)));
        if (v.Route is not null)
        {
            Code(w, "routeCode", v.Route, null);
        }

        if (v.ApproachSite is not null)
        {
            w.WriteStartElement("approachSiteCode", V3);
            w.WriteAttributeString("code", v.ApproachSite.Code);
            if (v.ApproachSite.DisplayName is not null)
            {
                w.WriteAttributeString("displayName", v.ApproachSite.DisplayName);
            }

            w.WriteAttributeString("codeSystem", v.ApproachSite.CodeSystem);
            Reference(w, "originalText", $"#vac-{n}-site");
            w.WriteEndElement();
        }

        w.WriteStartElement("consumable", V3);
        w.WriteAttributeString("typeCode", "CSM");
        w.WriteStartElement("manufacturedProduct", V3);
        foreach (var template in t.Product)
        {
            Id(w, "templateId", template);
        }

        w.WriteStartElement("manufacturedMaterial", V3);
        w.WriteStartElement("code", V3);
        w.WriteAttributeString("code", v.Vaccine.Code);
        if (v.Vaccine.DisplayName is not null)
        {
            w.WriteAttributeString("displayName", v.Vaccine.DisplayName);
        }

        w.WriteAttributeString("codeSystem", v.Vaccine.CodeSystem);
        Reference(w, "originalText", $"#vac-{n}");
        foreach (var translation in v.VaccineTranslations ?? [])
        {
            Code(w, "translation", translation, null);
        }

        w.WriteEndElement(); // code
        if (v.VaccineName is not null)
        {
            w.WriteElementString("name", V3, v.VaccineName);
        }

        w.WriteElementString("lotNumberText", V3, v.LotNumber);
        w.WriteEndElement(); // manufacturedMaterial
        w.WriteEndElement(); // manufacturedProduct
        w.WriteEndElement(); // consumable

        w.WriteStartElement("performer", V3);
        w.WriteAttributeString("typeCode", "PRF");
        w.WriteStartElement("assignedEntity", V3);
        WritePersonBody(w, performer, withOrganization: true, practiceSetting: h.PracticeSetting);
        w.WriteEndElement();
        w.WriteEndElement();

        if (v.DoseNumber is { } dose)
        {
            w.WriteStartElement("entryRelationship", V3);
            w.WriteAttributeString("typeCode", "SUBJ");
            w.WriteStartElement("observation", V3);
            w.WriteAttributeString("classCode", "OBS");
            w.WriteAttributeString("moodCode", "EVN");
            foreach (var template in t.DoseNumber)
            {
                Id(w, "templateId", template);
            }

            Code(w, "code", CdaCode.FromLoinc("30973-2", "Rang de la vaccination"), "LOINC");
            Empty(w, "statusCode", ("code", "completed"));
            w.WriteStartElement("value", V3);
            w.WriteAttributeString("type", CdaRules.XsiNamespace, "INT");
            w.WriteAttributeString("value", Format(dose));
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }

        if (v.Comment is not null)
        {
            w.WriteStartElement("entryRelationship", V3);
            w.WriteAttributeString("typeCode", "SUBJ");
            w.WriteStartElement("act", V3);
            w.WriteAttributeString("classCode", "ACT");
            w.WriteAttributeString("moodCode", "EVN");
            foreach (var template in t.Comment)
            {
                Id(w, "templateId", template);
            }

            Code(w, "code", CdaCode.FromLoinc("48767-8", "Commentaire"), "LOINC");
            Reference(w, "text", $"#vac-{n}-comment");
            Empty(w, "statusCode", ("code", "completed"));
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement(); // substanceAdministration
        w.WriteEndElement(); // entry
    }

    private static void Reference(XmlWriter w, string name, string target)
    {
        w.WriteStartElement(name, V3);
        Empty(w, "reference", ("value", target));
        w.WriteEndElement();
    }
}
