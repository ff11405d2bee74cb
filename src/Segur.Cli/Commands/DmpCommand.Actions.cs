using System.CommandLine;
using System.Globalization;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Cli.Commands;

/// <summary>The <c>segur dmp</c> subcommands.</summary>
internal static partial class DmpCommand
{
    private const string ClassCodeSystem = "1.2.250.1.213.1.1.4.1";

    private static Command TestExistenceCommand(CliContext context, SharedOptions o)
    {
        var command = NewCommand("test-existence",
            "TD0.2: whether the patient has a DMP, your authorisation on it, the patient's oppositions. Exit 0: DMP active; 2: no DMP or closed; 1: error.",
            o, patientOptions: true);
        command.SetAction((parse, cancellationToken) => RunAsync(context, "segur dmp test-existence", async () =>
        {
            var patient = await ReadPatientAsync(context, parse, o, cancellationToken).ConfigureAwait(false);
            using var connection = await ConnectAsync(context, parse, o, cancellationToken).ConfigureAwait(false);
            var status = await connection.Client.TestExistenceAsync(patient, connection.User, cancellationToken).ConfigureAwait(false);
            context.Write(parse, new
            {
                state = status.State.ToString(),
                authorization = status.Authorization.ToString(),
                isTreatingPhysician = status.IsTreatingPhysician,
                attachedToMonEspaceSante = status.AttachedToMonEspaceSante,
                internetAccountOpen = status.InternetAccountOpen,
                oppositions = status.Oppositions,
                closedOn = status.ClosedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }, output =>
            {
                output.WriteLine($"DMP                 {status.State}{(status.ClosedOn is { } closed ? " on " + closed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty)}");
                output.WriteLine($"Authorisation       {status.Authorization}");
                output.WriteLine($"Treating physician  {YesNo(status.IsTreatingPhysician)}");
                output.WriteLine($"Mon espace santé    {YesNo(status.AttachedToMonEspaceSante)}");
                output.WriteLine($"Internet account    {YesNo(status.InternetAccountOpen)}");
                output.WriteLine($"Oppositions         {(status.Oppositions.Count == 0 ? "none" : string.Join(", ", status.Oppositions))}");
            });
            return status.State == DmpState.Active ? 0 : 2;
        }, cancellationToken));
        return command;
    }

