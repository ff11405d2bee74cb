using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Segur.Dmp.Xds;
using Segur.Testing.Pki;

namespace Segur.IntegrationTests;

/// <summary>
/// The DMP XAdES lot signature checked by an independent implementation, xmlsec1 (component
/// <c>tests/env/components/xml-tools.sh</c>). xmlsec1 validates the SignedInfo layer (signature value, the manifest and
/// XAdES signed-properties references, certificate chain to the test root) and, with <c>--url-map</c> resolving the
/// <c>urn:oid:</c> URIs to files, each manifest reference (reported per reference with <c>--print-debug</c>; XML-DSig
/// leaves the manifest's outcome to the application, so it does not change the exit code).
/// </summary>
public sealed class DmpLotSignatureXmlSec1Tests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("segur-lot-xmlsec1-").FullName;
    private const string SetId = "1.2.250.1.999.1.1.7898.1";
    private const string DocumentId = "2.25.42";
    private readonly TestPki _pki = TestPki.Create(name: "LOTXMLSEC");

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [IntegrationFact("SEGUR_TEST_XMLSEC1")]
    public Task Xmlsec1_VerifiesSha1LotSignature_AndRejectsTamperedManifest() => VerifyAsync("SHA1");

    [IntegrationFact("SEGUR_TEST_XMLSEC1")]
    public Task Xmlsec1_VerifiesSha256LotSignature_AndRejectsTamperedManifest() => VerifyAsync("SHA256");

    private async Task VerifyAsync(string hashName)
    {
        using var signer = _pki.IssueOrganisationCertificate("10B0127189", "ORG-SIGN", "CLINIQUE DU TEST");
        using var credential = TestPki.CreateCredential(signer);
        var cda = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><!-- N1 --><id root=\"2.25.42\"/></ClinicalDocument>");
        var input = new DmpLotSignatureInput(SetId, [new DmpLotDocument(DocumentId, cda)]) { SignatureId = "1.2.250.1.999.1.1.7898.3" };
        var signature = await DmpLotSignature.SignAsync(input, credential, new HashAlgorithmName(hashName), DateTimeOffset.UtcNow);
        var lot = Write("lot.xml", signature);

        var ok = await RunXmlSec1Async(lot, Write("cda.xml", cda));
        // Only a comment changes: Canonical XML *with comments* must make the document reference fail.
        var documentChanged = await RunXmlSec1Async(lot, Write("cda-changed.xml", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(cda).Replace("N1", "N2", StringComparison.Ordinal))));
        var manifestChanged = await RunXmlSec1Async(
            Write("lot-tampered.xml", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signature).Replace(">AA==<", ">AQ==<", StringComparison.Ordinal))),
            Write("cda2.xml", cda));

        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Contains("SignedInfo References (ok/all): 2/2", ok.Output, StringComparison.Ordinal);
        Assert.Contains("== Status: succeeded\n== URI: \"urn:oid:" + DocumentId + "\"", ok.Output, StringComparison.Ordinal);
        Assert.True(documentChanged.ExitCode == 0, documentChanged.Output); // manifest references do not decide the signature status
        Assert.Contains("== Status: invalid\n== URI: \"urn:oid:" + DocumentId + "\"", documentChanged.Output, StringComparison.Ordinal);
        Assert.True(manifestChanged.ExitCode != 0, manifestChanged.Output);
        Assert.Contains("FAIL", manifestChanged.Output, StringComparison.Ordinal);
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private async Task<(int ExitCode, string Output)> RunXmlSec1Async(string file, string documentFile)
    {
        // The set reference carries the DMP's one-byte placeholder digest: it is mapped to an empty file and reported
        // invalid by xmlsec1, which is expected (the set has no content of its own).
        var empty = Path.Combine(_dir, "empty");
        await File.WriteAllBytesAsync(empty, []);
        var root = Path.Combine(_dir, "root.pem");
        var organisations = Path.Combine(_dir, "organisations-ca.pem");
        await File.WriteAllTextAsync(root, TestPki.ExportCertificatePem(_pki.Root) + "\n");
        await File.WriteAllTextAsync(organisations, TestPki.ExportCertificatePem(_pki.OrganisationsCa) + "\n");
        var start = new ProcessStartInfo(TestEnv.Require("SEGUR_TEST_XMLSEC1"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--verify", "--trusted-pem", root, "--untrusted-pem", organisations,
            "--id-attr:Id", "http://www.w3.org/2000/09/xmldsig#:Manifest",
            "--id-attr:Id", DmpLotSignature.XadesNamespace + ":SignedProperties",
            "--url-map:urn:oid:" + SetId, empty, "--url-map:urn:oid:" + DocumentId, documentFile,
            "--print-debug", file,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
