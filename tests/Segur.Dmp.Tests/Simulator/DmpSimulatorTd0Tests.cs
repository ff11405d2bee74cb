using Segur.Dmp.Client;

namespace Segur.Dmp.Tests.Simulator;

public sealed class DmpSimulatorTd0Tests
{
    private const string Ins = "279035121518989";

    private static string Td02(string ins) =>
        "<PRPA_IN201307UV02 xmlns=\"urn:hl7-org:v3\" ITSVersion=\"XML_1.0\"><id root=\"1.2.3\" extension=\"m1\"/><interactionId root=\"2.16.840.1.113883.1.6\" extension=\"PRPA_IN201307UV02\"/>"
        + "<controlActProcess classCode=\"CACT\" moodCode=\"EVN\"><reasonCode code=\"TEST_EXST\" codeSystem=\"1.2.250.1.213.1.1.4.11\"/>"
        + $"<queryByParameter><queryId root=\"1.2.3\" extension=\"q1\"/><parameterList><patientIdentifier><value root=\"1.2.250.1.213.1.4.10\" extension=\"{ins}\"/></patientIdentifier></parameterList></queryByParameter>"
        + "</controlActProcess></PRPA_IN201307UV02>";

    private static string Authorization(SimAnswer answer) => answer.Value("//hl7:attentionLine[hl7:keyWordText/@code='AUTORISATION']/hl7:value/@code")!;

    private static string? Observation(SimAnswer answer, string code) => answer.Value($"//hl7:administrativeObservation[hl7:code/@code='{code}']/hl7:value/@value");

