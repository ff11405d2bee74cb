using System.Xml;
using Moq;
using Segur.Audit;
using Segur.Dmp.Access;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Xds;
using Segur.Ins;
using Xunit;

namespace Segur.Dmp.Tests.Client;

/// <summary>TD0.2–TD0.5 on the wire: the HL7v3 / proprietary request each call writes, and how replies are read.</summary>
public sealed class DmpClientTd0Tests
{
    private const string Hl7 = "urn:hl7-org:v3";

    private static XmlNamespaceManager Ns(XdsWireRequest request)
    {
        var ns = XdsTestData.Ns(request.Envelope.Document);
        ns.AddNamespace("hl7", Hl7);
        ns.AddNamespace("saml2", "urn:oasis:names:tc:SAML:2.0:assertion");
        return ns;
    }

    private static string? Value(XdsWireRequest request, string xpath) => request.Envelope.Document.SelectSingleNode(xpath, Ns(request)) switch
    {
        XmlAttribute a => a.Value,
        XmlElement e => e.InnerText,
        _ => null,
    };

    private static string Status(string queryResponse = "OK", string authorization = "VALIDE", string patientStatus = "active", string? closedOn = null,
        string ack = "AA", string observations = "", string treating = "true") =>
        $"""
        <PRPA_IN201308UV02 xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0">
          <id root="1.2.3"/><interactionId root="2.16.840.1.113883.1.6" extension="PRPA_IN201308UV02"/>
          <attentionLine><keyWordText code="AUTORISATION" codeSystem="1.2.250.1.213.4.1.2.6.1"/><value xsi:type="CS" code="{authorization}"/></attentionLine>
          <attentionLine><keyWordText code="STATUT_MT" codeSystem="1.2.250.1.213.4.1.2.6.3"/><value xsi:type="BL" value="{treating}"/></attentionLine>
          <acknowledgement><typeCode code="{ack}"/><acknowledgementDetail><code code="DMPINTERDIT"/></acknowledgementDetail></acknowledgement>
          <controlActProcess classCode="CACT" moodCode="EVN">
            <subject typeCode="SUBJ"><registrationEvent classCode="REG" moodCode="EVN"><statusCode code="active"/>
              {(closedOn is null ? "" : $"<effectiveTime><high value=\"{closedOn}\"/></effectiveTime>")}
              <subject1 typeCode="SBJ"><patient classCode="PAT"><id root="1.2.250.1.213.1.4.10" extension="279035121518989"/><statusCode code="{patientStatus}"/>
                {observations}
              </patient></subject1>
            </registrationEvent></subject>
            <queryAck><queryResponseCode code="{queryResponse}"/></queryAck>
          </controlActProcess>
        </PRPA_IN201308UV02>
        """;

    private static string Observation(string code, bool value) =>
        $"""<subjectOf1><administrativeObservation classCode="OBS" moodCode="EVN"><code code="{code}"/><value xsi:type="BL" value="{(value ? "true" : "false")}"/></administrativeObservation></subjectOf1>""";

    private static (XdsClientFixture Fixture, List<AuditRecord> Audit) Fixture(Func<XdsWireRequest, XdsWireReply> respond, Action<DmpClientOptions>? configure = null)
    {
        var records = new List<AuditRecord>();
        var audit = new Mock<IAuditTrail>();
        audit.Setup(a => a.WriteAsync(It.IsAny<AuditRecord>(), It.IsAny<CancellationToken>()))
            .Callback<AuditRecord, CancellationToken>((r, _) => records.Add(r))
            .Returns(ValueTask.CompletedTask);
        return (new XdsClientFixture(respond, o =>
        {
            o.AuditTrail = audit.Object;
            configure?.Invoke(o);
        }), records);
    }

    [Fact]
    public async Task TestExistenceAsync_Active_SendsTestExstQueryAndReadsEveryField()
    {
        var (fixture, audit) = Fixture(_ => new XdsWireReply(Status(observations:
            Observation("RATTACHEMENT_ENS", true) + Observation("COMPTE_INTERNET_OUVERT", false) + Observation("OPPOSITION_BRIS_DE_GLACE", true)
            + Observation("OPPOSITION_CENTRE_15", false))));
        using var _ = fixture;

        var status = await fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User());

