using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Segur.Dmp.Cda;
using Segur.Dmp.Vihf;
using Segur.Dmp.Xds;

namespace Segur.Dmp.Client;

// TD2.1 (ITI-41), TD3.1 (ITI-18), TD3.2 (ITI-43), TD3.3 (ITI-57): messages in Segur.Dmp.Xds, transport in DmpClient.cs.
public partial class DmpClient
{
    /// <inheritdoc />
    public virtual async Task<DmpSubmissionResult> SubmitAsync(DmpSubmission submission, DmpUserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(submission.Patient);
        ArgumentNullException.ThrowIfNull(user);
        var now = _options.TimeProvider.GetUtcNow();
        var plan = await XdsSubmissionBuilder.PlanAsync(submission, user, XdsSettings(), now, cancellationToken).ConfigureAwait(false);
        var signer = _options.VihfSigner ?? throw new SegurValidationException(DmpErrorCodes.VihfSignerMissing,
            "DmpClientOptions.VihfSigner is required to sign the submission lot: the CPS card (DIRECTE) or the ORG SIGN certificate.")
        {
            Field = nameof(DmpClientOptions.VihfSigner),
        };
        var lot = new DmpLotSignatureInput(plan.Set.UniqueId, plan.Documents.Select(d => new DmpLotDocument(d.Entry.UniqueId, d.Content)));
        var signature = await DmpLotSignature.SignAsync(lot, signer, LotHash(), now, cancellationToken).ConfigureAwait(false);
        plan.Signature = new XdsPlannedSignature(RimWriter.NewUuid(), CdaRules.NewUuidOid(), signature);

        var attachments = XdsSubmissionWriter.Attachments(plan);
        try
        {
            var call = new DmpCall(DmpService.Repository, XdsNames.ProvideAndRegisterAction, w => XdsSubmissionWriter.WriteProvideAndRegister(w, plan),
                user, submission.Patient, "dmp.td21.submit", DmpCallKind.Feed)
            {
                Attachments = attachments,
                AuditTarget = "set:" + plan.Set.UniqueId + " " + string.Join(' ', plan.Documents.Select(d => "doc:" + d.Entry.UniqueId)),
                DocumentVisibilities = plan.Documents.Select(d => d.Visibility).ToList(),
                CheckResponse = r => XdsResponseParser.ParseRegistryResponse(r.Envelope.BodyContent, TransientRegistryCodes()),
            };
            using var response = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var attachment in attachments)
            {
                attachment.Dispose();
            }
        }