    [Fact]
    public async Task Td02_ActiveAuthorisedTreating_ReturnsStatus()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02(Ins));

        Assert.Equal("urn:hl7-org:v3:PRPA_IN201308UV02", answer.Value("//wsa:Action"));
        Assert.Equal("OK", answer.Value("//hl7:queryResponseCode/@code"));
        Assert.Equal("VALIDE", Authorization(answer));
        Assert.Equal("true", answer.Value("//hl7:attentionLine[hl7:keyWordText/@code='STATUT_MT']/hl7:value/@value"));
        Assert.Equal("active", answer.Value("//hl7:patient/hl7:statusCode/@code"));
        Assert.Equal(Ins, answer.Value("//hl7:patient/hl7:id/@extension"));
        Assert.Equal("true", Observation(answer, "RATTACHEMENT_ENS"));
        Assert.Equal("m1", answer.Value("//hl7:acknowledgement/hl7:targetMessage/hl7:id/@extension"));
    }

    [Fact]
    public async Task Td02_OpposedPatientWithoutAuthorisation_ReturnsNonExisteAndOpposition()
    {
        await using var kit = await DmpSimKit.StartAsync();
        const string Opposed = "207058575627097";

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02(Opposed), new VihfSpec { Ins = Opposed });

        Assert.Equal("NON_EXISTE", Authorization(answer));
        Assert.Equal("false", Observation(answer, "RATTACHEMENT_ENS"));
        Assert.Equal("true", Observation(answer, "OPPOSITION_BRIS_DE_GLACE"));
        Assert.Equal("false", answer.Value("//hl7:attentionLine[hl7:keyWordText/@code='STATUT_MT']/hl7:value/@value"));
    }

    [Fact]
    public async Task Td02_NoDmp_NotFound()
    {
        await using var kit = await DmpSimKit.StartAsync();
        const string None = "277076322082910";

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02(None), new VihfSpec { Ins = None });

        Assert.Equal("NF", answer.Value("//hl7:queryResponseCode/@code"));
        Assert.Equal(0, answer.Count("//hl7:patient"));
    }

    [Theory]
    [InlineData(DmpAuthorization.Expired, "EXPIRE")]
    [InlineData(DmpAuthorization.Forbidden, "INTERDIT")]
    public async Task Td02_ClosedWithAuthorisation_TerminatedWithStatus(DmpAuthorization authorization, string code)
    {
        await using var kit = await DmpSimKit.StartAsync();
        var patient = kit.Sim.GetPatient(Ins)!;
        patient.State = DmpState.Closed;
        patient.ClosedOn = new DateOnly(2026, 10, 1);
        kit.Sim.SetAuthorization(Ins, "899900063480", authorization);

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02(Ins));

        Assert.Equal("terminated", answer.Value("//hl7:patient/hl7:statusCode/@code"));
        Assert.Equal("20261001", answer.Value("//hl7:registrationEvent/hl7:effectiveTime/hl7:high/@value"));
        Assert.Equal(code, Authorization(answer));
    }

    [Fact]
    public async Task Td03_AddAndRemove_ChangesAuthorisation()
    {
        await using var kit = await DmpSimKit.StartAsync();
        const string Ps = "801234534765";
        const string Ns = "urn:si-dmp-habilitations";
        var vihf = new VihfSpec { SubjectId = Ps };

        var add = await kit.SendAsync("habilitations", DmpSimKit.Td03, $"<setAuthorization xmlns=\"{Ns}\"><action>AJOUT</action></setAuthorization>", vihf);
        var added = kit.Sim.GetAuthorization(Ins, Ps);
        var remove = await kit.SendAsync("habilitations", DmpSimKit.Td03, $"<setAuthorization xmlns=\"{Ns}\"><action>SUPPRESSION</action></setAuthorization>", vihf);

        Assert.Equal(200, add.Status);
        Assert.Equal(DmpAuthorization.Valid, added);
        Assert.Equal(200, remove.Status);
        Assert.Equal(DmpAuthorization.None, kit.Sim.GetAuthorization(Ins, Ps));
    }

    [Fact]
    public async Task Td03_BlockedOrNoDmpOrBadAction_Fault()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.SetAuthorization(Ins, "801234534765", DmpAuthorization.Forbidden);
        const string Body = "<setAuthorization xmlns=\"urn:si-dmp-habilitations\"><action>AJOUT</action></setAuthorization>";

        var blocked = await kit.SendAsync("habilitations", DmpSimKit.Td03, Body, new VihfSpec { SubjectId = "801234534765" });
        var none = await kit.SendAsync("habilitations", DmpSimKit.Td03, Body, new VihfSpec { Ins = "277076322082910" });
        var bad = await kit.SendAsync("habilitations", DmpSimKit.Td03, "<setAuthorization xmlns=\"urn:si-dmp-habilitations\"><action>PEUTETRE</action></setAuthorization>");

        Assert.Equal("DMP_PS_BLOQUE", blocked.FaultCode);
        Assert.Equal(DmpAuthorization.Forbidden, kit.Sim.GetAuthorization(Ins, "801234534765"));
        Assert.Equal("DMP_INEXISTANT", none.FaultCode);
        Assert.Equal("DMP_REQUETE_INVALIDE", bad.FaultCode);
    }

    [Fact]
    public async Task Td03_WrongService_ActionNotSupported()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td03, "<setAuthorization xmlns=\"urn:si-dmp-habilitations\"><action>AJOUT</action></setAuthorization>");

        Assert.Equal("DMP_REQUETE_INVALIDE", answer.FaultCode);
        Assert.Equal("wsa:ActionNotSupported", answer.Value("//env:Subcode/env:Value"));
    }

    [Fact]
    public async Task Td04_LastAuthorization_ListsAuthorisedPatients()
    {
        await using var kit = await DmpSimKit.StartAsync();
        const string Ns = "urn:si-dmp-patients";

        var answer = await kit.SendAsync("patients", DmpSimKit.Td04, $"<patientList xmlns=\"{Ns}\"><type>LASTAUTORIZATION</type><date>20260101</date></patientList>");
        var future = await kit.SendAsync("patients", DmpSimKit.Td04, $"<patientList xmlns=\"{Ns}\"><type>LASTAUTORIZATION</type><date>20270101</date></patientList>");
        var lastDoc = await kit.SendAsync("patients", DmpSimKit.Td04, $"<patientList xmlns=\"{Ns}\"><type>LASTDOC</type><date>20260101</date></patientList>");

        var ns = answer.Ns;
        ns.AddNamespace("p", Ns);
        Assert.Equal($"{Ins}^^^&1.2.250.1.213.1.4.10&ISO^NH", answer.Xml!.SelectSingleNode("//p:patient/p:ins", ns)!.InnerText);
        Assert.Equal("DUPONT", answer.Xml.SelectSingleNode("//p:patient/p:lastName", ns)!.InnerText);
        Assert.Equal(0, future.Xml!.SelectNodes("//p:patient", ns)!.Count);
        Assert.Equal(0, lastDoc.Xml!.SelectNodes("//p:patient", ns)!.Count);
    }

    [Fact]
    public async Task Td05_SearchByTraits_FindsPatientsWithDmp()
    {
        await using var kit = await DmpSimKit.StartAsync();
        static string Query(string family, string birth) =>
            "<PRPA_IN201305UV02 xmlns=\"urn:hl7-org:v3\" ITSVersion=\"XML_1.0\"><id root=\"1.2.3\"/><controlActProcess classCode=\"CACT\" moodCode=\"EVN\"><queryByParameter><queryId root=\"1.2.3\" extension=\"q5\"/><parameterList>"
            + $"<livingSubjectBirthTime><value value=\"{birth}\"/></livingSubjectBirthTime><livingSubjectName><value><family>{family}</family><given>Jeanne</given></value></livingSubjectName>"
            + "</parameterList></queryByParameter></controlActProcess></PRPA_IN201305UV02>";

        var found = await kit.SendAsync("patients", DmpSimKit.Td05, Query("Dupont", "19790315"));
        var noDmp = await kit.SendAsync("patients", DmpSimKit.Td05, Query("DURAND", "19770706"));

        Assert.Equal("OK", found.Value("//hl7:queryResponseCode/@code"));
        Assert.Equal(Ins, found.Value("//hl7:patient/hl7:id/@extension"));
        Assert.Equal("NF", noDmp.Value("//hl7:queryResponseCode/@code"));
    }
}
