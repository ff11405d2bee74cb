using System.Text;
using Segur.Dmp.Client;

namespace Segur.Dmp.Tests.Simulator;

public sealed class DmpSimulatorFeedTests
{
    private const string Ins = "279035121518989";

    [Fact]
    public async Task Iti41_ValidMtomSubmission_StoredWithAssignedEntryUuids()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var doc = new PnrDocument();

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [doc] });

        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success", answer.RegistryStatus);
        Assert.Equal("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse", answer.Value("//wsa:Action"));
        var entries = kit.Sim.GetDocuments(Ins);
        Assert.Equal(2, entries.Count);
        var stored = Assert.Single(entries, e => e.UniqueId == doc.UniqueId);
        Assert.StartsWith("urn:uuid:", stored.EntryUuid, StringComparison.Ordinal);
        Assert.Equal(stored.EntryUuid, stored.LogicalId);
        Assert.Equal("Approved", stored.Status);
        Assert.Equal(1, stored.Version);
        Assert.Equal("899900063480", stored.AuthorId);
        Assert.Equal(doc.Content, kit.Sim.GetDocumentContent(doc.UniqueId));
        Assert.Equal(1, kit.Sim.CountStoredSubmissions(doc.UniqueId));
        Assert.Contains("1.2.250.1.213.4.1.1.1.2", stored.MetadataXml, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Document01\"", stored.MetadataXml, StringComparison.Ordinal);
        Assert.True(kit.Sim.Requests[^1].IsMtom);
    }

    [Fact]
    public async Task Iti41_InlineBase64_Stored()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var doc = new PnrDocument();

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [doc], Inline = true });

        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success", answer.RegistryStatus);
        Assert.Equal(doc.Content, kit.Sim.GetDocumentContent(doc.UniqueId));
    }

    [Fact]
    public async Task Iti41_ProfessionalWithoutAuthorization_FeedingAccepted()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { AuthorId = "801234534765" }] }, new VihfSpec { SubjectId = "801234534765" });

        Assert.Equal(DmpAuthorization.None, kit.Sim.GetAuthorization(Ins, "801234534765"));
        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success", answer.RegistryStatus);
    }

    [Fact]
    public async Task Iti41_UniqueIdWithExtension_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { UniqueId = "1.2.250.1.999^123" }] });

        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure", answer.RegistryStatus);
        Assert.Contains("XDSRegistryMetadataError", answer.ErrorCodes);
        Assert.Empty(kit.Sim.GetDocuments(Ins));
    }

    [Fact]
    public async Task Iti41_DuplicateUniqueId_RefusedAndCounted()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var doc = new PnrDocument();

        await kit.FeedAsync(new PnrSpec { Documents = [doc] });
        var second = await kit.FeedAsync(new PnrSpec { Documents = [doc] });
        var inMessage = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { UniqueId = "1.2.3.4" }, new PnrDocument { Id = "Document02", UniqueId = "1.2.3.4" }] });

        Assert.Equal(["XDSDuplicateUniqueIdInRegistry"], second.ErrorCodes);
        Assert.Contains("XDSRegistryDuplicateUniqueIdInMessage", inMessage.ErrorCodes);
        Assert.Equal(1, kit.Sim.CountStoredSubmissions(doc.UniqueId));
        Assert.Equal(2, kit.Sim.CountReceivedSubmissions(doc.UniqueId));
    }

    [Fact]
    public async Task Iti41_PatientNotVihfResource_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.FeedAsync(new PnrSpec(), new VihfSpec { Ins = "207058575627097" });

        Assert.Equal(["DMP_PATIENT_VIHF"], answer.ErrorCodes);
    }

    [Fact]
    public async Task Iti41_DocumentPatientDiffersFromSet_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { PatientId = "207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH" }] });

        Assert.Contains("XDSPatientIdDoesNotMatch", answer.ErrorCodes);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Iti41_SignatureOrSignsMissing_RefusedLotSignature(bool signature, bool signs)
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.FeedAsync(new PnrSpec { Signature = signature, Signs = signs });

        Assert.Equal(["DMP_SIGNATURE_LOT"], answer.ErrorCodes);
    }

    [Fact]
    public async Task Iti41_LotVerifierRejects_Refused()
    {
        IReadOnlyList<string>? seen = null;
        await using var kit = await DmpSimKit.StartAsync(o => o.LotSignatureVerifier = (_, ids) =>
        {
            seen = ids;
            return "digest mismatch";
        });
        var doc = new PnrDocument();
        var spec = new PnrSpec { Documents = [doc] };

        var answer = await kit.FeedAsync(spec);

        Assert.Equal(["DMP_SIGNATURE_LOT"], answer.ErrorCodes);
        Assert.Equal([doc.UniqueId, spec.SetUniqueId], seen);
    }

    [Fact]
    public async Task Iti41_SignedLot_VerifiedAndAccepted()
    {
        await using var kit = await DmpSimKit.StartAsync(o => o.VerifyLotSignature = true);
        var doc = new PnrDocument();
        var setUniqueId = DmpSimKit.NewOid();
        var lot = await kit.SignLotAsync(setUniqueId, [doc]);

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [doc], SetUniqueId = setUniqueId, SignatureContent = lot });

        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success", answer.RegistryStatus);
    }

    [Fact]
    public async Task Iti41_SignedLotWithAlteredDocumentOrOtherSet_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync(o => o.VerifyLotSignature = true);
        var doc = new PnrDocument();
        var setUniqueId = DmpSimKit.NewOid();
        var lot = await kit.SignLotAsync(setUniqueId, [doc]);
        var altered = doc with { Content = Encoding.UTF8.GetBytes("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Autre</title></ClinicalDocument>") };

        var changedDocument = await kit.FeedAsync(new PnrSpec { Documents = [altered], SetUniqueId = setUniqueId, SignatureContent = lot });
        var otherSet = await kit.FeedAsync(new PnrSpec { Documents = [doc], SignatureContent = lot });
        var placeholder = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument()] });

        Assert.Equal(["DMP_SIGNATURE_LOT"], changedDocument.ErrorCodes);
        Assert.Equal(["DMP_SIGNATURE_LOT"], otherSet.ErrorCodes);
        Assert.Equal(["DMP_SIGNATURE_LOT"], placeholder.ErrorCodes);
        Assert.Empty(kit.Sim.GetDocuments(Ins));
    }

    [Fact]
    public async Task Iti41_HashOrSizeWrong_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var hash = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { Hash = "0000000000000000000000000000000000000000" }] });
        var size = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { Size = "3" }] });

        Assert.Equal(["XDSNonIdenticalHash"], hash.ErrorCodes);
        Assert.Equal(["XDSNonIdenticalSize"], size.ErrorCodes);
    }

    [Theory]
    [InlineData("99999-9", "10")]
    [InlineData("11490-0", "77")]
    public async Task Iti41_CodeOutsideValueSets_Refused(string typeCode, string classCode)
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { TypeCode = typeCode, ClassCode = classCode }] });

        Assert.Equal(["XDSRegistryMetadataError"], answer.ErrorCodes);
    }

    [Fact]
    public async Task Iti41_MaskedAndInvisible_RefusedUnlessParameterAllows()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var doc = new PnrDocument { Confidentiality = ["N", "MASQUE_PS", "INVISIBLE_PATIENT"] };

        var refused = await kit.FeedAsync(new PnrSpec { Documents = [doc] });
        kit.Sim.Options.AllowMaskedAndInvisible = true;
        var accepted = await kit.FeedAsync(new PnrSpec { Documents = [doc] });

        Assert.Equal(["DMP_CUMUL_MASQUE_INVISIBLE"], refused.ErrorCodes);
        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success", accepted.RegistryStatus);
    }

    [Fact]
    public async Task Iti41_MissingHasMember_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { Member = false }] });

        Assert.Equal(["XDSRegistryMetadataError"], answer.ErrorCodes);
    }

    [Fact]
    public async Task Iti41_Replace_DeprecatesTargetAndRefusesSecondReplace()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var original = new PnrDocument();
        await kit.FeedAsync(new PnrSpec { Documents = [original] });
        var target = kit.Sim.GetDocuments(Ins).Single(e => e.UniqueId == original.UniqueId).EntryUuid;

        var unknown = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { Replaces = "urn:uuid:" + Guid.NewGuid() }] });
        var replacement = new PnrDocument { Replaces = target, Content = Encoding.UTF8.GetBytes("<ClinicalDocument>v2</ClinicalDocument>") };
        var replaced = await kit.FeedAsync(new PnrSpec { Documents = [replacement] });
        var again = await kit.FeedAsync(new PnrSpec { Documents = [new PnrDocument { Replaces = target }] });

        Assert.Equal(["UnresolvedReferenceException"], unknown.ErrorCodes);
        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success", replaced.RegistryStatus);
        Assert.Equal("Deprecated", kit.Sim.GetDocuments(Ins).Single(e => e.EntryUuid == target).Status);
        Assert.Equal("Approved", kit.Sim.GetDocuments(Ins).Single(e => e.UniqueId == replacement.UniqueId).Status);
        Assert.Equal(["XDSRegistryMetadataError"], again.ErrorCodes);
    }

    [Fact]
    public async Task Iti41_BlockedProfessional_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.SetAuthorization(Ins, "899900063480", DmpAuthorization.Forbidden);

        var answer = await kit.FeedAsync(new PnrSpec());

        Assert.Equal(["DMP_PS_BLOQUE"], answer.ErrorCodes);
    }

    [Fact]
    public async Task Iti41_NoDmpOrClosed_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.UpdatePatient(Ins, p => p.State = DmpState.Closed);

        var none = await kit.FeedAsync(new PnrSpec { Ins = "277076322082910" });
        var closed = await kit.FeedAsync(new PnrSpec());

        Assert.Equal(["DMP_INEXISTANT"], none.ErrorCodes);
        Assert.Equal(["DMP_FERME"], closed.ErrorCodes);
    }

    [Fact]
    public async Task Iti41_NotMtomAndNotEnvelope_FaultMalformed()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendRawAsync("repository", "<notsoap/>", null);

        Assert.Equal(500, answer.Status);
        Assert.Equal("DMP_REQUETE_INVALIDE", answer.FaultCode);
    }
}
