using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Xds;
using Xunit;

namespace Segur.Dmp.Tests.Xds;

public sealed class DmpClientXdsTests
{
    private static XmlNamespaceManager Ns(XdsWireRequest request) => XdsTestData.Ns(request.Envelope.Document);

    private static XmlNode Body(XdsWireRequest request) => request.Envelope.BodyContent!;

    private static DmpDocument Document(byte[] cda) => new() { Cda = cda, ClassCode = XdsTestData.Report };

    private static XdsWireReply QueryReply(params string[] entries) => new(XdsResponses.Query(objects: entries));

    private static DmpDocumentEntry Entry(DmpDocumentStatus status = DmpDocumentStatus.Approved) => new()
    {
        EntryUuid = XdsResponses.EntryUuid,
        LogicalId = XdsResponses.LogicalId,
        Version = 3,
        UniqueId = XdsResponses.UniqueId,
        RepositoryUniqueId = XdsResponses.Repository,
        Status = status,
    };

    [Fact]
    public async Task SubmitAsync_OneDocument_SendsSignedMtomLotAndReturnsIds()
    {
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(XdsResponses.Success));
        var cda = XdsTestData.Cda();

        var result = await fixture.Client.SubmitAsync(new DmpSubmission { Patient = XdsTestData.Patient(), Documents = [Document(cda)] }, XdsTestData.User());

        var request = Assert.Single(fixture.Wire.Requests);
        var ns = Ns(request);
        Assert.Equal("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b", request.Action);
        Assert.Equal("https://dmp.test/si-dmp-server/v2/services/repository", request.Envelope.Addressing.To);
        Assert.Equal(2, request.Parts.Count);
        var documents = Body(request).SelectNodes("xdsb:Document", ns)!.Cast<XmlElement>().ToList();
        var cdaPart = request.Parts[documents[0].SelectSingleNode("xop:Include/@href", ns)!.Value!["cid:".Length..]];
        var signaturePart = request.Parts[documents[1].SelectSingleNode("xop:Include/@href", ns)!.Value!["cid:".Length..]];
        Assert.Equal(cda, cdaPart);

