namespace Segur.Dmp.Client;

// Placeholder: the XDS (TD2.1/TD3.x) work replaces this file.
public partial class DmpClient
{
    /// <inheritdoc />
    public virtual Task<DmpSubmissionResult> SubmitAsync(DmpSubmission submission, DmpUserContext user, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<DmpDocumentEntry>> FindDocumentsAsync(DmpPatient patient, DmpUserContext user, DmpDocumentQuery? query = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public virtual Task<DmpDocumentEntry?> GetDocumentAsync(DmpPatient patient, string uniqueId, DmpUserContext user, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public virtual Task<DmpRetrievedDocument> RetrieveDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpUserContext user, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public virtual Task UpdateDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpDocumentUpdate update, DmpUserContext user, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
