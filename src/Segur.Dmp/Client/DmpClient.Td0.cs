namespace Segur.Dmp.Client;

// Placeholder: the TD0.x work replaces this file.
public partial class DmpClient
{
    /// <inheritdoc />
    public virtual Task<DmpPatientStatus> TestExistenceAsync(DmpPatient patient, DmpUserContext user, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public virtual Task SetAuthorizationAsync(DmpPatient patient, DmpUserContext user, DmpAuthorizationAction action, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<DmpPatientListEntry>> ListPatientsAsync(DmpUserContext user, DmpPatientListQuery query, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<DmpPatientCandidate>> FindPatientsAsync(DmpUserContext user, DmpPatientSearch query, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
