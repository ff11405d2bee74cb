namespace Segur.Ins.Tests;

public class IdentityRecordTests
{
    private const string Matricule = "285032A00412371";
    private static readonly IdentityRecordOptions TestOids = new() { AllowTestOids = true };

    private static IdentityRecord NewRecord(InsTraits? traits = null) => IdentityRecord.CreateProvisional(traits ?? TestData.Ornano());

    [Fact]
    public void CreateProvisional_IsProv_AndCannotShare()
    {
        var record = NewRecord();
        Assert.Equal(IdentityStatus.Provisoire, record.Status);
        Assert.False(record.HasIns);
        Assert.True(record.CanCallInsi);
        var ex = Assert.Throws<SegurValidationException>(() => record.GetShareableIns());
        Assert.Equal(InsErrorCodes.NotQualified, ex.ErrorCode);
        Assert.Contains("PROV", ex.Message, StringComparison.Ordinal);
        Assert.False(record.TryGetShareableIns(out _));
    }

    [Fact]
    public void ApplyInsiResult_FromProv_IsRecup_AdoptsTraits_AndStillCannotShare()
    {
        var record = IdentityRecord.CreateProvisional(InsTraits.Create("D'ORNANO-MARTIN", "JEANNE", InsSex.Female, BirthDate.Create(1985, 3, 14)));
        var outcome = record.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule));
        Assert.Equal(IdentityStatus.Provisoire, outcome.PreviousStatus);
        Assert.Equal(IdentityStatus.Recuperee, outcome.Status);
        Assert.True(outcome.StatusChanged);
        Assert.Equal(["givenNames"], outcome.UpdatedTraits);
        Assert.Equal("JEANNE MARIE-ANGE", record.Traits.GivenNameList);
        Assert.True(record.HasIns);
        Assert.Equal(InsErrorCodes.NotQualified, Assert.Throws<SegurValidationException>(() => record.GetShareableIns()).ErrorCode);
    }

    [Fact]
    public void RecordIdentityCheck_FromProv_IsVali_FromRecup_IsQual()
    {
        var record = NewRecord();
        Assert.Equal(IdentityStatus.Validee, record.RecordIdentityCheck(TestData.Check()));
        Assert.False(record.TryGetShareableIns(out _));

        var recup = NewRecord();
        recup.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule));
        Assert.Equal(IdentityStatus.Qualifiee, recup.RecordIdentityCheck(TestData.Check()));
        var ins = recup.GetShareableIns();
        Assert.Equal(Matricule, ins.Matricule.Value);
        Assert.Same(InsOid.Nir, ins.Oid);
        Assert.Equal("D'ORNANO-MARTIN", ins.Traits.BirthName);
    }

    [Fact]
    public void ApplyInsiResult_FromValiWithSameTraits_IsQual()
    {
        var record = NewRecord();
        record.RecordIdentityCheck(TestData.Check());
        var outcome = record.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule));
        Assert.Equal(IdentityStatus.Qualifiee, outcome.Status);
        Assert.Empty(outcome.Discrepancies);
        Assert.True(record.TryGetShareableIns(out var ins));
        Assert.Equal(Matricule, ins.Matricule.Value);
    }

    [Fact]
    public void ApplyInsiResult_FromValiWithOtherTraits_StaysVali_AndReportsDiscrepancy()
    {
        var record = NewRecord();
        record.RecordIdentityCheck(TestData.Check());
        var other = InsTraits.Create("D'ORNANO-MARTIN", "JEANNE MARIE-ANGE", InsSex.Female, BirthDate.Create(1985, 3, 15), "2A004");
        var outcome = record.ApplyInsiResult(TestData.Retrieved(other, Matricule));
        Assert.Equal(IdentityStatus.Validee, outcome.Status);
        Assert.Equal(["birthDate"], outcome.Discrepancies);
        Assert.False(record.HasIns);
        Assert.Equal(14, record.Traits.BirthDate.Day); // validated traits are never overwritten
    }

    [Fact]
    public void ApplyInsiResult_FromQualWithOtherTraits_FallsBackToVali()
    {
        var record = NewRecord();
        record.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check());
        var other = InsTraits.Create("MARTIN", "JEANNE", InsSex.Female, BirthDate.Create(1985, 3, 14));
        var outcome = record.ApplyInsiResult(TestData.Retrieved(other, Matricule));
        Assert.Equal(IdentityStatus.Validee, outcome.Status);
        Assert.Single(record.ToState().InsHistory);
    }

    [Fact]
    public void Qualify_FromProv_IsQual_InOneStep_WithApCv()
    {
        var record = NewRecord();
        var outcome = record.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check(IdentityCheck.VitaleApplication));
        Assert.Equal(IdentityStatus.Provisoire, outcome.PreviousStatus);
        Assert.Equal(IdentityStatus.Qualifiee, outcome.Status);
        Assert.Equal("AV", record.IdentityCheck!.ValidationMode);
    }

    [Fact]
    public void Qualify_WithoutIns_ChangesNothing()
    {
        var record = NewRecord();
        var ex = Assert.Throws<SegurValidationException>(() => record.Qualify(InsIdentity.Create(TestData.Ornano()), TestData.Check()));
        Assert.Equal(InsErrorCodes.InsMissing, ex.ErrorCode);
        Assert.Equal(IdentityStatus.Provisoire, record.Status);
        Assert.Null(record.IdentityCheck);
    }

    [Fact]
    public void EditTraits_OnRecup_FallsBackToProv_OnQual_FallsBackToVali()
    {
        var recup = NewRecord();
        recup.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule));
        var edited = InsTraits.Create("D'ORNANO", "JEANNE MARIE-ANGE", InsSex.Female, BirthDate.Create(1985, 3, 14), "2A004");
        Assert.Equal(IdentityStatus.Provisoire, recup.EditTraits(edited));

        var qual = NewRecord();
        qual.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check());
        Assert.Equal(IdentityStatus.Validee, qual.EditTraits(edited));
        var state = qual.ToState();
        Assert.Null(state.Ins);
        Assert.Equal(Matricule, Assert.Single(state.InsHistory).Matricule.Value); // kept in history
        Assert.False(qual.TryGetShareableIns(out _));
    }

    [Fact]
    public void EditTraits_SameTraits_KeepsStatus_AndUpdatesUsedName()
    {
        var qual = NewRecord();
        qual.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check());
        Assert.Equal(IdentityStatus.Qualifiee, qual.EditTraits(TestData.Ornano(), usedName: "MARTIN"));
        Assert.Equal("MARTIN", qual.UsedName);
        Assert.Equal("MARTIN", qual.GetShareableIns().UsedName);
    }

    [Fact]
    public void RecordInsiVerificationFailure_Downgrades_OrIsForbiddenWithoutIns()
    {
        var qual = NewRecord();
        qual.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check());
        Assert.Equal(IdentityStatus.Validee, qual.RecordInsiVerificationFailure());
        Assert.Equal(InsErrorCodes.TransitionForbidden, Assert.Throws<SegurValidationException>(() => qual.RecordInsiVerificationFailure()).ErrorCode);

        var recup = NewRecord();
        recup.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule));
        Assert.Equal(IdentityStatus.Provisoire, recup.RecordInsiVerificationFailure());
    }

    [Theory]
    [InlineData(IdentityAttributes.Douteuse)]
    [InlineData(IdentityAttributes.Fictive)]
    public void SetAttribute_DoubtfulOrFictitious_ForcesProv_ForbidsInsi_AndClearingRestoresNothing(IdentityAttributes attribute)
    {
        var record = NewRecord();
        record.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check());
        Assert.Equal(IdentityStatus.Provisoire, record.SetAttribute(attribute));
        Assert.False(record.CanCallInsi);
        Assert.Equal(InsErrorCodes.InsiForbidden, Assert.Throws<SegurValidationException>(() => record.EnsureInsiAllowed()).ErrorCode);
        Assert.Equal(InsErrorCodes.InsiForbidden, Assert.Throws<SegurValidationException>(() => record.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule))).ErrorCode);
        Assert.Equal(InsErrorCodes.TransitionForbidden, Assert.Throws<SegurValidationException>(() => record.RecordIdentityCheck(TestData.Check())).ErrorCode);
        Assert.Equal(IdentityStatus.Provisoire, record.ClearAttribute(attribute));
        Assert.True(record.CanCallInsi);
        Assert.Null(record.IdentityCheck);
        Assert.False(record.HasIns);
    }

    [Fact]
    public void SetAttribute_DoubtfulAndFictitious_Conflict()
    {
        var record = NewRecord();
        record.SetAttribute(IdentityAttributes.Douteuse);
        Assert.Equal(InsErrorCodes.AttributesConflict, Assert.Throws<SegurValidationException>(() => record.SetAttribute(IdentityAttributes.Fictive)).ErrorCode);
        Assert.Equal(IdentityStatus.Provisoire, record.SetAttribute(IdentityAttributes.Homonyme));
        Assert.Equal(IdentityAttributes.Douteuse | IdentityAttributes.Homonyme, record.Attributes);
    }

    [Fact]
    public void SetAttribute_Homonym_KeepsQual()
    {
        var record = NewRecord();
        record.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check());
        Assert.Equal(IdentityStatus.Qualifiee, record.SetAttribute(IdentityAttributes.Homonyme));
        Assert.Equal(IdentityStatus.Qualifiee, record.ClearAttribute(IdentityAttributes.Homonyme));
    }

    [Fact]
    public void SetAttribute_Combination_IsAProgrammingError() =>
        Assert.Throws<ArgumentException>(() => NewRecord().SetAttribute(IdentityAttributes.Douteuse | IdentityAttributes.Homonyme));

    [Theory]
    [InlineData("1.2.250.1.213.1.4.10")]
    [InlineData("1.2.250.1.213.1.4.11")]
    [InlineData("1.2.250.1.213.1.4.2")]
    public void ApplyInsiResult_TestOidInProduction_Refused(string oid)
    {
        var ex = Assert.Throws<SegurValidationException>(() => NewRecord().ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule, InsOid.Parse(oid))));
        Assert.Equal(InsErrorCodes.OidNotAllowed, ex.ErrorCode);
    }

    [Fact]
    public void ApplyInsiResult_TestOidAllowed_IsAccepted()
    {
        var record = IdentityRecord.CreateProvisional(TestData.Ornano(), options: TestOids);
        Assert.Equal(IdentityStatus.Recuperee, record.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule, InsOid.TestNir)).Status);
        Assert.Equal(InsErrorCodes.OidNotAllowed, Assert.Throws<SegurValidationException>(() => record.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule, InsOid.LegacyInsC))).ErrorCode);
    }

    [Fact]
    public void ApplyInsiResult_NewMatricule_PreviousGoesToHistory_WithInsHisto()
    {
        var record = NewRecord(InsTraits.Create("ECETINSI", "PIERRE-ALAIN", InsSex.Male, BirthDate.Create(2009, 7, 14)));
        var traits = InsTraits.Create("ECETINSI", "PIERRE-ALAIN MURIEL FLORIANT", InsSex.Male, BirthDate.Create(2009, 7, 14), "63220");
        var histo = new[] { new InsIdentifier(InsMatricule.FromReceived("2090763220834", "39"), InsOid.Nir), new InsIdentifier(InsMatricule.FromReceived("2090663220123", "55"), InsOid.Nir) };
        var outcome = record.ApplyInsiResult(TestData.Retrieved(traits, "109076322083489", InsOid.Nir, histo));
        Assert.False(outcome.KeyMismatch);
        Assert.Equal(2, record.ToState().InsHistory.Count);
    }

    [Fact]
    public void ApplyInsiResult_ReceivedKeyMismatch_IsReportedNotRejected()
    {
        var record = NewRecord();
        var outcome = record.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), "285032A00412310"));
        Assert.True(outcome.KeyMismatch);
        Assert.Equal(IdentityStatus.Recuperee, outcome.Status);
    }

    [Fact]
    public void GetInsForInsiVerification_RecupGivesIns_ProvAndDoubtfulRefuse()
    {
        var record = NewRecord();
        Assert.Equal(InsErrorCodes.InsMissing, Assert.Throws<SegurValidationException>(() => record.GetInsForInsiVerification()).ErrorCode);
        record.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule));
        Assert.Equal(Matricule, record.GetInsForInsiVerification().Matricule.Value);
        record.SetAttribute(IdentityAttributes.Fictive);
        Assert.Equal(InsErrorCodes.InsiForbidden, Assert.Throws<SegurValidationException>(() => record.GetInsForInsiVerification()).ErrorCode);
    }

    [Fact]
    public void Qualify_FromValiWithOtherTraits_KeepsTheOldCheck_AndReportsDiscrepancy()
    {
        var record = NewRecord();
        var first = new IdentityCheck(IdentityCheck.Passport, TestData.Now);
        record.RecordIdentityCheck(first);
        var other = InsTraits.Create("D'ORNANO-MARTIN", "JEANNE", InsSex.Female, BirthDate.Create(1985, 3, 14), "2A004");
        var outcome = record.Qualify(TestData.Retrieved(other, Matricule), TestData.Check());
        Assert.Equal(IdentityStatus.Validee, outcome.Status);
        Assert.Equal(["givenNames"], outcome.Discrepancies);
        Assert.Same(first, record.IdentityCheck);
    }

    [Fact]
    public void EditTraits_OnVali_StaysVali()
    {
        var record = NewRecord();
        record.RecordIdentityCheck(TestData.Check());
        Assert.Equal(IdentityStatus.Validee, record.EditTraits(InsTraits.Create("MARTIN", "JEANNE", InsSex.Female, BirthDate.Create(1985, 3, 14))));
        Assert.Equal("MARTIN", record.Traits.BirthName);
    }

    [Fact]
    public void EditTraits_CosmeticSeparatorChange_CountsAsAnEdit()
    {
        var recup = NewRecord();
        recup.ApplyInsiResult(TestData.Retrieved(TestData.Ornano(), Matricule));
        var spaced = InsTraits.Create("D'ORNANO MARTIN", "JEANNE MARIE-ANGE", InsSex.Female, BirthDate.Create(1985, 3, 14), "2A004");
        Assert.Equal(IdentityStatus.Provisoire, recup.EditTraits(spaced));
    }

    [Fact]
    public void ToState_FromState_RoundTrips()
    {
        var record = NewRecord();
        record.Qualify(TestData.Retrieved(TestData.Ornano(), Matricule), TestData.Check());
        record.SetAttribute(IdentityAttributes.Homonyme);
        var restored = IdentityRecord.FromState(record.ToState());
        Assert.Equal(IdentityStatus.Qualifiee, restored.Status);
        Assert.Equal(IdentityAttributes.Homonyme, restored.Attributes);
        Assert.Equal(Matricule, restored.GetShareableIns().Matricule.Value);
    }

    [Fact]
    public void FromState_StatusNotMatchingFacts_Throws()
    {
        var state = new IdentityRecordState { Traits = TestData.Ornano(), Status = IdentityStatus.Qualifiee, IdentityCheck = TestData.Check() };
        var ex = Assert.Throws<SegurValidationException>(() => IdentityRecord.FromState(state));
        Assert.Equal(InsErrorCodes.RecordStateInvalid, ex.ErrorCode);
        Assert.Contains("QUAL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromState_DoubtfulWithIns_Throws()
    {
        var state = new IdentityRecordState
        {
            Traits = TestData.Ornano(),
            Status = IdentityStatus.Recuperee,
            Attributes = IdentityAttributes.Douteuse,
            Ins = new InsIdentifier(InsMatricule.Parse(Matricule), InsOid.Nir),
        };
        Assert.Equal(InsErrorCodes.RecordStateInvalid, Assert.Throws<SegurValidationException>(() => IdentityRecord.FromState(state)).ErrorCode);
        Assert.Equal(InsErrorCodes.AttributesConflict, Assert.Throws<SegurValidationException>(() => IdentityRecord.FromState(new IdentityRecordState
        {
            Traits = TestData.Ornano(),
            Attributes = IdentityAttributes.Douteuse | IdentityAttributes.Fictive,
        })).ErrorCode);
    }

    [Fact]
    public void IdentityCheck_UnknownMode_Throws() =>
        Assert.Equal(InsErrorCodes.IdentityCheckInvalid, Assert.Throws<SegurValidationException>(() => new IdentityCheck("XX", TestData.Now)).ErrorCode);

    [Theory]
    [InlineData(IdentityStatus.Provisoire, "PROV")]
    [InlineData(IdentityStatus.Recuperee, "RECUP")]
    [InlineData(IdentityStatus.Validee, "VALI")]
    [InlineData(IdentityStatus.Qualifiee, "QUAL")]
    public void StatusCode_IsTheRnivCode(IdentityStatus status, string code) => Assert.Equal(code, status.ToCode());
}