        var setUniqueId = Body(request).SelectSingleNode(
            "//rim:RegistryPackage/rim:ExternalIdentifier[@identificationScheme='urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8']/@value", ns)!.Value!;
        var docUniqueId = Assert.Single(result.Documents).UniqueId;
        var verified = DmpLotSignature.Verify(signaturePart, new Dictionary<string, ReadOnlyMemory<byte>> { [docUniqueId] = cda });
        Assert.Equal(setUniqueId, verified.SubmissionSetUniqueId);
        Assert.Equal([docUniqueId], verified.DocumentUniqueIds);
        Assert.Equal(fixture.Certificate.Thumbprint, verified.SignerCertificate.Thumbprint);
        Assert.Equal(XdsTestData.Now, verified.SigningTime);
        Assert.Equal(setUniqueId, result.SubmissionSetUniqueId);
        Assert.Null(result.Documents[0].EntryUuid); // the DMP assigns entryUUIDs; the request ids are message-local
        Assert.Matches(@"^2\.25\.\d+$", Body(request).SelectSingleNode(
            "//rim:RegistryPackage/rim:ExternalIdentifier[@identificationScheme='urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832']/@value", ns)!.Value!);
    }

    [Fact]
    public async Task SubmitAsync_RegistryFailure_ThrowsRegistryExceptionWithErrors()
    {
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(XdsResponses.Failure("XDSDuplicateUniqueIdInRegistry")));

        var ex = await Assert.ThrowsAsync<DmpRegistryException>(() => fixture.Client.SubmitAsync(
            new DmpSubmission { Patient = XdsTestData.Patient(), Documents = [Document(XdsTestData.Cda())] }, XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.XdsRegistryFailure, ex.ErrorCode);
        Assert.Equal("XDSDuplicateUniqueIdInRegistry", ex.Errors[0].ErrorCode);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task SubmitAsync_RegistryFailure_IsAuditedAsRefusedNotAsSuccess()
    {
        var records = new List<Segur.Audit.AuditRecord>();
        var audit = new Moq.Mock<Segur.Audit.IAuditTrail>();
        audit.Setup(a => a.WriteAsync(Moq.It.IsAny<Segur.Audit.AuditRecord>(), Moq.It.IsAny<CancellationToken>()))
            .Callback<Segur.Audit.AuditRecord, CancellationToken>((r, _) => records.Add(r))
            .Returns(ValueTask.CompletedTask);
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(XdsResponses.Failure("XDSDuplicateUniqueIdInRegistry")), o => o.AuditTrail = audit.Object);

        await Assert.ThrowsAsync<DmpRegistryException>(() => fixture.Client.SubmitAsync(
            new DmpSubmission { Patient = XdsTestData.Patient(), Documents = [Document(XdsTestData.Cda())] }, XdsTestData.User()));

        var record = Assert.Single(records, r => r.Action == "dmp.td21.submit");
        Assert.NotEqual("success", record.Outcome);
        Assert.Equal(DmpErrorCodes.XdsRegistryFailure, record.ErrorCode);
    }

    private const string QueryFailure = """
        <query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure">
          <rs:RegistryErrorList><rs:RegistryError errorCode="DMP_ACCES_REFUSE" codeContext="Accès refusé" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"/></rs:RegistryErrorList>
        </query:AdhocQueryResponse>
        """;

    private const string RetrieveFailure = """
        <xdsb:RetrieveDocumentSetResponse xmlns:xdsb="urn:ihe:iti:xds-b:2007" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0">
          <rs:RegistryResponse status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure">
            <rs:RegistryErrorList><rs:RegistryError errorCode="XDSMissingDocument" codeContext="absent" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"/></rs:RegistryErrorList>
          </rs:RegistryResponse>
        </xdsb:RetrieveDocumentSetResponse>
        """;

    private static (XdsClientFixture Fixture, List<Segur.Audit.AuditRecord> Records) Audited(string reply)
    {
        var records = new List<Segur.Audit.AuditRecord>();
        var audit = new Moq.Mock<Segur.Audit.IAuditTrail>();
        audit.Setup(a => a.WriteAsync(Moq.It.IsAny<Segur.Audit.AuditRecord>(), Moq.It.IsAny<CancellationToken>()))
            .Callback<Segur.Audit.AuditRecord, CancellationToken>((r, _) => records.Add(r))
            .Returns(ValueTask.CompletedTask);
        return (new XdsClientFixture(_ => new XdsWireReply(reply), o => o.AuditTrail = audit.Object), records);
    }

    [Fact]
    public async Task FindDocumentsAsync_RegistryFailure_IsAuditedAsRefusedNotAsSuccess()
    {
        var (fixture, records) = Audited(QueryFailure);
        using var _ = fixture;

        var ex = await Assert.ThrowsAsync<DmpRegistryException>(() => fixture.Client.FindDocumentsAsync(XdsTestData.Patient(), XdsTestData.User()));

        Assert.Equal("DMP_ACCES_REFUSE", ex.Errors[0].ErrorCode);
        var record = Assert.Single(records);
        Assert.Equal("dmp.td31.find", record.Action);
        Assert.Equal("refused", record.Outcome);
        Assert.Equal(DmpErrorCodes.XdsRegistryFailure, record.ErrorCode);
    }

    [Fact]
    public async Task RetrieveDocumentAsync_RegistryFailure_IsAuditedAsRefusedNotAsSuccess()
    {
        var (fixture, records) = Audited(RetrieveFailure);
        using var _ = fixture;

        await Assert.ThrowsAsync<DmpRegistryException>(() => fixture.Client.RetrieveDocumentAsync(XdsTestData.Patient(), Entry(), XdsTestData.User()));

        var record = Assert.Single(records);
        Assert.Equal("dmp.td32.retrieve", record.Action);
        Assert.Equal("refused", record.Outcome);
    }

    [Fact]
    public async Task FindDocumentsAsync_Success_IsAuditedAsSuccess()
    {
        var (fixture, records) = Audited(XdsResponses.Query(objects: XdsResponses.Entry()));
        using var _ = fixture;

        Assert.Single(await fixture.Client.FindDocumentsAsync(XdsTestData.Patient(), XdsTestData.User()));

        Assert.Equal("success", Assert.Single(records).Outcome);
    }

    [Fact]
    public async Task SubmitAsync_ConfiguredTransientRegistryCode_IsTransient()
    {
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(XdsResponses.Failure("DMP_SURCHARGE")), o => o.TransientFaultCodes.Add("DMP_SURCHARGE"));

        var ex = await Assert.ThrowsAsync<DmpRegistryException>(() => fixture.Client.SubmitAsync(
            new DmpSubmission { Patient = XdsTestData.Patient(), Documents = [Document(XdsTestData.Cda())] }, XdsTestData.User()));

        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task ReplaceAsync_KnownDocument_ResolvesEntryUuidThenSubmitsRplc()
    {
        using var fixture = new XdsClientFixture(r => r.Action == "urn:ihe:iti:2007:RegistryStoredQuery"
            ? QueryReply(XdsResponses.Entry())
            : new XdsWireReply(XdsResponses.Success));

        await fixture.Client.ReplaceAsync(XdsTestData.Patient(), XdsResponses.UniqueId, Document(XdsTestData.Cda()), XdsTestData.User());

        Assert.Equal(2, fixture.Wire.Requests.Count);
        var query = fixture.Wire.Requests[0];
        Assert.Equal("https://dmp.test/si-dmp-server/v2/services/registry", query.Envelope.Addressing.To);
        Assert.Equal($"('{XdsResponses.UniqueId}')",
            Body(query).SelectSingleNode("rim:AdhocQuery/rim:Slot[@name='$XDSDocumentEntryUniqueId']/rim:ValueList/rim:Value", Ns(query))!.InnerText);
        var submit = fixture.Wire.Requests[1];
        Assert.Equal(XdsResponses.EntryUuid, Body(submit).SelectSingleNode(
            "//rim:Association[@associationType='urn:ihe:iti:2007:AssociationType:RPLC']/@targetObject", Ns(submit))!.Value);
    }

    [Fact]
    public async Task ReplaceAsync_UnknownDocument_ThrowsNotFoundWithoutSubmitting()
    {
        using var fixture = new XdsClientFixture(_ => QueryReply());

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() =>
            fixture.Client.ReplaceAsync(XdsTestData.Patient(), "2.25.404", Document(XdsTestData.Cda()), XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.XdsDocumentNotFound, ex.ErrorCode);
        Assert.Single(fixture.Wire.Requests);
    }

    [Fact]
    public async Task FindDocumentsAsync_Filters_SendsFindDocumentsAndParsesEntries()
    {
        using var fixture = new XdsClientFixture(_ => QueryReply(XdsResponses.Entry()));

        var entries = await fixture.Client.FindDocumentsAsync(XdsTestData.Patient(), XdsTestData.User(),
            new DmpDocumentQuery { TypeCodes = [CdaCode.FromLoinc("11488-4")] });

        var request = Assert.Single(fixture.Wire.Requests);
        Assert.Equal("urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d", Body(request).SelectSingleNode("rim:AdhocQuery/@id", Ns(request))!.Value);
        Assert.Equal(XdsResponses.UniqueId, Assert.Single(entries).UniqueId);
    }

    [Fact]
    public async Task GetDocumentAsync_SeveralMetadataVersions_ReturnsCurrentOne()
    {
        using var fixture = new XdsClientFixture(_ => QueryReply(
            XdsResponses.Entry(id: "urn:uuid:00000000-0000-0000-0000-00000000000a", status: "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated"),
            XdsResponses.Entry(id: "urn:uuid:00000000-0000-0000-0000-00000000000b")));

        var entry = await fixture.Client.GetDocumentAsync(XdsTestData.Patient(), XdsResponses.UniqueId, XdsTestData.User());

        Assert.Equal("urn:uuid:00000000-0000-0000-0000-00000000000b", entry!.EntryUuid);
    }

    [Fact]
    public async Task GetDocumentAsync_Unknown_ReturnsNull()
    {
        using var fixture = new XdsClientFixture(_ => QueryReply());
        Assert.Null(await fixture.Client.GetDocumentAsync(XdsTestData.Patient(), "2.25.404", XdsTestData.User()));
    }

    [Fact]
    public async Task RetrieveDocumentAsync_MtomReply_ReturnsPartBytes()
    {
        var content = XdsTestData.Cda();
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(
            XdsResponses.Retrieve("<xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:doc1@dmp\"/>"),
            new Dictionary<string, byte[]> { ["doc1@dmp"] = content }));

        var document = await fixture.Client.RetrieveDocumentAsync(XdsTestData.Patient(), Entry(), XdsTestData.User());

        Assert.Equal(content, document.Content.ToArray());
        var request = Assert.Single(fixture.Wire.Requests);
        Assert.Equal("urn:ihe:iti:2007:RetrieveDocumentSet", request.Action);
        Assert.Equal(XdsResponses.Repository, Body(request).SelectSingleNode("xdsb:DocumentRequest/xdsb:RepositoryUniqueId", Ns(request))!.InnerText);
    }

    [Theory]
    [InlineData(DmpDocumentUpdateKind.Archive, DmpDocumentStatus.Approved, "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved", "urn:asip:ci-sis:2010:StatusType:Archived")]
    [InlineData(DmpDocumentUpdateKind.Unarchive, DmpDocumentStatus.Archived, "urn:asip:ci-sis:2010:StatusType:Archived", "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved")]
    [InlineData(DmpDocumentUpdateKind.Delete, DmpDocumentStatus.Approved, "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved", "urn:asip:ci-sis:2010:StatusType:Deleted")]
    public async Task UpdateDocumentAsync_StatusChange_SendsUpdateAvailabilityStatus(DmpDocumentUpdateKind kind, DmpDocumentStatus from, string original, string next)
    {
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(XdsResponses.Success));

        await fixture.Client.UpdateDocumentAsync(XdsTestData.Patient(), Entry(from), new DmpDocumentUpdate(kind), XdsTestData.User());

        var request = Assert.Single(fixture.Wire.Requests);
        var ns = Ns(request);
        Assert.Equal("urn:ihe:iti:2010:UpdateDocumentSet", request.Action);
        Assert.Equal("https://dmp.test/si-dmp-server/v2/services/registry", request.Envelope.Addressing.To);
        var setId = Body(request).SelectSingleNode("rim:RegistryObjectList/rim:RegistryPackage/@id", ns)!.Value;
        var association = Body(request).SelectSingleNode(
            "rim:RegistryObjectList/rim:Association[@associationType='urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus']", ns)!;
        Assert.Equal(setId, association.Attributes!["sourceObject"]!.Value);
        Assert.Equal(XdsResponses.EntryUuid, association.Attributes["targetObject"]!.Value);
        Assert.Equal(original, association.SelectSingleNode("rim:Slot[@name='OriginalStatus']/rim:ValueList/rim:Value", ns)!.InnerText);
        Assert.Equal(next, association.SelectSingleNode("rim:Slot[@name='NewStatus']/rim:ValueList/rim:Value", ns)!.InnerText);
    }

    [Fact]
    public async Task UpdateDocumentAsync_UnarchiveApprovedDocument_ThrowsWithoutCalling()
    {
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(XdsResponses.Success));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => fixture.Client.UpdateDocumentAsync(
            XdsTestData.Patient(), Entry(), new DmpDocumentUpdate(DmpDocumentUpdateKind.Unarchive), XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.XdsUpdateNotAllowed, ex.ErrorCode);
        Assert.Empty(fixture.Wire.Requests);
    }

    [Fact]
    public async Task UpdateDocumentAsync_SetVisibility_ResubmitsEntryWithSameLidAndPreviousVersion()
    {
        using var fixture = new XdsClientFixture(r => r.Action == "urn:ihe:iti:2007:RegistryStoredQuery"
            ? QueryReply(XdsResponses.Entry())
            : new XdsWireReply(XdsResponses.Success));

        await fixture.Client.UpdateDocumentAsync(XdsTestData.Patient(), Entry(),
            new DmpDocumentUpdate(DmpDocumentUpdateKind.SetVisibility, DmpVisibility.InvisibleToPatient), XdsTestData.User());

        Assert.Equal(2, fixture.Wire.Requests.Count);
        var query = fixture.Wire.Requests[0];
        Assert.Equal($"('{XdsResponses.EntryUuid}')",
            Body(query).SelectSingleNode("rim:AdhocQuery/rim:Slot[@name='$XDSDocumentEntryEntryUUID']/rim:ValueList/rim:Value", Ns(query))!.InnerText);
        var update = fixture.Wire.Requests[1];
        var ns = Ns(update);
        var entry = (XmlElement)Body(update).SelectSingleNode("rim:RegistryObjectList/rim:ExtrinsicObject", ns)!;
        var newId = entry.GetAttribute("id");
        Assert.NotEqual(XdsResponses.EntryUuid, newId);
        Assert.StartsWith("urn:uuid:", newId, StringComparison.Ordinal);
        Assert.Equal(XdsResponses.LogicalId, entry.GetAttribute("lid"));
        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:StatusType:Approved", entry.GetAttribute("status"));
        Assert.Null(entry.SelectSingleNode("rim:VersionInfo", ns));
        Assert.Equal(["N", "INVISIBLE_PATIENT"], entry.SelectNodes(
            "rim:Classification[@classificationScheme='urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f']/@nodeRepresentation", ns)!.Cast<XmlNode>().Select(n => n.Value));
        Assert.All(entry.SelectNodes("rim:Classification/@classifiedObject | rim:ExternalIdentifier/@registryObject", ns)!.Cast<XmlNode>(), n => Assert.Equal(newId, n.Value));
        Assert.Equal(XdsResponses.UniqueId, entry.SelectSingleNode(
            "rim:ExternalIdentifier[@identificationScheme='urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab']/@value", ns)!.Value);
        Assert.Equal(XdsResponses.Repository, entry.SelectSingleNode("rim:Slot[@name='repositoryUniqueId']/rim:ValueList/rim:Value", ns)!.InnerText);
        var member = Body(update).SelectSingleNode($"rim:RegistryObjectList/rim:Association[@targetObject='{newId}']", ns)!;
        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember", member.Attributes!["associationType"]!.Value);
        Assert.Equal("Original", member.SelectSingleNode("rim:Slot[@name='SubmissionSetStatus']/rim:ValueList/rim:Value", ns)!.InnerText);
        Assert.Equal("3", member.SelectSingleNode("rim:Slot[@name='PreviousVersion']/rim:ValueList/rim:Value", ns)!.InnerText);
    }

    [Fact]
    public async Task UpdateDocumentAsync_HiddenAndInvisible_RefusedBeforeCalling()
    {
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(XdsResponses.Success));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => fixture.Client.UpdateDocumentAsync(XdsTestData.Patient(), Entry(),
            new DmpDocumentUpdate(DmpDocumentUpdateKind.SetVisibility, DmpVisibility.InvisibleToPatient | DmpVisibility.HiddenFromProfessionals), XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.XdsVisibilityConflict, ex.ErrorCode);
        Assert.Empty(fixture.Wire.Requests);
    }

    [Fact]
    public void SourceId_LpsIdOid_UsedElseStableDerivedOid()
    {
        var options = new DmpClientOptions { LpsName = "A", HomologationNumber = "H1" };
        var derived = DmpClient.SourceId(options);
        Assert.Matches(@"^2\.25\.[1-9]\d*$", derived);
        Assert.Equal(derived, DmpClient.SourceId(new DmpClientOptions { LpsName = "A", HomologationNumber = "H1" }));
        Assert.NotEqual(derived, DmpClient.SourceId(new DmpClientOptions { LpsName = "B", HomologationNumber = "H1" }));
        Assert.Equal("1.2.250.1.999.1.1.7898", DmpClient.SourceId(new DmpClientOptions { LpsId = "1.2.250.1.999.1.1.7898" }));
    }
}
