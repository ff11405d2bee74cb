namespace Segur.Dmp.Client;

/// <summary>
/// The DMP (Mon espace santé) web services for professional software: one method per transaction (TD) of the DMP
/// integration guide. Every call builds a fresh VIHF token for <see cref="DmpUserContext"/>, runs over mutual TLS,
/// is retried on transient failures only, and writes one audit record.
/// </summary>
/// <remarks>Mock this interface in an editor's unit tests; <c>Segur.Testing</c> has a DMP simulator for
/// integration tests.</remarks>
public interface IDmpClient
{
    /// <summary>TD0.2: whether the patient has an active DMP and whether the user is authorised on it.</summary>
    /// <param name="patient">The patient (qualified INS).</param>
    /// <param name="user">Who acts, how they authenticated, and the access mode.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The DMP state and the user's authorisation.</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task<DmpPatientStatus> TestExistenceAsync(DmpPatient patient, DmpUserContext user, CancellationToken cancellationToken = default);

    /// <summary>TD0.3: adds (or removes) the user's authorisation on the patient's DMP.</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="user">Who acts.</param>
    /// <param name="action">Add or remove.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the DMP has recorded the change.</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task SetAuthorizationAsync(DmpPatient patient, DmpUserContext user, DmpAuthorizationAction action, CancellationToken cancellationToken = default);

    /// <summary>TD0.4: the DMPs the user (or structure) recently accessed or fed.</summary>
    /// <param name="user">Who acts.</param>
    /// <param name="query">Which list and since when.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The patients, newest first.</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task<IReadOnlyList<DmpPatientListEntry>> ListPatientsAsync(DmpUserContext user, DmpPatientListQuery query, CancellationToken cancellationToken = default);

    /// <summary>TD0.5: searches DMPs by identity traits, for a patient whose INS is not known.</summary>
    /// <param name="user">Who acts.</param>
    /// <param name="query">The traits.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The candidates (possibly none).</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task<IReadOnlyList<DmpPatientCandidate>> FindPatientsAsync(DmpUserContext user, DmpPatientSearch query, CancellationToken cancellationToken = default);

    /// <summary>TD2.1: feeds documents (ITI-41, MTOM, XAdES-signed submission set), optionally replacing a previous
    /// version (RPLC).</summary>
    /// <param name="submission">The documents and their DMP options.</param>
    /// <param name="user">Who acts.</param>
    /// <param name="cancellationToken">Cancels the call. Cancelling after the request was sent leaves the outcome
    /// unknown: check with <see cref="GetDocumentAsync"/> before sending again.</param>
    /// <returns>The identifiers the DMP assigned.</returns>
    /// <exception cref="SegurException">The DMP refused the submission (<see cref="DmpRegistryException"/> carries the
    /// registry errors) or could not be reached.</exception>
    Task<DmpSubmissionResult> SubmitAsync(DmpSubmission submission, DmpUserContext user, CancellationToken cancellationToken = default);

    /// <summary>TD2.1 with RPLC: replaces the document whose uniqueId is <paramref name="previousUniqueId"/> by a new
    /// version (same CDA setId, versionNumber + 1, relatedDocument RPLC); resolves the previous entryUUID with TD3.1
    /// GetDocuments first.</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="previousUniqueId">The uniqueId (CDA id) of the version replaced.</param>
    /// <param name="document">The new version.</param>
    /// <param name="user">Who acts.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The identifiers of the submission.</returns>
    /// <exception cref="SegurException">The previous version is not in the DMP or not current (<c>SGR-4306</c>), the DMP
    /// refused, or could not be reached.</exception>
    Task<DmpSubmissionResult> ReplaceAsync(DmpPatient patient, string previousUniqueId, DmpDocument document, DmpUserContext user,
        CancellationToken cancellationToken = default) => DmpReplacement.ReplaceAsync(this, patient, previousUniqueId, document, user, cancellationToken);

    /// <summary>TD3.1 (ITI-18 FindDocuments): the patient's document entries matching the query.</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="user">Who acts (consulting needs an authorisation, or break-glass / centre 15).</param>
    /// <param name="query">Filters; null for every approved document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task<IReadOnlyList<DmpDocumentEntry>> FindDocumentsAsync(DmpPatient patient, DmpUserContext user, DmpDocumentQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>TD3.1 (ITI-18 GetDocuments): one entry by its uniqueId (the CDA id). Of the metadata versions the DMP
    /// returns, the current one: Approved or Archived, or Deprecated when the document was replaced (RPLC); null when the
    /// DMP does not have it — a logically deleted document is not returned [assumption: the DMP hides
    /// <c>urn:asip:ci-sis:2010:StatusType:Deleted</c> entries from stored queries, as the simulator does].</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="uniqueId">The document uniqueId.</param>
    /// <param name="user">Who acts.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or null when the DMP does not have it (or it was deleted).</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task<DmpDocumentEntry?> GetDocumentAsync(DmpPatient patient, string uniqueId, DmpUserContext user, CancellationToken cancellationToken = default);

    /// <summary>TD3.2 (ITI-43): retrieves a document's content.</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="entry">The entry (its repositoryUniqueId and uniqueId are used).</param>
    /// <param name="user">Who acts.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document bytes and media type.</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task<DmpRetrievedDocument> RetrieveDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpUserContext user, CancellationToken cancellationToken = default);

    /// <summary>TD3.3 (ITI-57): hides or unhides, changes visibility, archives, unarchives or deletes a document.</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="entry">The current entry (its entryUUID, lid and version are used).</param>
    /// <param name="update">What to change.</param>
    /// <param name="user">Who acts (only the author deletes).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the DMP has applied the change.</returns>
    /// <exception cref="SegurException">The DMP refused the request or could not be reached.</exception>
    Task UpdateDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpDocumentUpdate update, DmpUserContext user, CancellationToken cancellationToken = default);
}
