using System.Text;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Testing.Dmp;

namespace Segur.Dmp.Tests.Simulator;

public sealed class DmpSimulatorQueryTests
{
    private const string Ins = "279035121518989";
    private const string Other = "801234534765";
    private const string Success = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";

    private static string UniqueIdsOf(SimAnswer answer) => string.Join(',', answer.Xml!
        .SelectNodes("//rim:ExtrinsicObject/rim:ExternalIdentifier[@identificationScheme='urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab']/@value", answer.Ns)!
        .OfType<System.Xml.XmlAttribute>().Select(a => a.Value).Order(StringComparer.Ordinal));

    [Fact]
    public async Task Iti18_FindDocumentsLeafClassAndObjectRef_ReturnsStoredEntry()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var doc = new PnrDocument();
        await kit.FeedAsync(new PnrSpec { Documents = [doc], Signature = true });
        var entry = kit.Sim.GetDocuments(Ins).Single(e => e.UniqueId == doc.UniqueId);

        var leaf = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins, ("$XDSDocumentEntryTypeCode", "('11490-0^^2.16.840.1.113883.6.1')")));
        var refs = await kit.SendAsync("registry", DmpSimKit.Iti18,
            DmpSimKit.Query(DmpSimKit.FindDocumentsId, "ObjectRef", ("$XDSDocumentEntryPatientId", $"'{Ins}^^^&1.2.250.1.213.1.4.10&ISO^NH'"), ("$XDSDocumentEntryStatus", $"('{DmpSimKit.Approved}')")));

        Assert.Equal(Success, leaf.RegistryStatus);
        Assert.Equal(doc.UniqueId, UniqueIdsOf(leaf));
        Assert.Equal(entry.EntryUuid, leaf.Value("//rim:ExtrinsicObject/@id"));
        Assert.Equal(DmpSimKit.Approved, leaf.Value("//rim:ExtrinsicObject/@status"));
        Assert.Equal(2, refs.Count("//rim:ObjectRef"));
        Assert.Equal(0, refs.Count("//rim:ExtrinsicObject"));
    }

    [Fact]
    public async Task Iti18_Filters_ApplyToClassTypeAndCreationTime()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "a"u8.ToArray(), UniqueId = "1.2.3.1", TypeCode = "11490-0", CreationTime = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero) });
        kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "b"u8.ToArray(), UniqueId = "1.2.3.2", TypeCode = "11502-2", ClassCode = "11", CreationTime = new DateTimeOffset(2026, 6, 10, 0, 0, 0, TimeSpan.Zero) });

        var byType = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins, ("$XDSDocumentEntryTypeCode", "('11502-2^^2.16.840.1.113883.6.1')")));
        var byClass = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins, ("$XDSDocumentEntryClassCode", "('10^^1.2.250.1.213.1.1.4.1')")));
        var byTime = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins, ("$XDSDocumentEntryCreationTimeFrom", "20260301"), ("$XDSDocumentEntryCreationTimeTo", "20270101")));

        Assert.Equal("1.2.3.2", UniqueIdsOf(byType));
        Assert.Equal("1.2.3.1", UniqueIdsOf(byClass));
        Assert.Equal("1.2.3.2", UniqueIdsOf(byTime));
    }

    [Fact]
    public async Task Iti18_GetDocumentsByUniqueIdAndEntryUuid_Found()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var a = kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "a"u8.ToArray() });
        var b = kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "b"u8.ToArray() });

        var byUnique = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.Query(DmpSimKit.GetDocumentsId, "LeafClass", ("$XDSDocumentEntryUniqueId", $"('{a.UniqueId}')")));
        var byUuid = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.Query(DmpSimKit.GetDocumentsId, "ObjectRef", ("$XDSDocumentEntryEntryUUID", $"('{a.EntryUuid}','{b.EntryUuid}')")));
        var neither = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.Query(DmpSimKit.GetDocumentsId, "LeafClass"));

        Assert.Equal(a.UniqueId, UniqueIdsOf(byUnique));
        Assert.Equal(2, byUuid.Count("//rim:ObjectRef"));
        Assert.Equal(["XDSStoredQueryParamNumber"], neither.ErrorCodes);
    }

    [Fact]
    public async Task Iti18_SubmissionSetsAndContents_Found()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var spec = new PnrSpec();
        await kit.FeedAsync(spec);

        var sets = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.Query(DmpSimKit.FindSubmissionSetsId, "LeafClass",
            ("$XDSSubmissionSetPatientId", $"'{Ins}^^^&1.2.250.1.213.1.4.10&ISO^NH'"), ("$XDSSubmissionSetStatus", $"('{DmpSimKit.Approved}')"),
            ("$XDSSubmissionSetSubmissionTimeFrom", "20261122")));
        var contents = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.Query(DmpSimKit.GetSetAndContentsId, "LeafClass",
            ("$XDSSubmissionSetUniqueId", $"'{spec.SetUniqueId}'")));

        Assert.Equal(1, sets.Count("//rim:RegistryPackage"));
        Assert.Equal(1, contents.Count("//rim:RegistryPackage"));
        Assert.Equal(2, contents.Count("//rim:ExtrinsicObject"));
        Assert.Equal(2, contents.Count("//rim:Association[@associationType='urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember']"));
    }

    [Fact]
    public async Task Iti18_FindDocumentsByReferenceId_Found()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "a"u8.ToArray(), UniqueId = "1.2.3.9", ReferenceIds = ["ORDER-1^^^&1.2.250.1.999&ISO^urn:ihe:iti:xds:2013:order"] });
        kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "b"u8.ToArray() });

        var answer = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.Query(DmpSimKit.ByReferenceId, "LeafClass",
            ("$XDSDocumentEntryPatientId", $"'{Ins}^^^&1.2.250.1.213.1.4.10&ISO^NH'"), ("$XDSDocumentEntryStatus", $"('{DmpSimKit.Approved}')"),
            ("$XDSDocumentEntryReferenceIdList", "('ORDER-1^^^&1.2.250.1.999&ISO^urn:ihe:iti:xds:2013:order')")));

        Assert.Equal("1.2.3.9", UniqueIdsOf(answer));
    }

    [Fact]
    public async Task Iti18_UnknownQuery_Failure()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.Query("urn:uuid:00000000-0000-0000-0000-000000000000", "LeafClass"));

        Assert.Equal(["XDSUnknownStoredQuery"], answer.ErrorCodes);
    }

    [Fact]
    public async Task Iti18_WithoutAuthorization_AccessDenied()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var none = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins), new VihfSpec { SubjectId = Other });
        kit.Sim.SetAuthorization(Ins, Other, DmpAuthorization.Expired);
        var expired = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins), new VihfSpec { SubjectId = Other });
        kit.Sim.SetAuthorization(Ins, Other, DmpAuthorization.Forbidden);
        var blocked = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins), new VihfSpec { SubjectId = Other, Purpose = "bris_de_glace" });

        Assert.Equal(["DMP_ACCES_REFUSE"], none.ErrorCodes);
        Assert.Equal(["DMP_ACCES_REFUSE"], expired.ErrorCodes);
        Assert.Equal(["DMP_PS_BLOQUE"], blocked.ErrorCodes);
    }

    [Fact]
    public async Task Iti18_EmergencyModes_BypassAuthorizationUnlessOpposed()
    {
        await using var kit = await DmpSimKit.StartAsync();
        const string Opposed = "207058575627097";

        var breakGlass = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Opposed), new VihfSpec { Ins = Opposed, Purpose = "bris_de_glace" });
        var centre15 = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Opposed), new VihfSpec { Ins = Opposed, Purpose = "centre_15" });
        kit.Sim.UpdatePatient(Opposed, p => p.Oppositions.Add("OPPOSITION_ACCES_URGENCE"));
        var centre15Opposed = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Opposed), new VihfSpec { Ins = Opposed, Purpose = "centre_15" });
        var breakGlassFree = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins), new VihfSpec { SubjectId = Other, Purpose = "bris_de_glace" });

        Assert.Equal(["DMP_OPPOSITION_BRIS_DE_GLACE"], breakGlass.ErrorCodes);
        Assert.Equal(Success, centre15.RegistryStatus);
        Assert.Equal(["DMP_OPPOSITION_ACCES_URGENCE"], centre15Opposed.ErrorCodes);
        Assert.Equal(Success, breakGlassFree.RegistryStatus);
    }

    [Fact]
    public async Task Iti18_MaskedDocument_HiddenFromOtherProfessionals()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "m"u8.ToArray(), UniqueId = "1.2.3.7", AuthorId = "899900012345", Visibility = DmpVisibility.HiddenFromProfessionals });
        kit.Sim.SetAuthorization(Ins, Other, DmpAuthorization.Valid);

        var other = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins), new VihfSpec { SubjectId = Other });
        var treating = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins));
        kit.Sim.Options.TreatingPhysicianSeesMasked = false;
        var treatingSwitchOff = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins));
        var author = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins), new VihfSpec { SubjectId = "899900012345" });
        var retrieve = await kit.SendAsync("repository", DmpSimKit.Iti43, DmpSimKit.Retrieve("1.2.3.7"), new VihfSpec { SubjectId = Other });

        Assert.Equal(string.Empty, UniqueIdsOf(other));
        Assert.Equal("1.2.3.7", UniqueIdsOf(treating));
        Assert.Equal(string.Empty, UniqueIdsOf(treatingSwitchOff));
        Assert.Equal(["DMP_ACCES_REFUSE"], author.ErrorCodes);
        Assert.Equal(["XDSDocumentUniqueIdError"], retrieve.ErrorCodes);
    }

    [Fact]
    public async Task Iti43_Retrieve_ReturnsBytesOverMtom()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var content = Encoding.UTF8.GetBytes("<ClinicalDocument>bonjour</ClinicalDocument>");
        var entry = kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = content });

        var answer = await kit.SendAsync("repository", DmpSimKit.Iti43, DmpSimKit.Retrieve(entry.UniqueId));
        var partial = await kit.SendAsync("repository", DmpSimKit.Iti43, DmpSimKit.Retrieve(entry.UniqueId, "1.2.3.404"));
        var missing = await kit.SendAsync("repository", DmpSimKit.Iti43, DmpSimKit.Retrieve("1.2.3.404"));

        Assert.StartsWith("multipart/related", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Success, answer.RegistryStatus);
        Assert.Equal(entry.UniqueId, answer.Value("//xdsb:DocumentResponse/xdsb:DocumentUniqueId"));
        Assert.Equal("text/xml", answer.Value("//xdsb:DocumentResponse/xdsb:mimeType"));
        Assert.Equal(content, Assert.Single(answer.Attachments).Value);
        Assert.Equal("urn:ihe:iti:2007:ResponseStatusType:PartialSuccess", partial.RegistryStatus);
        Assert.Equal(["XDSDocumentUniqueIdError"], partial.ErrorCodes);
        Assert.StartsWith("multipart/related", missing.ContentType, StringComparison.Ordinal);
        Assert.Equal(["XDSDocumentUniqueIdError"], missing.ErrorCodes);
    }
}
