using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Cda;
using Segur.Dmp.Xds;
using Xunit;

namespace Segur.Dmp.Tests.Xds;

public sealed class XdsSubmissionTests
{
    private const string ReplacedUuid = "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e";

    private static async Task<(XdsSubmissionPlan Plan, XmlDocument Xml, XmlNamespaceManager Ns, byte[] Signature)> WriteAsync(
        DmpSubmission submission, DmpUserContext? user = null)
    {
        var plan = await XdsSubmissionBuilder.PlanAsync(submission, user ?? XdsTestData.User(), XdsTestData.Settings(), XdsTestData.Now, default);
        var signature = Encoding.UTF8.GetBytes("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>");
        plan.Signature = new XdsPlannedSignature(RimWriter.NewUuid(), CdaRules.NewUuidOid(), signature);
        var xml = XdsTestData.Write(w => XdsSubmissionWriter.WriteProvideAndRegister(w, plan));
        return (plan, xml, XdsTestData.Ns(xml), signature);
    }

    private static DmpSubmission Submission(params DmpDocument[] documents) => new() { Patient = XdsTestData.Patient(), Documents = documents };

    private static DmpDocument Document(byte[]? cda = null, DmpVisibility visibility = DmpVisibility.None, string? replaces = null) =>
        new() { Cda = cda ?? XdsTestData.Cda(), ClassCode = XdsTestData.Report, Visibility = visibility, ReplacesEntryUuid = replaces };

    private static string Slot(XmlNode owner, XmlNamespaceManager ns, string name) =>
        owner.SelectSingleNode($"rim:Slot[@name='{name}']/rim:ValueList/rim:Value", ns)!.InnerText;

    private static string[] Codes(XmlNode owner, XmlNamespaceManager ns, string scheme) =>
        owner.SelectNodes($"rim:Classification[@classificationScheme='{scheme}']/@nodeRepresentation", ns)!.Cast<XmlNode>().Select(n => n.Value!).ToArray();

