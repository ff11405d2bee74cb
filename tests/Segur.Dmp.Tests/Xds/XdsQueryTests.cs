using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Xds;
using Xunit;

namespace Segur.Dmp.Tests.Xds;

public sealed class XdsQueryTests
{
    private static (XmlDocument Xml, XmlNamespaceManager Ns) Write(XdsStoredQuery query)
    {
        var xml = XdsTestData.Write(query.Write);
        return (xml, XdsTestData.Ns(xml));
    }

    private static string[] Param(XmlDocument xml, XmlNamespaceManager ns, string name) =>
        xml.SelectNodes($"//rim:AdhocQuery/rim:Slot[@name='{name}']/rim:ValueList/rim:Value", ns)!.Cast<XmlNode>().Select(n => n.InnerText).ToArray();

    [Fact]
    public void FindDocuments_AllFilters_WritesStoredQueryParameters()
    {
        var query = new DmpDocumentQuery
        {
            Statuses = [DmpDocumentStatus.Approved, DmpDocumentStatus.Archived],
            TypeCodes = [CdaCode.FromLoinc("11488-4"), CdaCode.FromLoinc("34112-3")],
            ClassCodes = [XdsTestData.Report],
            CreatedFrom = new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1)),
            CreatedTo = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero),
        };

        var (xml, ns) = Write(XdsStoredQuery.FindDocuments(XdsTestData.Patient().PatientId, query));

        Assert.Equal("LeafClass", xml.SelectSingleNode("//query:AdhocQueryRequest/query:ResponseOption/@returnType", ns)!.Value);
        Assert.Equal("true", xml.SelectSingleNode("//query:ResponseOption/@returnComposedObjects", ns)!.Value);
        Assert.Equal("urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d", xml.SelectSingleNode("//rim:AdhocQuery/@id", ns)!.Value);
        Assert.Equal(["'279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH'"], Param(xml, ns, "$XDSDocumentEntryPatientId"));
        Assert.Equal(["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved','urn:asip:ci-sis:2010:StatusType:Archived')"],
            Param(xml, ns, "$XDSDocumentEntryStatus"));
        Assert.Equal(["('11488-4^^2.16.840.1.113883.6.1','34112-3^^2.16.840.1.113883.6.1')"], Param(xml, ns, "$XDSDocumentEntryTypeCode"));
        Assert.Equal(["('10^^1.2.250.1.213.1.1.4.1')"], Param(xml, ns, "$XDSDocumentEntryClassCode"));
        Assert.Equal(["20260101000000"], Param(xml, ns, "$XDSDocumentEntryCreationTimeFrom"));
        Assert.Equal(["20260201000000"], Param(xml, ns, "$XDSDocumentEntryCreationTimeTo"));
    }

    [Fact]
    public void FindDocuments_NoFilterObjectRef_OnlyPatientAndApprovedStatus()
    {
        var (xml, ns) = Write(XdsStoredQuery.FindDocuments(XdsTestData.Patient().PatientId, new DmpDocumentQuery(), objectRef: true));

        Assert.Equal("ObjectRef", xml.SelectSingleNode("//query:ResponseOption/@returnType", ns)!.Value);
        Assert.Equal(2, xml.SelectNodes("//rim:AdhocQuery/rim:Slot", ns)!.Count);
        Assert.Equal(["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"], Param(xml, ns, "$XDSDocumentEntryStatus"));
    }

    [Fact]
    public void FindDocuments_FromAfterTo_ThrowsQueryInvalid()
    {
        var query = new DmpDocumentQuery { CreatedFrom = XdsTestData.Now, CreatedTo = XdsTestData.Now.AddDays(-1) };
        var ex = Assert.Throws<SegurValidationException>(() => XdsStoredQuery.FindDocuments("x", query));
        Assert.Equal(DmpErrorCodes.XdsQueryInvalid, ex.ErrorCode);
    }

    [Fact]
    public void GetDocuments_ByUniqueIdOrEntryUuid_WritesTheRightParameter()
    {
        var (byUid, ns) = Write(XdsStoredQuery.GetDocumentsByUniqueId("2.25.1", "it's"));
        Assert.Equal("urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4", byUid.SelectSingleNode("//rim:AdhocQuery/@id", ns)!.Value);
        Assert.Equal(["('2.25.1','it''s')"], Param(byUid, ns, "$XDSDocumentEntryUniqueId"));

        var (byUuid, ns2) = Write(XdsStoredQuery.GetDocumentsByEntryUuid("urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"));
        Assert.Equal(["('urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e')"], Param(byUuid, ns2, "$XDSDocumentEntryEntryUUID"));
        Assert.Throws<ArgumentException>(() => XdsStoredQuery.GetDocumentsByUniqueId());
    }

    [Fact]
    public void FindSubmissionSetsAndGetContents_WriteStoredQueries()
    {
        var (find, ns) = Write(XdsStoredQuery.FindSubmissionSets("p", XdsTestData.Now, null));
        Assert.Equal("urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9", find.SelectSingleNode("//rim:AdhocQuery/@id", ns)!.Value);
        Assert.Equal(["'p'"], Param(find, ns, "$XDSSubmissionSetPatientId"));
        Assert.Equal(["20260105084512"], Param(find, ns, "$XDSSubmissionSetSubmissionTimeFrom"));
        Assert.Empty(Param(find, ns, "$XDSSubmissionSetSubmissionTimeTo"));

        var (byUuid, ns2) = Write(XdsStoredQuery.GetSubmissionSetAndContents("urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"));
        Assert.Equal("urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83", byUuid.SelectSingleNode("//rim:AdhocQuery/@id", ns2)!.Value);
        Assert.Single(Param(byUuid, ns2, "$XDSSubmissionSetEntryUUID"));
        var (byUid, ns3) = Write(XdsStoredQuery.GetSubmissionSetAndContents("2.25.7"));
        Assert.Equal(["'2.25.7'"], Param(byUid, ns3, "$XDSSubmissionSetUniqueId"));
    }

    [Fact]
    public void RetrieveWriter_WritesRepositoryAndDocumentUniqueIds()
    {
        var xml = XdsTestData.Write(w => XdsRetrieveWriter.Write(w, "1.2.250.1.213.4.1.1.1.2", "2.25.99"));
        var ns = XdsTestData.Ns(xml);
        Assert.Equal("1.2.250.1.213.4.1.1.1.2", xml.SelectSingleNode("//xdsb:RetrieveDocumentSetRequest/xdsb:DocumentRequest/xdsb:RepositoryUniqueId", ns)!.InnerText);
        Assert.Equal("2.25.99", xml.SelectSingleNode("//xdsb:RetrieveDocumentSetRequest/xdsb:DocumentRequest/xdsb:DocumentUniqueId", ns)!.InnerText);
    }
}
