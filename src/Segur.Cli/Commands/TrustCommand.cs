using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Security;

namespace Segur.Cli.Commands;

/// <summary><c>segur trust</c>: the embedded IGC-Santé trust anchors and certificate chain checks.</summary>
internal static class TrustCommand
{
    private static readonly Option<bool> TestAnchors = new("--test")
    {
        Description = "Use the ANS TEST IGC-Santé anchors (test cards and test certificates) instead of production.",
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("trust", "Show the embedded IGC-Santé trust anchors or check a certificate's chain against them.");
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateVerify(context));
        return command;
    }

    /// <summary>The <c>segur doctor</c> line: are the anchors embedded and loadable.</summary>
    public static DoctorCheck DoctorCheck()
    {
        var production = IgcSanteTrust.Production;
        var test = IgcSanteTrust.Test;
        return new DoctorCheck("trust anchors", true,
            $"IGC-Santé production: {production.Roots.Count} roots, {production.Intermediates.Count} intermediates; TEST (not trusted by default): {test.Roots.Count} root, {test.Intermediates.Count} intermediate");
    }

    private static Command CreateList(CliContext context)
    {
        var command = new Command("list", "List the embedded trust anchors.");
        command.Options.Add(TestAnchors);
        command.SetAction(parse =>
        {
            var trust = parse.GetValue(TestAnchors) ? IgcSanteTrust.Test : IgcSanteTrust.Production;
            var rows = trust.Roots.Select(c => Describe(c, "root")).Concat(trust.Intermediates.Select(c => Describe(c, "intermediate"))).ToList();
            if (parse.GetValue(CliApp.Json))
            {
                context.WriteJson(new { trust = trust.Name, certificates = rows });
            }
            else
            {
                context.Output.WriteLine(trust.Name);
                foreach (var row in rows)
                {
                    context.Output.WriteLine($"  {row.Role,-12} {row.Subject}  (until {row.NotAfter:yyyy-MM-dd}, SHA-256 {row.Sha256})");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command CreateVerify(CliContext context)
    {
        var file = new Argument<FileInfo>("certificate") { Description = "A certificate file (.cer/.crt DER or PEM)." };
        var revocation = new Option<RevocationPolicy>("--revocation")
        {
            Description = "Revocation check: Online (downloads CRLs), Offline (cached CRLs only) or NoCheck.",
            DefaultValueFactory = _ => RevocationPolicy.Online,
        };
        var command = new Command("verify", "Check that a certificate chains to the IGC-Santé anchors.");
        command.Arguments.Add(file);
        command.Options.Add(TestAnchors);
        command.Options.Add(revocation);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            X509Certificate2 certificate;
            try
            {
                var bytes = File.ReadAllBytes(path.FullName);
                certificate = bytes.Length > 0 && bytes[0] == 0x30
                    ? X509CertificateLoader.LoadCertificate(bytes)
                    : X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                return context.Fail($"segur trust verify: cannot read a certificate from '{path.Name}': {ex.Message}");
            }

            using (certificate)
            {
                var trust = parse.GetValue(TestAnchors) ? IgcSanteTrust.Test : IgcSanteTrust.Production;
                var result = trust.Evaluate(certificate, new CertificateValidationOptions { Revocation = parse.GetValue(revocation), TimeProvider = context.Time });
                if (parse.GetValue(CliApp.Json))
                {
                    context.WriteJson(new
                    {
                        trusted = result.IsTrusted,
                        errorCode = result.ErrorCode,
                        trust = trust.Name,
                        subject = certificate.Subject,
                        chain = result.Chain.Select(c => c.Subject).ToList(),
                        problems = result.Problems,
                    });
                }
                else
                {
                    context.Output.WriteLine($"{certificate.Subject}");
                    foreach (var element in result.Chain.Skip(1))
                    {
                        context.Output.WriteLine($"  <- {element.Subject}");
                    }

                    context.Output.WriteLine(result.IsTrusted ? $"trusted by {trust.Name}" : $"NOT trusted by {trust.Name}");
                }

                return result.IsTrusted
                    ? 0
                    : context.Fail($"{result.ErrorCode}: the certificate is not trusted by {trust.Name}: {string.Join("; ", result.Problems)}");
            }
        });
        return command;
    }

    private static AnchorRow Describe(X509Certificate2 certificate, string role) =>
        new(role, certificate.Subject, certificate.NotAfter.ToUniversalTime(), Convert.ToHexString(SHA256.HashData(certificate.RawData)));

    private sealed record AnchorRow(string Role, string Subject, DateTime NotAfter, string Sha256);
}
