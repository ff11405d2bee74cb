using Segur.Ins;
using Segur.Ins.Datamatrix;
using Segur.Ins.Insi;
using Segur.Security;
using Segur.Testing.Insi;
using Segur.Testing.Pki;

/// <summary>Quick start step: INSi search from the patient's traits, then one-click qualification on an ID check.</summary>
internal static class InsQuickstartStep
{
    public static async Task<QualifiedIns> RunAsync(string workFolder)
    {
        using var pki = TestPki.Create(name: "QUICKSTART");
        await using var insi = await InsiSimulator.StartAsync(new InsiSimulatorOptions { Pki = pki });
        using var organisation = TestPki.CreateCredential(pki.IssueOrganisationCertificate("3123456789", "INSI-MANU"));

        // The patient's record, created from the identity document before calling INSi.
        var record = IdentityRecord.CreateProvisional(InsTraits.Create("ADRTROIS", "DOMINIQUE", InsSex.Female, BirthDate.Create(1997, 2, 26), "2A020"));

        using var client = await InsiClient.CreateAsync(new InsiClientOptions
        {
            Endpoint = insi.Endpoint, // in production: the CNAM endpoint presets
            AuthenticationMode = InsiAuthenticationMode.OrganisationCertificate,
            Credential = organisation,
            Idam = "TESTSGIE0000",
            LpsName = "urn:lps:segur-quickstart:0.1",
            LpsVersion = "0.1",
            InstanceId = Guid.Parse("6b1b5f3e-4f55-4b58-9d59-5d7d9f0f6a11"),
            ServerTrust = pki.Trust,
            ServerCertificateValidation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck },
        });
        record.EnsureInsiAllowed();
        var result = await client.SearchByTraitsAsync(new InsiTraitsQuery("ADRTROIS", "DOMINIQUE", InsSex.Female, BirthDate.ParseIso("1997-02-26"), "2A020"));
        Console.WriteLine($"3. INSi answered {result.ReturnCode} ({result.ReturnLabel}); next step: {result.NextStep}");
        if (!result.IsFound)
        {
            throw new InvalidOperationException("The simulator's test identity was not found.");
        }

        var outcome = record.ApplyInsiResult(result.Identity!);
        var status = record.RecordIdentityCheck(new IdentityCheck(IdentityCheck.NationalIdentityCard, TimeProvider.System.GetUtcNow(), "CNI seen at the counter"));
        var qualified = record.GetShareableIns();
        Console.WriteLine($"4. Identity {outcome.PreviousStatus.ToCode()} → {status.ToCode()}: INS {qualified.Matricule.Value} ({qualified.Oid.Value})");

        var png = Path.Combine(workFolder, "ins-datamatrix.png");
        await File.WriteAllBytesAsync(png, InsDatamatrix.CreateSymbol(qualified).ToPng(moduleSize: 4));
        Console.WriteLine($"   INS Datamatrix for printed documents: {png}");
        return qualified;
    }
}