    private static Command SendCommand(CliContext context, SharedOptions o)
    {
        var cda = new Option<FileInfo?>("--cda") { Description = "The CDA to send (e.g. written by 'segur cda n1'); the patient and ids are read from it (required)." };
        var classCode = new Option<string?>("--class-code") { Description = "The XDS classCode (TRE_A03, e.g. 10 compte rendu; the typeCode → classCode table is not public) (required)." };
        var replace = new Option<string?>("--replace") { Description = "Replace (RPLC) the document with this uniqueId: the CDA must be its next version ('segur cda n1 --replaces …')." };
        var hiddenFromProfessionals = new Option<bool>("--hidden-from-professionals") { Description = "MASQUE_PS: hidden from other professionals." };
        var hiddenFromPatient = new Option<bool>("--hidden-from-patient") { Description = "INVISIBLE_PATIENT: not visible to the patient until informed." };
        var hiddenFromRepresentatives = new Option<bool>("--hidden-from-legal-representatives") { Description = "INVISIBLE_REPRESENTANTS_LEGAUX: not visible to a minor's legal representatives." };
        var command = NewCommand("send", "TD2.1: send a CDA to the patient's DMP (XAdES-signed submission set). Prints the uniqueId.", o, patientOptions: false,
            cda, classCode, replace, hiddenFromProfessionals, hiddenFromPatient, hiddenFromRepresentatives);
        command.SetAction((parse, cancellationToken) => RunAsync(context, "segur dmp send", async () =>
        {
            var file = parse.GetValue(cda) ?? throw new UsageException("--cda is required.");
            var code = parse.GetValue(classCode);
            if (string.IsNullOrWhiteSpace(code))
            {
                throw new UsageException($"--class-code is required (TRE_A03, system {ClassCodeSystem}, e.g. 10).");
            }

            var (info, bytes) = await ReadCdaAsync(file, "--cda", cancellationToken).ConfigureAwait(false);
            var patient = PatientFromCda(context, info, parse.GetValue(o.IdentityCheck) ?? "CN");
            var visibility = (parse.GetValue(hiddenFromProfessionals) ? DmpVisibility.HiddenFromProfessionals : DmpVisibility.None)
                | (parse.GetValue(hiddenFromPatient) ? DmpVisibility.InvisibleToPatient : DmpVisibility.None)
                | (parse.GetValue(hiddenFromRepresentatives) ? DmpVisibility.InvisibleToLegalRepresentatives : DmpVisibility.None);
            var document = new DmpDocument { Cda = bytes, ClassCode = new CdaCode(code.Trim(), ClassCodeSystem), Visibility = visibility };
            using var connection = await ConnectAsync(context, parse, o, cancellationToken).ConfigureAwait(false);
            await connection.DeclareAsync(patient, cancellationToken).ConfigureAwait(false);
            var replaced = parse.GetValue(replace)?.Trim();
            var result = replaced is null
                ? await connection.Client.SubmitAsync(new DmpSubmission { Patient = patient, Documents = [document] }, connection.User, cancellationToken).ConfigureAwait(false)
                : await ((IDmpClient)connection.Client).ReplaceAsync(patient, replaced, document, connection.User, cancellationToken).ConfigureAwait(false);
            var sent = result.Documents[0];
            context.Write(parse, new
            {
                uniqueId = sent.UniqueId,
                entryUuid = sent.EntryUuid,
                submissionSetUniqueId = result.SubmissionSetUniqueId,
                replaces = replaced,
                visibility = visibility.ToString(),
            }, output =>
            {
                output.WriteLine($"Sent {sent.UniqueId}{(replaced is null ? string.Empty : " replacing " + replaced)}");
                output.WriteLine($"Submission set  {result.SubmissionSetUniqueId}");
                if (sent.EntryUuid is not null)
                {
                    output.WriteLine($"Entry UUID      {sent.EntryUuid}");
                }
            });
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command SearchCommand(CliContext context, SharedOptions o)
    {
        var typeCode = new Option<string[]>("--type-code") { Description = "Only documents of this LOINC typeCode (repeatable)." };
        var status = new Option<string[]>("--status") { Description = "approved (default), deprecated, archived or deleted (repeatable)." };
        var command = NewCommand("search", "TD3.1: the patient's documents in the DMP (FindDocuments), as a table or JSON.", o, patientOptions: true, typeCode, status);
        command.SetAction((parse, cancellationToken) => RunAsync(context, "segur dmp search", async () =>
        {
            var statuses = (parse.GetValue(status) ?? []).Select(s => s.Trim().ToLowerInvariant() switch
            {
                "approved" => DmpDocumentStatus.Approved,
                "deprecated" => DmpDocumentStatus.Deprecated,
                "archived" => DmpDocumentStatus.Archived,
                "deleted" => DmpDocumentStatus.Deleted,
                _ => throw new UsageException($"--status must be approved, deprecated, archived or deleted, not '{s}'."),
            }).Distinct().ToList();
            var query = new DmpDocumentQuery
            {
                Statuses = statuses.Count > 0 ? statuses : [DmpDocumentStatus.Approved],
                TypeCodes = [.. (parse.GetValue(typeCode) ?? []).Select(t => CdaCode.FromLoinc(t.Trim()))],
            };
            var patient = await ReadPatientAsync(context, parse, o, cancellationToken).ConfigureAwait(false);
            using var connection = await ConnectAsync(context, parse, o, cancellationToken).ConfigureAwait(false);
            await connection.DeclareAsync(patient, cancellationToken).ConfigureAwait(false);
            var entries = await connection.Client.FindDocumentsAsync(patient, connection.User, query, cancellationToken).ConfigureAwait(false);
            context.Write(parse, entries.Select(e => new
            {
                uniqueId = e.UniqueId,
                entryUuid = e.EntryUuid,
                status = e.Status.ToString(),
                version = e.Version,
                typeCode = e.TypeCode?.Code,
                classCode = e.ClassCode?.Code,
                title = e.Title,
                creationTime = e.CreationTime,
                submissionTime = e.SubmissionTime,
                authorId = e.AuthorId,
                visibility = e.Visibility.ToString(),
                mimeType = e.MimeType,
                size = e.Size,
                repositoryUniqueId = e.RepositoryUniqueId,
            }).ToList(), output =>
            {
                if (entries.Count == 0)
                {
                    output.WriteLine("No document.");
                    return;
                }

                var width = Math.Max("UNIQUE ID".Length, entries.Max(e => e.UniqueId.Length));
                output.WriteLine($"{"UNIQUE ID".PadRight(width)}  {"STATUS",-10} {"TYPE",-8} {"CREATED",-16} TITLE");
                foreach (var e in entries)
                {
                    var created = e.CreationTime?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";
                    output.WriteLine($"{e.UniqueId.PadRight(width)}  {e.Status,-10} {e.TypeCode?.Code ?? "-",-8} {created,-16} {e.Title}");
                }
            });
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command GetCommand(CliContext context, SharedOptions o)
    {
        var uniqueId = new Option<string?>("--unique-id") { Description = "The document's uniqueId (the CDA id) (required)." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the document (required)." };
        var body = new Option<bool>("--body") { Description = "Write the CDA's body (the PDF of an N1) instead of the CDA itself." };
        var command = NewCommand("get", "TD3.2: retrieve a document from the DMP by its uniqueId and write it to a file.", o, patientOptions: true, uniqueId, output, body);
        command.SetAction((parse, cancellationToken) => RunAsync(context, "segur dmp get", async () =>
        {
            var id = parse.GetValue(uniqueId)?.Trim();
            var target = parse.GetValue(output);
            if (string.IsNullOrEmpty(id) || target is null)
            {
                throw new UsageException("--unique-id and --out are required.");
            }

            var patient = await ReadPatientAsync(context, parse, o, cancellationToken).ConfigureAwait(false);
            using var connection = await ConnectAsync(context, parse, o, cancellationToken).ConfigureAwait(false);
            await connection.DeclareAsync(patient, cancellationToken).ConfigureAwait(false);
            var entry = await connection.Client.GetDocumentAsync(patient, id, connection.User, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return context.Fail($"segur dmp get: the DMP has no document {id} for this patient.", 2);
            }

            var document = await connection.Client.RetrieveDocumentAsync(patient, entry, connection.User, cancellationToken).ConfigureAwait(false);
            var mediaType = document.MimeType;
            long written;
            if (parse.GetValue(body))
            {
                using var input = new MemoryStream(document.Content.ToArray(), writable: false);
                var file = File.Create(target.FullName);
                await using var closeFile = file.ConfigureAwait(false);
                var info = await new CdaReader().ReadAsync(input, file, cancellationToken).ConfigureAwait(false);
                mediaType = info.BodyMediaType ?? "application/octet-stream";
                written = info.BodyLength;
            }
            else
            {
                await File.WriteAllBytesAsync(target.FullName, document.Content, cancellationToken).ConfigureAwait(false);
                written = document.Content.Length;
            }

            context.Write(parse, new { uniqueId = id, status = entry.Status.ToString(), mimeType = mediaType, bytes = written, file = target.FullName },
                text => text.WriteLine($"Wrote {written} bytes ({mediaType}) of {id} ({entry.Status}) to {target.FullName}"));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
