using System.Globalization;
using System.Xml;
using Segur.Soap;

namespace Segur.Ins.Insi;

/// <summary>Writes the INSi request parts: ContexteLPS, ContexteBAM, wsse:Security and the bodies.</summary>
internal static class InsiRequestWriter
{
    public const string TraitsAction = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite";
    public const string VitaleAction = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale";
    public const string RecSansNamespace = "http://www.cnamts.fr/INSiRecSans";
    public const string RecVitNamespace = "http://www.cnamts.fr/INSiRecVit";
    public const string CtxLpsNamespace = "urn:siram:lps:ctxlps";
    public const string CtxBamNamespace = "urn:siram:bam:ctxbam";
    public const string WsseNamespace = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string NewId() => Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);

    public static SoapHeaderBlock ContexteLps(InsiClientOptions options, string? emetteur, DateTimeOffset now) =>
        SoapHeaderBlock.Create("ctxlps", "ContexteLPS", CtxLpsNamespace, w =>
        {
            w.WriteAttributeString("Nature", "CTXLPS");
            w.WriteAttributeString("Version", "01_00");
            w.WriteElementString("ctxlps", "Id", CtxLpsNamespace, NewId());
            w.WriteElementString("ctxlps", "Temps", CtxLpsNamespace, FormatTime(now));
            if (!string.IsNullOrWhiteSpace(emetteur))
            {
                w.WriteElementString("ctxlps", "Emetteur", CtxLpsNamespace, emetteur);
            }

            w.WriteStartElement("ctxlps", "LPS", CtxLpsNamespace);
            w.WriteStartElement("ctxlps", "IDAM", CtxLpsNamespace);
            w.WriteAttributeString("R", "4");
            w.WriteString(options.Idam);
            w.WriteEndElement();
            w.WriteElementString("ctxlps", "Version", CtxLpsNamespace, options.LpsVersion);
            w.WriteElementString("ctxlps", "Instance", CtxLpsNamespace, options.InstanceId.ToString("D", CultureInfo.InvariantCulture));
            w.WriteElementString("ctxlps", "Nom", CtxLpsNamespace, options.LpsName);
            w.WriteEndElement();
        });

    public static SoapHeaderBlock ContexteBam(string? emetteur, DateTimeOffset now, InsiVitaleQuery? vitale) =>
        SoapHeaderBlock.Create("ctxbam", "ContexteBAM", CtxBamNamespace, w =>
        {
            w.WriteAttributeString("Nature", "CTXBAM");
            w.WriteAttributeString("Version", "01_02");
            w.WriteElementString("ctxbam", "Id", CtxBamNamespace, NewId());
            w.WriteElementString("ctxbam", "Temps", CtxBamNamespace, FormatTime(now));
            if (!string.IsNullOrWhiteSpace(emetteur))
            {
                w.WriteElementString("ctxbam", "Emetteur", CtxBamNamespace, emetteur);
            }

            w.WriteStartElement("ctxbam", "COUVERTURE", CtxBamNamespace);
            if (vitale is not null)
            {
                w.WriteStartElement("ctxbam", "ASSURE", CtxBamNamespace);
                w.WriteStartElement("ctxbam", "Id", CtxBamNamespace);
                w.WriteElementString("ctxbam", "Num", CtxBamNamespace, vitale.InsuredNir.Number);
                w.WriteElementString("ctxbam", "Cle", CtxBamNamespace, vitale.InsuredNir.Key);
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteStartElement("ctxbam", "BENEFICIAIRE", CtxBamNamespace);
                if (vitale.BeneficiaryNir is { } nir)
                {
                    w.WriteStartElement("ctxbam", "Nir", CtxBamNamespace);
                    w.WriteElementString("ctxbam", "Num", CtxBamNamespace, nir.Number);
                    w.WriteElementString("ctxbam", "Cle", CtxBamNamespace, nir.Key);
                    w.WriteEndElement();
                }

                w.WriteElementString("ctxbam", "DateNai", CtxBamNamespace, vitale.BeneficiaryBirthDate.ToIsoString());
                w.WriteElementString("ctxbam", "Rang", CtxBamNamespace, vitale.Rank.ToString(CultureInfo.InvariantCulture));
                w.WriteEndElement();
            }

            w.WriteEndElement();
        });

    public static SoapHeaderBlock Security(IReadOnlyList<XmlElement> assertions)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        var security = document.CreateElement("wsse", "Security", WsseNamespace);
        document.AppendChild(security);
        foreach (var assertion in assertions)
        {
            security.AppendChild(document.ImportNode(assertion, deep: true));
        }

        return SoapHeaderBlock.FromElement(security);
    }

    public static void WriteTraitsBody(XmlWriter w, InsiTraitsQuery query)
    {
        w.WriteStartElement("insi", "RECSANSVITALE", RecSansNamespace);
        w.WriteElementString("insi", "NomNaissance", RecSansNamespace, query.BirthName);
        w.WriteElementString("insi", "Prenom", RecSansNamespace, query.FirstNames);
        w.WriteElementString("insi", "Sexe", RecSansNamespace, query.Sex.ToCode());
        w.WriteElementString("insi", "DateNaissance", RecSansNamespace, query.BirthDate.ToIsoString());
        if (query.BirthPlace is not null)
        {
            w.WriteElementString("insi", "LieuNaissance", RecSansNamespace, query.BirthPlace);
        }

        w.WriteEndElement();
    }

    public static void WriteVitaleBody(XmlWriter w, InsiVitaleQuery query)
    {
        w.WriteStartElement("insi", "RECVITALE", RecVitNamespace);
        if (query.BeneficiaryNir is { } beneficiary)
        {
            WriteMatricule(w, "MatriculeIndividu", beneficiary);
        }

        WriteMatricule(w, "MatriculeOD", query.InsuredNir);
        if (!string.IsNullOrWhiteSpace(query.BirthName))
        {
            w.WriteElementString("insi", "NomNaissance", RecVitNamespace, query.BirthName);
        }

        w.WriteElementString("insi", "DateNaissance", RecVitNamespace, query.BeneficiaryBirthDate.ToIsoString());
        w.WriteElementString("insi", "RangNaissance", RecVitNamespace, query.Rank.ToString(CultureInfo.InvariantCulture));
        w.WriteEndElement();
    }

    public static void WriteVerificationBody(XmlWriter w, InsiOperationContract contract, InsIdentifier ins, InsTraits traits)
    {
        var ns = contract.BodyNamespace;
        w.WriteStartElement("insi", contract.BodyElementName, ns);
        w.WriteStartElement("insi", "INSFourni", ns);
        w.WriteStartElement("insi", "IdIndividu", ns);
        w.WriteElementString("insi", "NumIdentifiant", ns, ins.Matricule.Number);
        w.WriteElementString("insi", "Cle", ns, ins.Matricule.Key);
        w.WriteEndElement();
        w.WriteElementString("insi", "OID", ns, ins.Oid.Value);
        w.WriteEndElement();
        w.WriteStartElement("insi", "TraitsIdentiteIndividu", ns);
        w.WriteElementString("insi", "NomNaissance", ns, traits.BirthName);
        w.WriteElementString("insi", "Prenom", ns, traits.FirstName);
        w.WriteElementString("insi", "ListePrenom", ns, traits.GivenNameList);
        w.WriteElementString("insi", "Sexe", ns, traits.Sex.ToCode());
        w.WriteElementString("insi", "DateNaissance", ns, traits.BirthDate.ToIsoString());
        if (traits.BirthPlace is not null)
        {
            w.WriteElementString("insi", "LieuNaissance", ns, traits.BirthPlace);
        }

        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteMatricule(XmlWriter w, string name, InsMatricule matricule)
    {
        w.WriteStartElement("insi", name, RecVitNamespace);
        w.WriteElementString("insi", "NumIdentifiant", RecVitNamespace, matricule.Number);
        w.WriteElementString("insi", "Cle", RecVitNamespace, matricule.Key);
        w.WriteEndElement();
    }
}