        return new DmpSubmissionResult(plan.Set.UniqueId, plan.Documents.Select(d => new DmpSubmittedDocument(d.Entry.UniqueId, EntryUuid: null)).ToList());
    }

    /// <summary>TD2.1 with RPLC: replaces the DMP document whose uniqueId is <paramref name="previousUniqueId"/> by
    /// <paramref name="document"/> (a new version of the CDA: same setId, versionNumber + 1, relatedDocument RPLC).
    /// The previous version's entryUUID is resolved with TD3.1 GetDocuments first.</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="previousUniqueId">The uniqueId (CDA id) of the version replaced.</param>
    /// <param name="document">The new version.</param>
    /// <param name="user">Who acts (the lookup is a consultation: it needs the user's authorisation).</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The identifiers of the submission.</returns>
    /// <exception cref="SegurServiceException">The previous version is not in the DMP or is no longer current
    /// (<c>SGR-4306</c>).</exception>
    /// <exception cref="SegurException">The DMP refused the lookup or the submission, or could not be reached.</exception>
    public virtual Task<DmpSubmissionResult> ReplaceAsync(DmpPatient patient, string previousUniqueId, DmpDocument document, DmpUserContext user,
        CancellationToken cancellationToken = default) => DmpReplacement.ReplaceAsync(this, patient, previousUniqueId, document, user, cancellationToken);

    /// <inheritdoc />
    public virtual async Task<IReadOnlyList<DmpDocumentEntry>> FindDocumentsAsync(DmpPatient patient, DmpUserContext user, DmpDocumentQuery? query = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(user);
        var stored = XdsStoredQuery.FindDocuments(patient.PatientId, query ?? new DmpDocumentQuery());
        var entries = await QueryAsync(patient, user, stored, "dmp.td31.find", null, includeSignatures: false, cancellationToken).ConfigureAwait(false);
        return entries.Select(e => e.Entry).ToList();
    }

    /// <inheritdoc />
    public virtual async Task<DmpDocumentEntry?> GetDocumentAsync(DmpPatient patient, string uniqueId, DmpUserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentException.ThrowIfNullOrWhiteSpace(uniqueId);
        ArgumentNullException.ThrowIfNull(user);
        var entries = await QueryAsync(patient, user, XdsStoredQuery.GetDocumentsByUniqueId(uniqueId), "dmp.td31.get", "doc:" + uniqueId,
            includeSignatures: true, cancellationToken).ConfigureAwait(false);
        return Current(entries.Select(e => e.Entry).Where(e => e.UniqueId == uniqueId));
    }

    /// <inheritdoc />
    public virtual async Task<DmpRetrievedDocument> RetrieveDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpUserContext user,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(user);
        var call = new DmpCall(DmpService.Repository, XdsNames.RetrieveDocumentSetAction,
            w => XdsRetrieveWriter.Write(w, entry.RepositoryUniqueId, entry.UniqueId), user, patient, "dmp.td32.retrieve", DmpCallKind.Consult)
        {
            AuditTarget = "doc:" + entry.UniqueId,
        };
        return await SendAndReadAsync(call, r => XdsResponseParser.ParseRetrieveResponse(r.Envelope.BodyContent, r.GetAttachment, entry.UniqueId, TransientRegistryCodes()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual async Task UpdateDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpDocumentUpdate update, DmpUserContext user,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(user);
        var now = _options.TimeProvider.GetUtcNow();
        var set = XdsSubmissionBuilder.NewSet(patient, user, XdsSettings(), null, null, null, now);
        Action<System.Xml.XmlWriter> body;
        string action;
        if (update.Kind == DmpDocumentUpdateKind.SetVisibility)
        {
            var visibility = update.Visibility | (user.SecretConnection ? DmpVisibility.InvisibleToLegalRepresentatives : DmpVisibility.None);
            if ((visibility & (DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient)) == (DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient)
                && !_options.Access.Parameters.AllowMaskedAndInvisible)
            {
                throw new SegurValidationException(DmpErrorCodes.XdsVisibilityConflict,
                    "MASQUE_PS and INVISIBLE_PATIENT together are refused unless the DMP allows it.") { Field = "visibility" };
            }

            // The new metadata version is a copy of the registered entry: read it as the registry holds it.
            var current = (await QueryAsync(patient, user, XdsStoredQuery.GetDocumentsByEntryUuid(entry.EntryUuid), "dmp.td31.get", "doc:" + entry.UniqueId,
                    includeSignatures: true, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(e => e.Entry.EntryUuid == entry.EntryUuid)
                ?? throw new SegurServiceException(DmpErrorCodes.XdsDocumentNotFound, "The document entry to update is not in the DMP.");
            body = w => XdsUpdateWriter.WriteVisibilityChange(w, set, current.Element, current.Entry, visibility);
            action = "dmp.td33.visibility";
        }
        else
        {
            var (original, next) = XdsUpdateWriter.StatusTransition(entry, update.Kind);
            body = w => XdsUpdateWriter.WriteStatusChange(w, set, entry.EntryUuid, original, next);
            action = "dmp.td33." + update.Kind.ToString().ToLowerInvariant();
        }

        var call = new DmpCall(DmpService.Registry, XdsNames.UpdateDocumentSetAction, body, user, patient, action, DmpCallKind.Manage)
        {
            AuditTarget = "doc:" + entry.UniqueId,
            Entry = entry,
            Update = update,
            CheckResponse = r => XdsResponseParser.ParseRegistryResponse(r.Envelope.BodyContent, TransientRegistryCodes()),
        };
        using var response = await SendAsync(call, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<XdsParsedEntry>> QueryAsync(DmpPatient patient, DmpUserContext user, XdsStoredQuery query, string auditAction,
        string? auditTarget, bool includeSignatures, CancellationToken cancellationToken)
    {
        var call = new DmpCall(DmpService.Registry, XdsNames.RegistryStoredQueryAction, query.Write, user, patient, auditAction, DmpCallKind.Consult)
        {
            AuditTarget = auditTarget,
        };

        // Parsed before the audit, so a registry Failure is audited as refused. The parsed elements outlive the response:
        // the envelope DOM is not tied to the MTOM buffers it may own.
        return await SendAndReadAsync(call, r => XdsResponseParser.ParseQueryResponse(r.Envelope.BodyContent, TransientRegistryCodes(), includeSignatures),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Of several metadata versions of one document, the current one: not deprecated, highest version.</summary>
    private static DmpDocumentEntry? Current(IEnumerable<DmpDocumentEntry> entries) =>
        entries.OrderBy(e => e.Status == DmpDocumentStatus.Deprecated ? 1 : 0).ThenByDescending(e => e.Version).FirstOrDefault();

    private XdsSubmissionSettings XdsSettings() => new()
    {
        SourceId = SourceId(_options),
        AllowHiddenAndInvisible = _options.Access.Parameters.AllowMaskedAndInvisible,
    };

    private HashAlgorithmName LotHash() => _options.SignatureHash == DmpSignatureHash.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;

    /// <summary>The registry error codes treated as transient: the IHE busy/out-of-resources codes plus
    /// <see cref="DmpClientOptions.TransientFaultCodes"/> (the DMP's own catalogue is not public).</summary>
    private HashSet<string> TransientRegistryCodes()
    {
        var codes = new HashSet<string>(XdsTransientErrors.Default, StringComparer.OrdinalIgnoreCase);
        codes.UnionWith(_options.TransientFaultCodes);
        return codes;
    }

    /// <summary>The submission set sourceId: <see cref="DmpClientOptions.LpsId"/> when it is an OID, else a stable
    /// <c>2.25.</c> OID derived from the software name and installation (or homologation) identifier, so that one
    /// installation always submits with the same source [assumption: the DMP documents no value].</summary>
    internal static string SourceId(DmpClientOptions options)
    {
        if (options.LpsId is { } lpsId && CdaRules.IsValidOid(lpsId))
        {
            return lpsId;
        }

        var name = "segur-dmp-source|" + options.LpsName + "|" + (options.LpsId ?? options.HomologationNumber);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16);
        return "2.25." + new BigInteger(hash, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The RPLC convenience shared by <see cref="DmpClient.ReplaceAsync"/> and <see cref="IDmpClient.ReplaceAsync"/>.</summary>
internal static class DmpReplacement
{
    public static async Task<DmpSubmissionResult> ReplaceAsync(IDmpClient client, DmpPatient patient, string previousUniqueId, DmpDocument document,
        DmpUserContext user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentException.ThrowIfNullOrWhiteSpace(previousUniqueId);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(user);
        var previous = await client.GetDocumentAsync(patient, previousUniqueId, user, cancellationToken).ConfigureAwait(false);
        if (previous is null || previous.Status is DmpDocumentStatus.Deprecated or DmpDocumentStatus.Deleted)
        {
            throw new SegurServiceException(DmpErrorCodes.XdsDocumentNotFound, previous is null
                ? "The document to replace is not in the DMP."
                : $"The document to replace is {previous.Status.ToString().ToLowerInvariant()}: replace its current version.");
        }

        var submission = new DmpSubmission { Patient = patient, Documents = [document with { ReplacesEntryUuid = previous.EntryUuid }] };
        return await client.SubmitAsync(submission, user, cancellationToken).ConfigureAwait(false);
    }
}