        var request = Assert.Single(fixture.Wire.Requests);
        Assert.Equal("urn:hl7-org:v3:PRPA_IN201307UV02", request.Action);
        Assert.Equal("https://dmp.test/si-dmp-server/v2/services/patients", request.Envelope.Addressing.To);
        Assert.Equal("TEST_EXST", Value(request, "//hl7:PRPA_IN201307UV02/hl7:controlActProcess/hl7:reasonCode/@code"));
        Assert.Equal("PRPA_IN201307UV02", Value(request, "//hl7:PRPA_IN201307UV02/hl7:interactionId/@extension"));
        Assert.Equal("279035121518989", Value(request, "//hl7:parameterList/hl7:patientIdentifier/hl7:value/@extension"));
        Assert.Equal(InsOid.TestNir.Value, Value(request, "//hl7:parameterList/hl7:patientIdentifier/hl7:value/@root"));
        Assert.Equal("20260105084512", Value(request, "//hl7:PRPA_IN201307UV02/hl7:creationTime/@value"));
        Assert.NotNull(request.Envelope.Document.SelectSingleNode("//saml2:Assertion", Ns(request)));
        Assert.StartsWith("279035121518989^^^&", Value(request, "//saml2:Attribute[@Name='urn:oasis:names:tc:xacml:2.0:resource:resource-id']/saml2:AttributeValue"), StringComparison.Ordinal);

