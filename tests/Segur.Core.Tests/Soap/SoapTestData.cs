using System.Text;
using System.Xml;
using Segur.Soap;

namespace Segur.Core.Tests.Soap;

internal static class SoapTestData
{
    public const string CtxLps = "urn:siram:lps:ctxlps";
    public const string CtxBam = "urn:siram:bam:ctxbam";
    public const string RecSans = "http://www.cnamts.fr/INSiRecSans";
    public const string InsiTraitsAction = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite";
    public static readonly Uri Endpoint = new("https://insi.test.invalid/lps");

    /// <summary>The public reference folder beside the repository (../shared/reference); fails loudly when absent.</summary>
    public static string Reference(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegurSdk.sln")))
        {
            dir = dir.Parent;
        }

        Assert.True(dir is not null, "Repository root (SegurSdk.sln) not found above " + AppContext.BaseDirectory);
        var path = Path.Combine([Path.GetFullPath(Path.Combine(dir!.FullName, "..", "shared", "reference")), .. parts]);
        Assert.True(File.Exists(path) || Directory.Exists(path), "Shared reference data missing: " + path);
        return path;
    }

    /// <summary>An INSi traits search shaped like the real one (ContexteLPS, ContexteBAM, RECSANSVITALE).</summary>
    public static SoapRequest InsiTraitsRequest(string messageId = "uuid:6f1c0f51-6b8e-4a86-9d41-6f1e4b3a0c11")
    {
        var request = new SoapRequest(Endpoint, InsiTraitsAction, body =>
        {
            body.WriteStartElement("RECSANSVITALE", RecSans);
            body.WriteElementString("NomNaissance", RecSans, "ADRTROIS");
            body.WriteElementString("Prenom", RecSans, "DOMINIQUE");
            body.WriteElementString("Sexe", RecSans, "F");
            body.WriteElementString("DateNaissance", RecSans, "1997-02-26");
            body.WriteEndElement();
        })
        {
            MessageId = messageId,
        };
        request.Headers.Add(SoapHeaderBlock.Create("ctxlps", "ContexteLPS", CtxLps, w =>
        {
            w.WriteAttributeString("Nature", "CTXLPS");
            w.WriteAttributeString("Version", "01_00");
            w.WriteElementString("Id", CtxLps, "0b8a1f3e-2c1d-4c55-9a11-3e5b0f6f7a10");
            w.WriteElementString("Temps", CtxLps, "2026-01-05T08:00:00.000Z");
            w.WriteElementString("Emetteur", CtxLps, "899900063480");
            w.WriteStartElement("LPS", CtxLps);
            w.WriteStartElement("IDAM", CtxLps);
            w.WriteAttributeString("R", "4");
            w.WriteString("TESTSGIE0000");
            w.WriteEndElement();
            w.WriteElementString("Version", CtxLps, "1.0");
            w.WriteElementString("Instance", CtxLps, "5e1e3c2a-1111-4a4a-8b8b-222233334444");
            w.WriteElementString("Nom", CtxLps, "urn:lps:segur:1.0");
            w.WriteEndElement();
        }));
        var bam = new XmlDocument();
        bam.LoadXml($"<ctxbam:ContexteBAM xmlns:ctxbam=\"{CtxBam}\" Version=\"01_02\"><ctxbam:Id>2f0e5d7c-3333-4b4b-9c9c-555566667777</ctxbam:Id><ctxbam:Temps>2026-01-05T08:00:00.000Z</ctxbam:Temps><ctxbam:Emetteur>899900063480</ctxbam:Emetteur><ctxbam:COUVERTURE/></ctxbam:ContexteBAM>");
        request.Headers.Add(SoapHeaderBlock.FromElement(bam.DocumentElement!));
        return request;
    }

    public static string Fault12(string code, string? subcodes = null, string? detail = null, string reasons = "<env:Text xml:lang=\"fr\">Erreur</env:Text>", string? role = null)
    {
        var sub = string.Empty;
        if (subcodes is not null)
        {
            var parts = subcodes.Split(' ');
            sub = string.Concat(parts.Select(p => $"<env:Subcode><env:Value>{p}</env:Value>")) + string.Concat(parts.Select(_ => "</env:Subcode>"));
        }

        return "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:siram=\"urn:siram\"><env:Body><env:Fault>"
               + $"<env:Code><env:Value>{code}</env:Value>{sub}</env:Code><env:Reason>{reasons}</env:Reason>"
               + (role is null ? string.Empty : $"<env:Role>{role}</env:Role>")
               + (detail is null ? string.Empty : $"<env:Detail>{detail}</env:Detail>")
               + "</env:Fault></env:Body></env:Envelope>";
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
