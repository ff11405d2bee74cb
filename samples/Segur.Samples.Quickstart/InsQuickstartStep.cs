using System.Text;
using Segur.Audit;
using Segur.Cps.Serial;
using Segur.Ins;
using Segur.Ins.Datamatrix;
using Segur.Ins.Insi;
using Segur.Ins.Sentinelle;
using Segur.Security;
using Segur.Testing.Insi;
using Segur.Testing.Pki;

/// <summary>Quick start step: the patient's record is opened (background INSi check, Sentinelle), then qualified in one
/// call on the identity card; the printed INS Datamatrix is scanned back to find the record.</summary>
internal static class InsQuickstartStep
{
    public static async Task<QualifiedIns> RunAsync(string workFolder, IAuditTrail audit)
    {
        using var pki = TestPki.Create(name: "QUICKSTART");
        await using var insi = await InsiSimulator.StartAsync(new InsiSimulatorOptions { Pki = pki });
        using var organisation = TestPki.CreateCredential(pki.IssueOrganisationCertificate("3123456789", "INSI-MANU"));
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

        // The pharmacy's patient store (yours implements IPatientDirectory) holds the record typed at the counter.
        var directory = new InMemoryPatientDirectory();
        var record = directory.Seed("patient-42", IdentityRecord.CreateProvisional(
            InsTraits.Create("ADRTROIS", "DOMINIQUE", InsSex.Female, BirthDate.Create(1997, 2, 26), "2A020")));
        await using var sentinelle = new SentinelleService(client, directory, new SentinelleOptions { AuditTrail = audit, Actor = "quickstart" });

        // Opening the record never waits for INSi: the check runs in the background and its outcome is published.
        var check = sentinelle.OnRecordOpened(record);
        var outcome = await check.Completion;
        Console.WriteLine($"3. Record opened ({check.Status}); INSi answered {outcome.ReturnCode}: {outcome.Kind}, status now {outcome.Status?.ToCode()}");
        if (outcome.Kind != InsiCheckKind.FoundTraitsMatch)
        {
            throw new InvalidOperationException($"The simulator's test identity was not found ({outcome.Kind} {outcome.ErrorCode}).");
        }

        // One call once INSi agreed and the identity card was seen: RECUP → QUAL, saved and audited.
        var qualification = await sentinelle.QualifyAsync("patient-42", IdentityEvidence.Document(IdentityCheck.NationalIdentityCard, "CNI seen at the counter"));
        var qualified = qualification.Ins;
        Console.WriteLine($"4. Identity {record.Identity.Status.ToCode()} → {qualification.Status.ToCode()} (INSi: {qualification.PreviousStatus.ToCode()}, then the identity card): INS {qualified.Matricule.Value} ({qualified.Oid.Value})");

        var png = Path.Combine(workFolder, "ins-datamatrix.png");
        await File.WriteAllBytesAsync(png, InsDatamatrix.CreateSymbol(qualified).ToPng(moduleSize: 4));
        Console.WriteLine($"   INS Datamatrix for printed documents: {png}");

        // A 2D scanner reads the Datamatrix back (AIM prefix, CR LF): the same ScannedCode a BarcodeScanner yields.
        var scanner = new ScanFrameDecoder();
        foreach (var code in scanner.Feed(Encoding.Latin1.GetBytes("]d1" + InsDatamatrix.CreateContent(qualified) + "\r\n")))
        {
            var lookup = await sentinelle.FindFromDatamatrixAsync(code.Text);
            Console.WriteLine($"   Scanned INS Datamatrix ({code.SymbologyIdentifier}) → record {lookup.Record?.Id}: {lookup.Kind}");
        }

        return qualified;
    }
}
