using Segur.Testing.Dmp;

namespace Segur.Dmp.Tests.Simulator;

public sealed class DmpSimulatorVihfTests
{
    private static string Td02Body(string ins = "279035121518989") =>
        "<PRPA_IN201307UV02 xmlns=\"urn:hl7-org:v3\" ITSVersion=\"XML_1.0\"><id root=\"1.2.3\" extension=\"42\"/><interactionId root=\"2.16.840.1.113883.1.6\" extension=\"PRPA_IN201307UV02\"/>"
        + "<controlActProcess classCode=\"CACT\" moodCode=\"EVN\"><reasonCode code=\"TEST_EXST\" codeSystem=\"1.2.250.1.213.1.1.4.11\"/>"
        + $"<queryByParameter><queryId root=\"1.2.3\" extension=\"q1\"/><parameterList><patientIdentifier><value root=\"1.2.250.1.213.1.4.10\" extension=\"{ins}\"/><semanticsText>Patient.id</semanticsText></patientIdentifier></parameterList></queryByParameter>"
        + "</controlActProcess></PRPA_IN201307UV02>";

    [Theory]
    [InlineData(true, "Authentification_Mode", "http://www.w3.org/2000/09/xmldsig#rsa-sha1")]
    [InlineData(false, "Authentification_mode", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")]
    public async Task Vihf_Sha1OrSha256AndBothSpellings_AcceptedAndRecorded(bool sha1, string spelling, string method)
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Sha1 = sha1, ModeAttribute = spelling });

