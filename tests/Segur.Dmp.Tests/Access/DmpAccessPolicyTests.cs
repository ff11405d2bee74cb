using Segur.Dmp.Access;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Xds;
using Xunit;

namespace Segur.Dmp.Tests.Access;

/// <summary>The Ségur default access rules (dmp.md §2.5 "SDK defaults"), one rule per test.</summary>
public sealed class DmpAccessPolicyTests
{
    private static DmpPatient Patient => XdsTestData.Patient();

    private static DmpUserContext User(DmpAccessMode mode = DmpAccessMode.Normal, string? reason = null, bool secret = false) =>
        XdsTestData.User(secret) with { AccessMode = mode, AccessReason = reason };

    private static async Task<DmpAccessPolicy> PolicyAsync(DmpPatientConsent? consent, DmpAccessOptions? options = null)
    {
        var store = new InMemoryDmpConsentStore();
        if (consent is not null)
        {
            await store.SetAsync(Patient.Ins, consent);
        }

        return new DmpAccessPolicy(store, options);
    }

    private static DmpPatientStatus Status(DmpAuthorization authorization = DmpAuthorization.Valid, DmpState state = DmpState.Active, params string[] oppositions) =>
        new() { State = state, Authorization = authorization, Oppositions = oppositions };

    private static void AssertDenied(DmpAccessDecision decision, string code)
    {
        Assert.False(decision.IsAllowed);
        Assert.Equal(code, decision.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Fact]
    public async Task Feeding_InformedNotOpposed_AllowedWithoutAnyDmpAuthorisation()
    {
        var policy = await PolicyAsync(new DmpPatientConsent { PatientInformed = true });

        Assert.True((await policy.EvaluateFeedingAsync(Patient, User())).IsAllowed);
    }

    [Fact]
    public async Task Feeding_NotInformed_Denied()
    {
        AssertDenied(await (await PolicyAsync(null)).EvaluateFeedingAsync(Patient, User()), DmpErrorCodes.AccessPatientNotInformed);
    }

    [Fact]
    public async Task Feeding_NotInformedButRuleOff_Allowed()
    {
        var policy = await PolicyAsync(null, new DmpAccessOptions { RequirePatientInformed = false });

        Assert.True((await policy.EvaluateFeedingAsync(Patient, User())).IsAllowed);
    }

    [Fact]
    public async Task Feeding_Opposed_Denied()
    {
        var policy = await PolicyAsync(new DmpPatientConsent { PatientInformed = true, FeedingOpposed = true });

        AssertDenied(await policy.EvaluateFeedingAsync(Patient, User()), DmpErrorCodes.AccessFeedingOpposed);
    }

    [Fact]
    public async Task Consulting_NoConsentNoCareTeam_Denied()
    {
        var policy = await PolicyAsync(new DmpPatientConsent { PatientInformed = true });

        AssertDenied(await policy.EvaluateConsultationAsync(Patient, User()), DmpErrorCodes.AccessConsentMissing);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Consulting_ConsentOrCareTeamAndValidAuthorisation_Allowed(bool consent, bool careTeam)
    {
        var policy = await PolicyAsync(new DmpPatientConsent { ConsultationConsent = consent, CareTeam = careTeam });

        Assert.True((await policy.EvaluateConsultationAsync(Patient, User(), Status())).IsAllowed);
    }

    [Theory]
    [InlineData(DmpAuthorization.None)]
    [InlineData(DmpAuthorization.Expired)]
    public async Task Consulting_ConsentButNoValidAuthorisation_Denied(DmpAuthorization authorization)
    {
        var policy = await PolicyAsync(new DmpPatientConsent { ConsultationConsent = true });

        var decision = await policy.EvaluateConsultationAsync(Patient, User(), Status(authorization));

        AssertDenied(decision, DmpErrorCodes.AccessNotAuthorized);
        Assert.Contains(authorization == DmpAuthorization.Expired ? "expired" : "not authorised", decision.Reason!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consulting_BlockedByPatient_Denied()
    {
        var policy = await PolicyAsync(new DmpPatientConsent { ConsultationConsent = true });

        AssertDenied(await policy.EvaluateConsultationAsync(Patient, User(), Status(DmpAuthorization.Forbidden)), DmpErrorCodes.AccessForbiddenByPatient);
    }

    [Theory]
    [InlineData(DmpState.Closed)]
    [InlineData(DmpState.NotFound)]
    public async Task Consulting_NoActiveDmp_Denied(DmpState state)
    {
        var policy = await PolicyAsync(new DmpPatientConsent { ConsultationConsent = true });

        AssertDenied(await policy.EvaluateConsultationAsync(Patient, User(), Status(state: state)), DmpErrorCodes.AccessDmpNotActive);
    }

    [Theory]
    [InlineData(DmpAccessMode.BreakGlass)]
    [InlineData(DmpAccessMode.Centre15)]
    public async Task Emergency_WithoutReason_DeniedEvenWithoutConsent(DmpAccessMode mode)
    {
        var policy = await PolicyAsync(null);

        AssertDenied(await policy.EvaluateConsultationAsync(Patient, User(mode, "  ")), DmpErrorCodes.AccessReasonMissing);
    }

    [Theory]
    [InlineData(DmpAccessMode.BreakGlass)]
    [InlineData(DmpAccessMode.Centre15)]
    public async Task Emergency_WithReason_AllowedWithoutConsentOrAuthorisation(DmpAccessMode mode)
    {
        var policy = await PolicyAsync(null);

        Assert.True((await policy.EvaluateConsultationAsync(Patient, User(mode, "patient inconscient"), Status(DmpAuthorization.None))).IsAllowed);
    }

    [Theory]
    [InlineData(DmpAccessMode.BreakGlass, "OPPOSITION_BRIS_DE_GLACE")]
    [InlineData(DmpAccessMode.Centre15, "OPPOSITION_ACCES_URGENCE")]
    public async Task Emergency_PatientOpposedThatMode_Denied(DmpAccessMode mode, string opposition)
    {
        var policy = await PolicyAsync(null);

        AssertDenied(await policy.EvaluateConsultationAsync(Patient, User(mode, "urgence"), Status(DmpAuthorization.None, DmpState.Active, opposition)),
            DmpErrorCodes.AccessEmergencyOpposed);
    }

    [Fact]
    public async Task Consulting_NoConsentStore_Denied()
    {
        AssertDenied(await new DmpAccessPolicy(null).EvaluateConsultationAsync(Patient, User()), DmpErrorCodes.AccessConsentStoreMissing);
    }

    [Fact]
    public void Delete_ByAnotherProfessional_DeniedByTheAuthorAllowed()
    {
        var policy = new DmpAccessPolicy(null);
        var delete = new DmpDocumentUpdate(DmpDocumentUpdateKind.Delete);
        var entry = new DmpDocumentEntry { EntryUuid = XdsResponses.EntryUuid, UniqueId = XdsResponses.UniqueId, RepositoryUniqueId = XdsResponses.Repository, Status = DmpDocumentStatus.Approved, AuthorId = "801234534764" };

        AssertDenied(policy.EvaluateUpdate(entry, delete, User()), DmpErrorCodes.AccessNotAuthor);
        Assert.True(policy.EvaluateUpdate(entry with { AuthorId = User().User.Value }, delete, User()).IsAllowed);
        Assert.True(policy.EvaluateUpdate(entry with { AuthorId = null }, delete, User()).IsAllowed); // left to the DMP
        Assert.True(policy.EvaluateUpdate(entry, new DmpDocumentUpdate(DmpDocumentUpdateKind.Archive), User()).IsAllowed);
    }

    [Fact]
    public void Visibility_MaskedAndInvisible_DeniedUnlessTheDmpAllowsIt()
    {
        const DmpVisibility both = DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient;

        AssertDenied(new DmpAccessPolicy(null).EvaluateVisibility(both, User()), DmpErrorCodes.AccessVisibilityConflict);
        var allowing = new DmpAccessPolicy(null, new DmpAccessOptions { Parameters = new DmpParameters { AllowMaskedAndInvisible = true } });
        Assert.True(allowing.EvaluateVisibility(both, User()).IsAllowed);
    }

    [Fact]
    public void Visibility_SecretConnection_ForcesInvisibleToLegalRepresentatives()
    {
        var policy = new DmpAccessPolicy(null);
        var secret = User(secret: true);

        AssertDenied(policy.EvaluateVisibility(DmpVisibility.None, secret), DmpErrorCodes.AccessSecretConnectionVisibility);
        Assert.Equal(DmpVisibility.InvisibleToLegalRepresentatives | DmpVisibility.InvisibleToPatient, policy.ApplyVisibility(DmpVisibility.InvisibleToPatient, secret));
        Assert.Equal(DmpVisibility.InvisibleToPatient, policy.ApplyVisibility(DmpVisibility.InvisibleToPatient, User()));
        var ex = Assert.Throws<DmpAccessDeniedException>(() => policy.ApplyVisibility(DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient, User()));
        Assert.Equal(DmpErrorCodes.AccessVisibilityConflict, ex.ErrorCode);
    }
}