    [Fact]
    public async Task WriteProvideAndRegister_OneDocument_WritesSubmissionSetPerIhe()
    {
        var (plan, xml, ns, _) = await WriteAsync(Submission(Document()) with { Title = "Envoi", ContentTypeCode = new CdaCode("07", "1.2.250.1.213.2.2") });

        var set = xml.SelectSingleNode("//xdsb:ProvideAndRegisterDocumentSetRequest/lcm:SubmitObjectsRequest/rim:RegistryObjectList/rim:RegistryPackage", ns)!;
        var setId = set.Attributes!["id"]!.Value;
        Assert.Equal(plan.Set.EntryUuid, setId);
        Assert.Equal("20260105084512", Slot(set, ns, "submissionTime")); // 09:45:12+01:00 in UTC
        Assert.Equal("Envoi", set.SelectSingleNode("rim:Name/rim:LocalizedString/@value", ns)!.Value);
        Assert.Equal(["07"], Codes(set, ns, "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500"));
        Assert.Matches(@"^2\.25\.\d+$", set.SelectSingleNode("rim:ExternalIdentifier[@identificationScheme='urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8']/@value", ns)!.Value);
        Assert.Equal("1.2.250.1.999.1.1.7898", set.SelectSingleNode("rim:ExternalIdentifier[@identificationScheme='urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832']/@value", ns)!.Value);
        Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH",
            set.SelectSingleNode("rim:ExternalIdentifier[@identificationScheme='urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446']/@value", ns)!.Value);
        var author = set.SelectSingleNode("rim:Classification[@classificationScheme='urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d']", ns)!;
        Assert.Equal("899900063480^OFFICINE^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS", Slot(author, ns, "authorPerson"));
        Assert.NotNull(xml.SelectSingleNode($"//rim:Classification[@classificationNode='urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd'][@classifiedObject='{setId}']", ns));
    }

    [Fact]
    public async Task WriteProvideAndRegister_OneDocument_WritesEntryWithHashSizeAndCodesOfExactBytes()
    {
        var cda = XdsTestData.Cda();
        var (plan, xml, ns, _) = await WriteAsync(Submission(Document(cda, DmpVisibility.HiddenFromProfessionals)));

        var docId = plan.Documents[0].EntryUuid;
        var entry = xml.SelectSingleNode($"//rim:ExtrinsicObject[@id='{docId}']", ns)!;
        Assert.Equal("urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1", entry.Attributes!["objectType"]!.Value);
        Assert.Equal("text/xml", entry.Attributes["mimeType"]!.Value);
#pragma warning disable CA5350 // XDS.b hash is SHA-1 by specification
        Assert.Equal(Convert.ToHexString(SHA1.HashData(cda)).ToLowerInvariant(), Slot(entry, ns, "hash"));
#pragma warning restore CA5350
        Assert.Equal(cda.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Slot(entry, ns, "size"));
        Assert.Equal("20260105083000", Slot(entry, ns, "creationTime"));
        Assert.Equal("fr-FR", Slot(entry, ns, "languageCode"));
        Assert.Equal(3, entry.SelectNodes("rim:Slot[@name='sourcePatientInfo']/rim:ValueList/rim:Value", ns)!.Count);
        Assert.Equal(["10"], Codes(entry, ns, "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"));
        Assert.Equal(["N", "MASQUE_PS"], Codes(entry, ns, "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"));
        Assert.Equal(["urn:ihe:iti:xds-sd:pdf:2008"], Codes(entry, ns, "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d"));
        Assert.Equal(["SA33"], Codes(entry, ns, "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1"));
        Assert.Equal(["AMBULATOIRE"], Codes(entry, ns, "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead"));
        Assert.Equal(["11488-4"], Codes(entry, ns, "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"));
        Assert.Equal("2.16.840.1.113883.6.1", entry.SelectSingleNode(
            "rim:Classification[@classificationScheme='urn:uuid:f0306f51-975f-434e-a61c-c59651d33983']/rim:Slot[@name='codingScheme']/rim:ValueList/rim:Value", ns)!.InnerText);
        Assert.Equal(plan.Documents[0].Entry.UniqueId,
            entry.SelectSingleNode("rim:ExternalIdentifier[@identificationScheme='urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab']/@value", ns)!.Value);
        Assert.All(entry.SelectNodes("rim:Classification/@classifiedObject | rim:ExternalIdentifier/@registryObject", ns)!.Cast<XmlNode>(), n => Assert.Equal(docId, n.Value));

        var member = xml.SelectSingleNode($"//rim:Association[@associationType='urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember'][@targetObject='{docId}']", ns)!;
        Assert.Equal(plan.Set.EntryUuid, member.Attributes!["sourceObject"]!.Value);
        Assert.Equal("Original", Slot(member, ns, "SubmissionSetStatus"));
        Assert.Null(xml.SelectSingleNode("//rim:Association[@associationType='urn:ihe:iti:2007:AssociationType:RPLC']", ns));
    }

    [Fact]
    public async Task WriteProvideAndRegister_Always_WritesSignature01WithHasMemberAndSigns()
    {
        var (plan, xml, ns, signature) = await WriteAsync(Submission(Document()));

        var id = plan.Signature!.EntryUuid;
        var entry = xml.SelectSingleNode($"//rim:ExtrinsicObject[@id='{id}']", ns)!;
        Assert.Equal(["urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1"], Codes(entry, ns, "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"));
        Assert.Equal(["E1762"], Codes(entry, ns, "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"));
        Assert.Equal(["http://www.w3.org/2000/09/xmldsig#"], Codes(entry, ns, "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d"));
        Assert.Equal(["1.2.840.10065.1.12.1.14"], Codes(entry, ns, "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4"));
        Assert.Equal(["N", "MASQUE_PS", "INVISIBLE_PATIENT"], Codes(entry, ns, "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"));
        Assert.Equal("art", Slot(entry, ns, "languageCode"));
        Assert.Equal(signature.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Slot(entry, ns, "size"));
        Assert.Equal(plan.Set.PatientId,
            entry.SelectSingleNode("rim:ExternalIdentifier[@identificationScheme='urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427']/@value", ns)!.Value);
        Assert.NotNull(xml.SelectSingleNode(
            $"//rim:Association[@associationType='urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember'][@sourceObject='{plan.Set.EntryUuid}'][@targetObject='{id}']", ns));
        Assert.NotNull(xml.SelectSingleNode(
            $"//rim:Association[@associationType='urn:ihe:iti:2007:AssociationType:signs'][@sourceObject='{id}'][@targetObject='{plan.Set.EntryUuid}']", ns));
    }

    [Fact]
    public async Task WriteProvideAndRegister_TwoDocuments_OneXopPartPerDocumentAndSignature()
    {
        var other = XdsTestData.Cda(title: "Second");
        var (plan, xml, ns, signature) = await WriteAsync(Submission(Document(), Document(other)));

        var documents = xml.SelectNodes("//xdsb:ProvideAndRegisterDocumentSetRequest/xdsb:Document", ns)!.Cast<XmlElement>().ToList();
        Assert.Equal(3, documents.Count);
        var attachments = XdsSubmissionWriter.Attachments(plan);
        Assert.Equal(3, attachments.Count);
        for (var i = 0; i < 3; i++)
        {
            var href = documents[i].SelectSingleNode("xop:Include/@href", ns)!.Value;
            Assert.Equal("cid:" + attachments[i].ContentId, href);
            Assert.NotNull(xml.SelectSingleNode($"//rim:ExtrinsicObject[@id='{documents[i].GetAttribute("id")}']", ns));
        }

        using var copy = new MemoryStream();
        await attachments[1].OpenRead().CopyToAsync(copy);
        Assert.Equal(other, copy.ToArray());
        Assert.Equal("text/xml", attachments[2].ContentType);
        using var signatureCopy = new MemoryStream();
        await attachments[2].OpenRead().CopyToAsync(signatureCopy);
        Assert.Equal(signature, signatureCopy.ToArray());
        foreach (var attachment in attachments)
        {
            attachment.Dispose();
        }
    }

    [Fact]
    public async Task WriteProvideAndRegister_Replacement_WritesRplcToReplacedEntry()
    {
        var (plan, xml, ns, _) = await WriteAsync(Submission(Document(replaces: ReplacedUuid)));

        var rplc = xml.SelectSingleNode("//rim:Association[@associationType='urn:ihe:iti:2007:AssociationType:RPLC']", ns)!;
        Assert.Equal(plan.Documents[0].EntryUuid, rplc.Attributes!["sourceObject"]!.Value);
        Assert.Equal(ReplacedUuid, rplc.Attributes["targetObject"]!.Value);
    }

    [Fact]
    public async Task PlanAsync_SecretConnection_AddsInvisibleToLegalRepresentatives()
    {
        var (plan, xml, ns, _) = await WriteAsync(Submission(Document()), XdsTestData.User(secret: true));

        var entry = xml.SelectSingleNode($"//rim:ExtrinsicObject[@id='{plan.Documents[0].EntryUuid}']", ns)!;
        Assert.Equal(["N", "INVISIBLE_REPRESENTANTS_LEGAUX"], Codes(entry, ns, "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"));
    }

    [Fact]
    public async Task PlanAsync_NoDocuments_ThrowsEmpty()
    {
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() =>
            XdsSubmissionBuilder.PlanAsync(Submission(), XdsTestData.User(), XdsTestData.Settings(), XdsTestData.Now, default));
        Assert.Equal(DmpErrorCodes.XdsSubmissionEmpty, ex.ErrorCode);
    }

    [Fact]
    public async Task PlanAsync_DocumentOfAnotherPatient_ThrowsPatientMismatch()
    {
        var otherPatient = CdaTestData.Patient with { Ins = "277076322082910" };
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => XdsSubmissionBuilder.PlanAsync(
            Submission(Document(), Document(XdsTestData.Cda(otherPatient))), XdsTestData.User(), XdsTestData.Settings(), XdsTestData.Now, default));
        Assert.Equal(DmpErrorCodes.XdsPatientMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task PlanAsync_SameDocumentTwice_ThrowsDuplicate()
    {
        var cda = XdsTestData.Cda();
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => XdsSubmissionBuilder.PlanAsync(
            Submission(Document(cda), Document(cda)), XdsTestData.User(), XdsTestData.Settings(), XdsTestData.Now, default));
        Assert.Equal(DmpErrorCodes.XdsDuplicateUniqueId, ex.ErrorCode);
    }

    [Fact]
    public async Task PlanAsync_RootExtensionDocumentId_ThrowsMetadataUnavailable()
    {
        var cda = XdsTestData.Cda();
        var text = Encoding.UTF8.GetString(cda);
        var read = await new CdaReader().ReadAsync(new MemoryStream(cda));
        var marker = $"root=\"{read.Id.Root}\"";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at > 0);
        var withExtension = Encoding.UTF8.GetBytes(text[..at] + marker + " extension=\"42\"" + text[(at + marker.Length)..]);

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => XdsSubmissionBuilder.PlanAsync(
            Submission(Document(withExtension)), XdsTestData.User(), XdsTestData.Settings(), XdsTestData.Now, default));
        Assert.Equal(DmpErrorCodes.XdsMetadataUnavailable, ex.ErrorCode);
    }

    [Fact]
    public async Task PlanAsync_HiddenAndInvisibleTogether_RefusedUnlessAllowed()
    {
        var both = DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient;
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => XdsSubmissionBuilder.PlanAsync(
            Submission(Document(visibility: both)), XdsTestData.User(), XdsTestData.Settings(), XdsTestData.Now, default));
        Assert.Equal(DmpErrorCodes.XdsVisibilityConflict, ex.ErrorCode);

        var plan = await XdsSubmissionBuilder.PlanAsync(Submission(Document(visibility: both)), XdsTestData.User(), XdsTestData.Settings(allowBoth: true), XdsTestData.Now, default);
        Assert.Equal(3, plan.Documents[0].Entry.ConfidentialityCodes.Count);
    }

    [Fact]
    public async Task PlanAsync_ReplacedEntryNotUuid_ThrowsReplacedEntryInvalid()
    {
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => XdsSubmissionBuilder.PlanAsync(
            Submission(Document(replaces: "1.2.3.4")), XdsTestData.User(), XdsTestData.Settings(), XdsTestData.Now, default));
        Assert.Equal(DmpErrorCodes.XdsReplacedEntryInvalid, ex.ErrorCode);
    }
}