        Assert.Equal(200, answer.Status);
        var vihf = Assert.Single(kit.Sim.ReceivedVihfs);
        Assert.Null(vihf.Error);
        Assert.Equal(spelling, vihf.ModeAttributeName);
        Assert.Equal(method, vihf.SignatureMethod);
        Assert.Equal("INDIRECTE", vihf.Mode);
        Assert.Equal(["10", "SM26"], vihf.Roles);
    }

    [Fact]
    public async Task Vihf_Missing_FaultVihfMissing()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendRawAsync("patients", DmpSimKit.Envelope(DmpSimKit.Td02, null, Td02Body()), null);

        Assert.Equal(500, answer.Status);
        Assert.Equal("DMP_VIHF_ABSENT", answer.FaultCode);
        Assert.Equal("env:Sender", answer.Value("//env:Fault/env:Code/env:Value"));
    }

    [Fact]
    public async Task Vihf_Tampered_FaultSignature()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Tamper = true });

        Assert.Equal("DMP_VIHF_SIGNATURE", answer.FaultCode);
        Assert.Equal("DMP_VIHF_SIGNATURE", Assert.Single(kit.Sim.ReceivedVihfs).Error);
    }

    [Fact]
    public async Task Vihf_SignerFromAnotherPki_FaultSignature()
    {
        await using var kit = await DmpSimKit.StartAsync();
        using var other = Segur.Testing.Pki.TestPki.Create(kit.Time, "OTHER");
        using var signer = other.IssueOrganisationCertificate("10B0127189", "DMP-SIGN");

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Signer = signer });

        Assert.Equal("DMP_VIHF_SIGNATURE", answer.FaultCode);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task Vihf_IssueInstantOutsideSkew_FaultExpired(int minutes)
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { IssueOffset = TimeSpan.FromMinutes(minutes) });

        Assert.Equal("DMP_VIHF_PERIME", answer.FaultCode);
    }

    [Fact]
    public async Task Vihf_ClockAdvancedWithinSkew_Accepted()
    {
        await using var kit = await DmpSimKit.StartAsync();
        var vihf = kit.BuildVihf(new VihfSpec());
        kit.Time.Advance(TimeSpan.FromMinutes(4));

        var accepted = await kit.SendRawAsync("patients", DmpSimKit.Envelope(DmpSimKit.Td02, vihf, Td02Body()), null);
        kit.Time.Advance(TimeSpan.FromMinutes(2));
        var refused = await kit.SendRawAsync("patients", DmpSimKit.Envelope(DmpSimKit.Td02, vihf, Td02Body()), null);

        Assert.Equal(200, accepted.Status);
        Assert.Equal("DMP_VIHF_PERIME", refused.FaultCode);
    }

    [Theory]
    [InlineData("VIHF_Version")]
    [InlineData("Authentification_Mode")]
    [InlineData("Identifiant_Structure")]
    [InlineData("Secteur_Activite")]
    [InlineData("urn:oasis:names:tc:xacml:2.0:resource:resource-id")]
    [InlineData("Ressource_URN")]
    [InlineData("purposeofuse")]
    [InlineData("role")]
    [InlineData("NameID")]
    [InlineData("LPS_ID_HOMOLOGATION_DMP")]
    [InlineData("urn:oasis:names:tc:xspa:1.0:subject:subject-id")]
    public async Task Vihf_RequiredAttributeMissing_FaultAttribute(string omitted)
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Omit = new HashSet<string> { omitted } });

        Assert.Equal("DMP_VIHF_ATTRIBUT", answer.FaultCode);
    }

    [Fact]
    public async Task Vihf_DirectModeWithoutSubjectId_Accepted()
    {
        await using var kit = await DmpSimKit.StartAsync();
        using var card = kit.Sim.Pki.IssuePersonalCertificate("899900063480", "MEDECIN", "Jean", "Médecin");

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(),
            new VihfSpec { Mode = "DIRECTE", Signer = card, Omit = new HashSet<string> { "urn:oasis:names:tc:xspa:1.0:subject:subject-id" } });

        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task Vihf_PhysicianWithOneRole_FaultAttribute()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var physician = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Roles = [("10", "1.2.250.1.71.1.2.7")] });
        var pharmacist = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Roles = [("21", "1.2.250.1.71.1.2.7")] });
        var nurse = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Roles = [("60", "1.2.250.1.71.1.2.7")] });

        Assert.Equal("DMP_VIHF_ATTRIBUT", physician.FaultCode);
        Assert.Equal("DMP_VIHF_ATTRIBUT", pharmacist.FaultCode);
        Assert.Equal(200, nurse.Status);
    }

    [Fact]
    public async Task Vihf_DirectModeNameIdNotCardHolder_FaultMode()
    {
        await using var kit = await DmpSimKit.StartAsync();
        using var card = kit.Sim.Pki.IssuePersonalCertificate("801234534765", "AUTRE", "Paul", "Médecin");

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Mode = "DIRECTE", Signer = card });

        Assert.Equal("DMP_VIHF_MODE", answer.FaultCode);
    }

    [Fact]
    public async Task Vihf_IndirectStructureNotInSignerOu_FaultMode()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { StructureId = "3123456789012345" });

        Assert.Equal("DMP_VIHF_MODE", answer.FaultCode);
    }

    [Fact]
    public async Task Vihf_ReinforcedWithoutDeclaration_FaultMode()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var without = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Mode = "INDIRECTE_RENFORCEE", AirDeclaration = false });
        var with = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body(), new VihfSpec { Mode = "INDIRECTE_RENFORCEE" });

        Assert.Equal("DMP_VIHF_MODE", without.FaultCode);
        Assert.Equal(200, with.Status);
    }

    [Fact]
    public async Task Vihf_ResourceIdNotRequestPatient_FaultPatientMismatch()
    {
        await using var kit = await DmpSimKit.StartAsync();

        var answer = await kit.SendAsync("patients", DmpSimKit.Td02, Td02Body("207058575627097"), new VihfSpec());

        Assert.Equal("DMP_PATIENT_VIHF", answer.FaultCode);
    }

    [Fact]
    public async Task Vihf_ConfiguredCode_UsedInFault()
    {
        await using var kit = await DmpSimKit.StartAsync(o => o.ErrorCodes.VihfMissing = "DMPVIHF_ERR_01");

        var answer = await kit.SendRawAsync("patients", DmpSimKit.Envelope(DmpSimKit.Td02, null, Td02Body()), null);

        Assert.Equal("DMPVIHF_ERR_01", answer.FaultCode);
    }
}