        Assert.Equal(DmpState.Active, status.State);
        Assert.Equal(DmpAuthorization.Valid, status.Authorization);
        Assert.True(status.IsTreatingPhysician);
        Assert.True(status.AttachedToMonEspaceSante);
        Assert.False(status.InternetAccountOpen);
        Assert.Equal(["OPPOSITION_BRIS_DE_GLACE"], status.Oppositions);
        Assert.Null(status.ClosedOn);
        var record = Assert.Single(audit);
        Assert.Equal("dmp.td02.test-existence", record.Action);
        Assert.Equal("success", record.Outcome);
    }

    [Theory]
    [InlineData("VALIDE", DmpAuthorization.Valid)]
    [InlineData("EXPIRE", DmpAuthorization.Expired)]
    [InlineData("INTERDIT", DmpAuthorization.Forbidden)]
    [InlineData("NON_EXISTE", DmpAuthorization.None)]
    public async Task TestExistenceAsync_AuthorizationCodes_Mapped(string code, DmpAuthorization expected)
    {
        var (fixture, _) = Fixture(_ => new XdsWireReply(Status(authorization: code, treating: "false")));
        using var __ = fixture;

        var status = await fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User());

        Assert.Equal(expected, status.Authorization);
        Assert.False(status.IsTreatingPhysician);
    }

    [Fact]
    public async Task TestExistenceAsync_Closed_ReturnsClosedWithDate()
    {
        var (fixture, _) = Fixture(_ => new XdsWireReply(Status(patientStatus: "terminated", closedOn: "20261001")));
        using var __ = fixture;

        var status = await fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User());

        Assert.Equal(DmpState.Closed, status.State);
        Assert.Equal(new DateOnly(2026, 10, 1), status.ClosedOn);
    }

    [Fact]
    public async Task TestExistenceAsync_NotFound_ReturnsNotFound()
    {
        const string reply = """
            <PRPA_IN201308UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="1.2.3"/><acknowledgement><typeCode code="AA"/></acknowledgement>
            <controlActProcess classCode="CACT" moodCode="EVN"><queryAck><queryResponseCode code="NF"/></queryAck></controlActProcess></PRPA_IN201308UV02>
            """;
        var (fixture, _) = Fixture(_ => new XdsWireReply(reply));
        using var __ = fixture;

        var status = await fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User());

        Assert.Equal(DmpState.NotFound, status.State);
        Assert.Equal(DmpAuthorization.None, status.Authorization);
    }

    [Fact]
    public async Task TestExistenceAsync_ErrorAcknowledgement_RefusedWithDetailCodeAndAuditedAsRefused()
    {
        var (fixture, audit) = Fixture(_ => new XdsWireReply(Status(ack: "AE")));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.Td0Refused, ex.ErrorCode);
        Assert.Equal("DMPINTERDIT", ex.ServiceCode);
        Assert.False(ex.IsTransient);
        Assert.NotNull(ex.RawFault);
        var record = Assert.Single(audit);
        Assert.Equal("refused", record.Outcome);
        Assert.Equal(DmpErrorCodes.Td0Refused, record.ErrorCode);
    }

    [Theory]
    [InlineData("<PRPA_IN201306UV02 xmlns=\"urn:hl7-org:v3\"/>")]
    [InlineData("<other xmlns=\"urn:example\"/>")]
    public async Task TestExistenceAsync_UnexpectedReply_ProtocolErrorAuditedAsFailure(string reply)
    {
        var (fixture, audit) = Fixture(_ => new XdsWireReply(reply));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.Td0ResponseInvalid, ex.ErrorCode);
        Assert.Equal("failure", Assert.Single(audit).Outcome);
    }

    [Fact]
    public async Task TestExistenceAsync_UnknownAuthorizationValue_ProtocolError()
    {
        var (fixture, _) = Fixture(_ => new XdsWireReply(Status(authorization: "PEUT_ETRE")));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.Td0ResponseInvalid, ex.ErrorCode);
        Assert.Contains("PEUT_ETRE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestExistenceAsync_Cancelled_NothingSent()
    {
        var (fixture, _) = Fixture(_ => new XdsWireReply(Status()));
        using var __ = fixture;
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Client.TestExistenceAsync(XdsTestData.Patient(), XdsTestData.User(), cts.Token));

        Assert.Empty(fixture.Wire.Requests);
    }

    [Theory]
    [InlineData(DmpAuthorizationAction.Add, "AJOUT", "dmp.td03.authorization-add")]
    [InlineData(DmpAuthorizationAction.Remove, "RETRAIT", "dmp.td03.authorization-remove")]
    public async Task SetAuthorizationAsync_WritesActionToHabilitations(DmpAuthorizationAction action, string value, string auditAction)
    {
        var (fixture, audit) = Fixture(_ => new XdsWireReply("<setAuthorizationResponse xmlns=\"urn:si-dmp-habilitations\"><status>OK</status></setAuthorizationResponse>"),
            o => o.AuthorizationRemovalAction = "RETRAIT");
        using var __ = fixture;

        await fixture.Client.SetAuthorizationAsync(XdsTestData.Patient(), XdsTestData.User(), action);

        var request = Assert.Single(fixture.Wire.Requests);
        Assert.Equal("https://dmp.test/si-dmp-server/v2/services/habilitations", request.Envelope.Addressing.To);
        Assert.Equal("urn:si-dmp-habilitations:HabilitationsEndPoint:setAuthorization", request.Action);
        var body = request.Envelope.BodyContent!;
        Assert.Equal("setAuthorization", body.LocalName);
        Assert.Equal(value, body.GetElementsByTagName("action", "urn:si-dmp-habilitations")[0]!.InnerText);
        Assert.Equal(auditAction, Assert.Single(audit).Action);
    }

    [Fact]
    public async Task SetAuthorizationAsync_ErrorStatus_Refused()
    {
        var (fixture, audit) = Fixture(_ => new XdsWireReply("<setAuthorizationResponse xmlns=\"urn:si-dmp-habilitations\"><status>KO</status></setAuthorizationResponse>"));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => fixture.Client.SetAuthorizationAsync(XdsTestData.Patient(), XdsTestData.User(), DmpAuthorizationAction.Add));

        Assert.Equal(DmpErrorCodes.Td0Refused, ex.ErrorCode);
        Assert.Equal("KO", ex.ServiceCode);
        Assert.Equal("refused", Assert.Single(audit).Outcome);
    }

    [Fact]
    public async Task SetAuthorizationAsync_AddWithoutRecordedConsent_RefusedLocallyAndAudited()
    {
        var store = new InMemoryDmpConsentStore();
        var (fixture, audit) = Fixture(_ => new XdsWireReply("<setAuthorizationResponse xmlns=\"urn:si-dmp-habilitations\"><status>OK</status></setAuthorizationResponse>"),
            o =>
            {
                o.Access = new DmpAccessOptions { Enforce = true };
                o.ConsentStore = store;
            });
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<DmpAccessDeniedException>(() => fixture.Client.SetAuthorizationAsync(XdsTestData.Patient(), XdsTestData.User(), DmpAuthorizationAction.Add));

        Assert.Equal(DmpErrorCodes.AccessConsentMissing, ex.ErrorCode);
        Assert.Empty(fixture.Wire.Requests);
        var record = Assert.Single(audit);
        Assert.Equal("refused", record.Outcome);
        Assert.Equal(DmpErrorCodes.AccessConsentMissing, record.ErrorCode);

        await store.SetAsync(XdsTestData.Patient().Ins, new DmpPatientConsent { PatientInformed = true, ConsultationConsent = true });
        await fixture.Client.SetAuthorizationAsync(XdsTestData.Patient(), XdsTestData.User(), DmpAuthorizationAction.Add);
        Assert.Single(fixture.Wire.Requests);
    }

    [Fact]
    public async Task ListPatientsAsync_WritesKindAndDate_ReturnsNewestFirst()
    {
        const string reply = """
            <patientListResponse xmlns="urn:si-dmp-patients">
              <patient><ins>279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH</ins><lastName>DUPONT</lastName><firstName>JEANNE</firstName><date>20261101093000</date></patient>
              <patient><ins>207058575627097^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH</ins><lastName>MARTIN</lastName><firstName>LUC</firstName><date>20261120080000</date></patient>
            </patientListResponse>
            """;
        var (fixture, audit) = Fixture(_ => new XdsWireReply(reply));
        using var __ = fixture;

        var list = await fixture.Client.ListPatientsAsync(XdsTestData.User(), new DmpPatientListQuery(DmpPatientListKind.LastDocument, new DateOnly(2025, 12, 1)));

        var request = Assert.Single(fixture.Wire.Requests);
        var body = request.Envelope.BodyContent!;
        Assert.Equal("patientList", body.LocalName);
        Assert.Equal("LASTDOC", body.GetElementsByTagName("type", "urn:si-dmp-patients")[0]!.InnerText);
        Assert.Equal("20251201", body.GetElementsByTagName("date", "urn:si-dmp-patients")[0]!.InnerText);
        Assert.Equal(2, list.Count);
        Assert.StartsWith("207058575627097", list[0].Ins, StringComparison.Ordinal);
        Assert.Equal("MARTIN", list[0].FamilyName);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 9, 30, 0, TimeSpan.Zero), list[1].Date);
        Assert.Equal("list:LASTDOC", Assert.Single(audit).Target);
    }

    [Fact]
    public async Task ListPatientsAsync_FutureDate_ValidationErrorNothingSent()
    {
        var (fixture, _) = Fixture(_ => new XdsWireReply("<patientListResponse xmlns=\"urn:si-dmp-patients\"/>"));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() =>
            fixture.Client.ListPatientsAsync(XdsTestData.User(), new DmpPatientListQuery(DmpPatientListKind.LastAuthorization, new DateOnly(2027, 1, 1))));

        Assert.Equal(DmpErrorCodes.Td0QueryInvalid, ex.ErrorCode);
        Assert.Empty(fixture.Wire.Requests);
    }

    [Fact]
    public async Task ListPatientsAsync_PatientWithoutIns_ProtocolError()
    {
        var (fixture, _) = Fixture(_ => new XdsWireReply("<patientListResponse xmlns=\"urn:si-dmp-patients\"><patient><lastName>X</lastName></patient></patientListResponse>"));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() =>
            fixture.Client.ListPatientsAsync(XdsTestData.User(), new DmpPatientListQuery(DmpPatientListKind.LastAuthorization, new DateOnly(2025, 1, 1))));

        Assert.Equal(DmpErrorCodes.Td0ResponseInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task FindPatientsAsync_WritesPdqTraits_ReadsCandidates()
    {
        const string reply = """
            <PRPA_IN201306UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="1.2.3"/><acknowledgement><typeCode code="AA"/></acknowledgement>
            <controlActProcess classCode="CACT" moodCode="EVN">
              <subject typeCode="SUBJ"><registrationEvent classCode="REG" moodCode="EVN"><subject1 typeCode="SBJ"><patient classCode="PAT">
                <id root="1.2.250.1.213.1.4.10" extension="279035121518989"/>
                <patientPerson><name><family>DUPONT</family><given>JEANNE</given></name><administrativeGenderCode code="F"/><birthTime value="19790315"/></patientPerson>
              </patient></subject1></registrationEvent></subject>
              <queryAck><queryResponseCode code="OK"/></queryAck>
            </controlActProcess></PRPA_IN201306UV02>
            """;
        var (fixture, _) = Fixture(_ => new XdsWireReply(reply));
        using var __ = fixture;

        var candidates = await fixture.Client.FindPatientsAsync(XdsTestData.User(),
            new DmpPatientSearch { FamilyName = " dupont ", GivenName = "Jeanne", BirthDate = new DateOnly(1979, 3, 15), Sex = "F", PostalCode = "75012" });

        var request = Assert.Single(fixture.Wire.Requests);
        Assert.Equal("urn:hl7-org:v3:PRPA_IN201305UV02", request.Action);
        Assert.Equal("dupont", Value(request, "//hl7:livingSubjectName/hl7:value/hl7:family"));
        Assert.Equal("Jeanne", Value(request, "//hl7:livingSubjectName/hl7:value/hl7:given"));
        Assert.Equal("19790315", Value(request, "//hl7:livingSubjectBirthTime/hl7:value/@value"));
        Assert.Equal("F", Value(request, "//hl7:livingSubjectAdministrativeGender/hl7:value/@code"));
        Assert.Equal("75012", Value(request, "//hl7:patientAddress/hl7:value/hl7:postalCode"));
        Assert.Null(Value(request, "//saml2:Attribute[@Name='urn:oasis:names:tc:xacml:2.0:resource:resource-id']/saml2:AttributeValue"));
        var candidate = Assert.Single(candidates);
        Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH", candidate.Ins);
        Assert.Equal("DUPONT", candidate.FamilyName);
        Assert.Equal("JEANNE", candidate.GivenName);
        Assert.Equal(new DateOnly(1979, 3, 15), candidate.BirthDate);
        Assert.Equal("F", candidate.Sex);
    }

    [Theory]
    [InlineData(" ", null)]
    [InlineData("DUPONT", "X")]
    public async Task FindPatientsAsync_InvalidQuery_ValidationErrorNothingSent(string family, string? sex)
    {
        var (fixture, _) = Fixture(_ => new XdsWireReply("<PRPA_IN201306UV02 xmlns=\"urn:hl7-org:v3\"/>"));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() =>
            fixture.Client.FindPatientsAsync(XdsTestData.User(), new DmpPatientSearch { FamilyName = family, Sex = sex }));

        Assert.Equal(DmpErrorCodes.Td0QueryInvalid, ex.ErrorCode);
        Assert.Empty(fixture.Wire.Requests);
    }

    [Fact]
    public async Task FindPatientsAsync_QueryError_Refused()
    {
        const string reply = """
            <PRPA_IN201306UV02 xmlns="urn:hl7-org:v3"><acknowledgement><typeCode code="AA"/></acknowledgement>
            <controlActProcess><queryAck><queryResponseCode code="QE"/></queryAck></controlActProcess></PRPA_IN201306UV02>
            """;
        var (fixture, _) = Fixture(_ => new XdsWireReply(reply));
        using var __ = fixture;

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => fixture.Client.FindPatientsAsync(XdsTestData.User(), new DmpPatientSearch { FamilyName = "DUPONT" }));

        Assert.Equal(DmpErrorCodes.Td0Refused, ex.ErrorCode);
    }
}
