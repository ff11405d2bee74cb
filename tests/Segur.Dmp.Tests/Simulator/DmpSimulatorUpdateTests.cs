using Segur.Dmp.Client;
using Segur.Testing.Dmp;

namespace Segur.Dmp.Tests.Simulator;

public sealed class DmpSimulatorUpdateTests
{
    private const string Ins = "279035121518989";
    private const string Approved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
    private const string Archived = "urn:asip:ci-sis:2010:StatusType:Archived";
    private const string Deleted = "urn:asip:ci-sis:2010:StatusType:Deleted";
    private const string Success = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";

    private static DmpSimulatorEntry Seed(DmpSimKit kit, string author = "899900063480") =>
        kit.Sim.AddDocument(Ins, new DmpSimulatorDocumentSeed { Content = "x"u8.ToArray(), AuthorId = author });

    private static string StatusOf(DmpSimKit kit, string entryUuid) => kit.Sim.GetDocuments(Ins).Single(e => e.EntryUuid == entryUuid).Status;

    [Fact]
    public async Task Iti57_ArchiveUnarchiveDelete_Transitions()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var entry = Seed(kit);

        var archive = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Approved, Archived));
        var archived = StatusOf(kit, entry.EntryUuid);
        var unarchive = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Archived, Approved));
        var delete = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Approved, Deleted));
        var revive = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Deleted, Approved));

        Assert.Equal(Success, archive.RegistryStatus);
        Assert.Equal("Archived", archived);
        Assert.Equal(Success, unarchive.RegistryStatus);
        Assert.Equal(Success, delete.RegistryStatus);
        Assert.Equal("Deleted", StatusOf(kit, entry.EntryUuid));
        Assert.Equal(["XDSMetadataUpdateOperationError"], revive.ErrorCodes);
    }

    [Fact]
    public async Task Iti57_DeleteByNonAuthor_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var entry = Seed(kit, author: "801234534765");

        var answer = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Approved, Deleted));

        Assert.Equal(["DMP_NON_AUTEUR"], answer.ErrorCodes);
        Assert.Equal("Approved", StatusOf(kit, entry.EntryUuid));
    }

    [Fact]
    public async Task Iti57_WrongOriginalStatusOrUnknownEntry_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var entry = Seed(kit);

        var wrong = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Archived, Approved));
        var unknown = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, "urn:uuid:" + Guid.NewGuid(), Approved, Archived));

        Assert.Equal(["XDSMetadataUpdateError"], wrong.ErrorCodes);
        Assert.Equal(["UnresolvedReferenceException"], unknown.ErrorCodes);
    }

    [Fact]
    public async Task Iti57_Visibility_NewVersionSameLidPreviousDeprecated()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var entry = Seed(kit);

        var answer = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.VisibilityUpdate(Ins, entry, "N", "INVISIBLE_PATIENT"));

        Assert.Equal(Success, answer.RegistryStatus);
        var versions = kit.Sim.GetDocuments(Ins).Where(e => e.LogicalId == entry.LogicalId).OrderBy(e => e.Version).ToList();
        Assert.Equal(2, versions.Count);
        Assert.Equal("Deprecated", versions[0].Status);
        Assert.Equal("Approved", versions[1].Status);
        Assert.Equal(2, versions[1].Version);
        Assert.NotEqual(entry.EntryUuid, versions[1].EntryUuid);
        Assert.Equal(entry.UniqueId, versions[1].UniqueId);
        Assert.Equal(["N", "INVISIBLE_PATIENT"], versions[1].ConfidentialityCodes);
        Assert.Contains("versionName=\"2\"", versions[1].MetadataXml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iti57_VisibilityStalePreviousVersionOrBothFlags_Refused()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var entry = Seed(kit);
        await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.VisibilityUpdate(Ins, entry, "N", "MASQUE_PS"));

        var stale = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.VisibilityUpdate(Ins, entry, "N"));
        var current = kit.Sim.GetDocuments(Ins).Single(e => e.LogicalId == entry.LogicalId && e.Version == 2);
        var both = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.VisibilityUpdate(Ins, current, "N", "MASQUE_PS", "INVISIBLE_PATIENT"));

        Assert.Equal(["XDSMetadataVersionError"], stale.ErrorCodes);
        Assert.Equal(["DMP_CUMUL_MASQUE_INVISIBLE"], both.ErrorCodes);
    }

    [Fact]
    public async Task Iti57_WithoutAuthorization_RefusedUnlessAlimentationProfile()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var entry = Seed(kit, author: "801234534765");
        var vihf = new VihfSpec { SubjectId = "801234534765" };

        var refused = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Approved, Archived), vihf);
        kit.Sim.Options.ManageRequiresAuthorization = false;
        var accepted = await kit.SendAsync("registry", DmpSimKit.Iti57, DmpSimKit.StatusUpdate(Ins, entry.EntryUuid, Approved, Archived), vihf);

        Assert.Equal(["DMP_ACCES_REFUSE"], refused.ErrorCodes);
        Assert.Equal(Success, accepted.RegistryStatus);
        Assert.Equal(DmpAuthorization.None, kit.Sim.GetAuthorization(Ins, "801234534765"));
    }
}
