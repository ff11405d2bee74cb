using Segur.Soap;

namespace Segur.Dmp.Client;

/// <content>TD0.2 – TD0.5: existence and authorisation test, authorisation change, patient lists, PDQv3 search.</content>
public partial class DmpClient
{
    /// <inheritdoc />
    /// <remarks>The returned identity traits are not exposed: the DMP's traits must not be displayed (RG_0320).</remarks>
    public virtual async Task<DmpPatientStatus> TestExistenceAsync(DmpPatient patient, DmpUserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(user);
        var now = _options.TimeProvider.GetUtcNow();
        var call = new DmpCall(DmpService.Patients, Td0Messages.TestExistenceAction,
            w => Td0Messages.WriteTestExistence(w, patient, _options, now), user, patient, "dmp.td02.test-existence", DmpCallKind.Administrative);
        return await SendAndReadAsync(call, Td0Messages.ReadPatientStatus, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual async Task SetAuthorizationAsync(DmpPatient patient, DmpUserContext user, DmpAuthorizationAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(user);
        var value = action switch
        {
            DmpAuthorizationAction.Add => "AJOUT",
            DmpAuthorizationAction.Remove => _options.AuthorizationRemovalAction,
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        var call = new DmpCall(DmpService.Habilitations, Td0Messages.SetAuthorizationAction,
            w => Td0Messages.WriteSetAuthorization(w, value), user, patient,
            action == DmpAuthorizationAction.Add ? "dmp.td03.authorization-add" : "dmp.td03.authorization-remove", DmpCallKind.Administrative);
        if (action == DmpAuthorizationAction.Add && _options.Access.Enforce && user.AccessMode == DmpAccessMode.Normal)
        {
            // Adding an authorisation declares the patient's consent (dmp.md §2.5): the local consent record must say so.
            var decision = await _access.EvaluateConsultationAsync(patient, user, null, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                await AuditAsync(call, "refused", decision.ErrorCode, null).ConfigureAwait(false);
                decision.ThrowIfDenied();
            }
        }

        await SendAndReadAsync(call, content =>
        {
            Td0Messages.ReadSetAuthorization(content);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual async Task<IReadOnlyList<DmpPatientListEntry>> ListPatientsAsync(DmpUserContext user, DmpPatientListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(query);
        if (!Enum.IsDefined(query.Kind))
        {
            throw new SegurValidationException(DmpErrorCodes.Td0QueryInvalid, "The TD0.4 list kind is not a defined value.") { Field = nameof(query.Kind) };
        }

        if (query.Since > DateOnly.FromDateTime(_options.TimeProvider.GetUtcNow().UtcDateTime))
        {
            throw new SegurValidationException(DmpErrorCodes.Td0QueryInvalid, "The TD0.4 lower bound date is in the future.") { Field = nameof(query.Since) };
        }

        var call = new DmpCall(DmpService.Patients, Td0Messages.PatientListAction, w => Td0Messages.WritePatientList(w, query), user, null,
            "dmp.td04.patient-list", DmpCallKind.Administrative)
        {
            AuditTarget = "list:" + Td0Messages.ListKind(query.Kind),
        };
        return await SendAndReadAsync(call, Td0Messages.ReadPatientList, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual async Task<IReadOnlyList<DmpPatientCandidate>> FindPatientsAsync(DmpUserContext user, DmpPatientSearch query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.FamilyName))
        {
            throw new SegurValidationException(DmpErrorCodes.Td0QueryInvalid, "TD0.5 needs at least the family name.") { Field = nameof(query.FamilyName) };
        }

        if (query.Sex is not (null or "M" or "F" or "U"))
        {
            throw new SegurValidationException(DmpErrorCodes.Td0QueryInvalid, "The TD0.5 sex must be M, F or U.") { Field = nameof(query.Sex) };
        }

        var now = _options.TimeProvider.GetUtcNow();
        var call = new DmpCall(DmpService.Patients, Td0Messages.FindPatientsAction, w => Td0Messages.WriteFindPatients(w, query, _options, now), user, null,
            "dmp.td05.find-patients", DmpCallKind.Administrative);
        return await SendAndReadAsync(call, Td0Messages.ReadCandidates, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a call and reads its reply inside <see cref="DmpCall.CheckResponse"/>, so that a refusing or
    /// malformed reply is audited as a failure, not as a success.</summary>
    private async Task<T> SendAndReadAsync<T>(DmpCall call, Func<System.Xml.XmlElement?, T> read, CancellationToken cancellationToken)
    {
        T result = default!;
        var checkedCall = call with { CheckResponse = response => result = read(response.Envelope.BodyContent) };
        using var response = await SendAsync(checkedCall, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
