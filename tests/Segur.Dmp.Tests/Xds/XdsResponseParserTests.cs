using System.Text;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Xds;
using Segur.Soap;
using Xunit;

namespace Segur.Dmp.Tests.Xds;

public sealed class XdsResponseParserTests
{
    private static readonly IReadOnlySet<string> Transient = XdsTransientErrors.Default;

    [Fact]
    public void ParseRegistryResponse_Success_ReturnsNoError()
    {
        Assert.Empty(XdsResponseParser.ParseRegistryResponse(XdsTestData.Element(XdsResponses.Success), Transient));
    }

    [Fact]
    public void ParseRegistryResponse_Failure_ThrowsWithRawErrorsAndNoPatientDataInMessage()
    {
        var ex = Assert.Throws<DmpRegistryException>(() => XdsResponseParser.ParseRegistryResponse(XdsTestData.Element(XdsResponses.Failure()), Transient));

        Assert.Equal(DmpErrorCodes.XdsRegistryFailure, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal("XDSRegistryMetadataError", ex.Errors[0].ErrorCode);
        Assert.Equal("Patient 279035121518989 inconnu", ex.Errors[0].CodeContext);
        Assert.Equal("registry", ex.Errors[0].Location);
        Assert.EndsWith(":Warning", ex.Errors[1].Severity, StringComparison.Ordinal);
        Assert.Contains("XDSRegistryMetadataError", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("279035121518989", ex.Message, StringComparison.Ordinal);
        Assert.Contains("279035121518989", ex.RawFault, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRegistryResponse_BusyRegistry_IsTransient()
    {
        var ex = Assert.Throws<DmpRegistryException>(() => XdsResponseParser.ParseRegistryResponse(XdsTestData.Element(XdsResponses.Failure("XDSRegistryBusy")), Transient));
        Assert.True(ex.IsTransient);

        var custom = new HashSet<string>(StringComparer.Ordinal) { "DMP_INDISPONIBLE" };
        Assert.True(Assert.Throws<DmpRegistryException>(() =>
            XdsResponseParser.ParseRegistryResponse(XdsTestData.Element(XdsResponses.Failure("DMP_INDISPONIBLE")), custom)).IsTransient);
        Assert.False(Assert.Throws<DmpRegistryException>(() =>
            XdsResponseParser.ParseRegistryResponse(XdsTestData.Element(XdsResponses.Failure("DMP_INDISPONIBLE")), Transient)).IsTransient);
    }

    [Fact]
    public void ParseRegistryResponse_PartialSuccess_ThrowsPartial()
    {
        var ex = Assert.Throws<DmpRegistryException>(() => XdsResponseParser.ParseRegistryResponse(
            XdsTestData.Element(XdsResponses.Failure(status: "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess")), Transient));
        Assert.Equal(DmpErrorCodes.XdsRegistryPartialSuccess, ex.ErrorCode);
    }

    [Fact]
    public void ParseRegistryResponse_UnknownStatusOrElement_ThrowsResponseInvalid()
    {
        Assert.Equal(DmpErrorCodes.XdsResponseInvalid, Assert.Throws<SegurServiceException>(() => XdsResponseParser.ParseRegistryResponse(
            XdsTestData.Element("<rs:RegistryResponse xmlns:rs='urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0' status='Done'/>"), Transient)).ErrorCode);
        Assert.Equal(DmpErrorCodes.XdsResponseInvalid, Assert.Throws<SegurServiceException>(() => XdsResponseParser.ParseRegistryResponse(
            XdsTestData.Element("<Other/>"), Transient)).ErrorCode);
        Assert.Equal(DmpErrorCodes.XdsResponseInvalid, Assert.Throws<SegurServiceException>(() => XdsResponseParser.ParseRegistryResponse(null, Transient)).ErrorCode);
    }

    [Fact]
    public void ParseQueryResponse_LeafClass_MapsEveryField()
    {
        var entries = XdsResponseParser.ParseQueryResponse(XdsTestData.Element(XdsResponses.Query(objects: XdsResponses.Entry())), Transient);

        var entry = Assert.Single(entries).Entry;
        Assert.Equal(XdsResponses.EntryUuid, entry.EntryUuid);
        Assert.Equal(XdsResponses.LogicalId, entry.LogicalId);
        Assert.Equal(3, entry.Version);
        Assert.Equal(XdsResponses.UniqueId, entry.UniqueId);
        Assert.Equal(XdsResponses.Repository, entry.RepositoryUniqueId);
        Assert.Equal(DmpDocumentStatus.Approved, entry.Status);
        Assert.Equal("11488-4", entry.TypeCode!.Code);
        Assert.Equal("2.16.840.1.113883.6.1", entry.TypeCode.CodeSystem);
        Assert.Equal("10", entry.ClassCode!.Code);
        Assert.Equal("urn:ihe:iti:xds-sd:pdf:2008", entry.FormatCode!.Code);
        Assert.Equal("Compte rendu d'entretien", entry.Title);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 8, 30, 0, TimeSpan.Zero), entry.CreationTime);
        Assert.Equal("899900063480", entry.AuthorId);
        Assert.Equal(DmpVisibility.HiddenFromProfessionals, entry.Visibility);
        Assert.Equal("2c0b4b3964c9056675d427b4204f40ca4132a9c1", entry.Hash);
        Assert.Equal(4267, entry.Size);
        Assert.Equal("text/xml", entry.MimeType);
    }

    [Fact]
    public void ParseQueryResponse_StatusesVisibilityAndSignatures_Mapped()
    {
        var body = XdsResponses.Query(objects:
        [
            XdsResponses.Entry(id: "urn:uuid:00000000-0000-0000-0000-000000000001", status: "urn:asip:ci-sis:2010:StatusType:Archived", extraConfidentiality: "INVISIBLE_PATIENT"),
            XdsResponses.Entry(id: "urn:uuid:00000000-0000-0000-0000-000000000002", status: "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated", extraConfidentiality: "INVISIBLE_REPRESENTANTS_LEGAUX"),
            XdsResponses.Entry(id: "urn:uuid:00000000-0000-0000-0000-000000000003", format: "http://www.w3.org/2000/09/xmldsig#"),
        ]);

        var entries = XdsResponseParser.ParseQueryResponse(XdsTestData.Element(body), Transient).Select(e => e.Entry).ToList();

        Assert.Equal(2, entries.Count);
        Assert.Equal(DmpDocumentStatus.Archived, entries[0].Status);
        Assert.Equal(DmpVisibility.InvisibleToPatient, entries[0].Visibility);
        Assert.Equal(DmpDocumentStatus.Deprecated, entries[1].Status);
        Assert.Equal(DmpVisibility.InvisibleToLegalRepresentatives, entries[1].Visibility);
        Assert.Equal(3, XdsResponseParser.ParseQueryResponse(XdsTestData.Element(body), Transient, includeSignatures: true).Count);
    }

    [Fact]
    public void ParseQueryResponse_PartialSuccessWithResults_ReturnsResults()
    {
        var body = XdsResponses.Query("urn:ihe:iti:2007:ResponseStatusType:PartialSuccess", XdsResponses.Entry());
        Assert.Single(XdsResponseParser.ParseQueryResponse(XdsTestData.Element(body), Transient));
    }

    [Fact]
    public void ParseQueryResponse_Failure_ThrowsRegistryException()
    {
        var body = """
            <query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0"
              status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure">
              <rs:RegistryErrorList><rs:RegistryError errorCode="XDSStoredQueryParamNumber" codeContext="x" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"/></rs:RegistryErrorList>
            </query:AdhocQueryResponse>
            """;
        var ex = Assert.Throws<DmpRegistryException>(() => XdsResponseParser.ParseQueryResponse(XdsTestData.Element(body), Transient));
        Assert.Equal("XDSStoredQueryParamNumber", Assert.Single(ex.Errors).ErrorCode);
    }

    [Fact]
    public void ParseQueryResponse_EntryWithoutUniqueId_ThrowsResponseInvalid()
    {
        var body = XdsResponses.Query(objects: XdsResponses.Entry(uniqueId: string.Empty));
        Assert.Equal(DmpErrorCodes.XdsResponseInvalid,
            Assert.Throws<SegurServiceException>(() => XdsResponseParser.ParseQueryResponse(XdsTestData.Element(body), Transient)).ErrorCode);
    }

    [Fact]
    public void ParseObjectRefs_ReturnsIds()
    {
        var body = XdsResponses.Query(objects: ["<rim:ObjectRef id='urn:uuid:a'/>", "<rim:ObjectRef id='urn:uuid:b'/>"]);
        Assert.Equal(["urn:uuid:a", "urn:uuid:b"], XdsResponseParser.ParseObjectRefs(XdsTestData.Element(body), Transient));
    }

    [Fact]
    public async Task ParseRetrieveResponse_Mtom_ReturnsExactPartBytes()
    {
        var document = Encoding.UTF8.GetBytes("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">é\r\n</ClinicalDocument>");
        var envelope = $"""<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>{XdsResponses.Retrieve("<xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:doc1%40dmp\"/>")}</soap:Body></soap:Envelope>""";
        using var wire = new MemoryStream();
        void Line(string text) => wire.Write(Encoding.ASCII.GetBytes(text + "\r\n"));
        Line("--MIMEBoundary");
        Line("Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"");
        Line("Content-ID: <root@dmp>");
        Line(string.Empty);
        wire.Write(Encoding.UTF8.GetBytes(envelope));
        Line(string.Empty);
        Line("--MIMEBoundary");
        Line("Content-Type: text/xml");
        Line("Content-ID: <doc1@dmp>");
        Line("Content-Transfer-Encoding: binary");
        Line(string.Empty);
        wire.Write(document);
        Line(string.Empty);
        Line("--MIMEBoundary--");
        wire.Position = 0;

        using var mtom = await MtomMessage.ReadAsync(wire,
            "multipart/related; type=\"application/xop+xml\"; boundary=\"MIMEBoundary\"; start=\"<root@dmp>\"; start-info=\"application/soap+xml\"");
        using var root = mtom.Root.OpenRead();
        var soap = SoapEnvelope.Load(root);

        var retrieved = XdsResponseParser.ParseRetrieveResponse(soap.BodyContent, mtom.GetAttachment, XdsResponses.UniqueId, Transient);

        Assert.Equal(XdsResponses.UniqueId, retrieved.UniqueId);
        Assert.Equal("text/xml", retrieved.MimeType);
        Assert.Equal(document, retrieved.Content.ToArray());
    }

    [Fact]
    public void ParseRetrieveResponse_InlineBase64_Decoded()
    {
        var body = XdsResponses.Retrieve(Convert.ToBase64String("abc"u8.ToArray()));
        var retrieved = XdsResponseParser.ParseRetrieveResponse(XdsTestData.Element(body), _ => null, XdsResponses.UniqueId, Transient);
        Assert.Equal("abc"u8.ToArray(), retrieved.Content.ToArray());
    }

    [Fact]
    public void ParseRetrieveResponse_OtherDocumentOrMissingPart_Throws()
    {
        var other = XdsResponses.Retrieve("YQ==", uniqueId: "2.25.1");
        Assert.Equal(DmpErrorCodes.XdsDocumentNotReturned, Assert.Throws<DmpRegistryException>(() =>
            XdsResponseParser.ParseRetrieveResponse(XdsTestData.Element(other), _ => null, XdsResponses.UniqueId, Transient)).ErrorCode);

        var missing = XdsResponses.Retrieve("<xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:gone\"/>");
        Assert.Equal(DmpErrorCodes.XdsResponseInvalid, Assert.Throws<SegurServiceException>(() =>
            XdsResponseParser.ParseRetrieveResponse(XdsTestData.Element(missing), _ => null, XdsResponses.UniqueId, Transient)).ErrorCode);

        var failed = XdsResponses.Retrieve("YQ==", status: "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure");
        Assert.Equal(DmpErrorCodes.XdsRegistryFailure, Assert.Throws<DmpRegistryException>(() =>
            XdsResponseParser.ParseRetrieveResponse(XdsTestData.Element(failed), _ => null, XdsResponses.UniqueId, Transient)).ErrorCode);
    }
}
