using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Dmp.Access;

/// <summary>
/// The access rules the software checks itself before calling the DMP (dmp.md §2.5, Ségur defaults): feeding needs
/// no DMP authorisation but an informed, non-opposed patient; consulting needs local consent (or the care team) and a
/// <c>VALIDE</c> authorisation, except in <c>centre_15</c> / <c>bris_de_glace</c> mode, which need a reason; only the
/// author deletes; a secret connection forces <c>INVISIBLE_REPRESENTANTS_LEGAUX</c>; <c>MASQUE_PS</c> with
/// <c>INVISIBLE_PATIENT</c> is refused unless <see cref="DmpParameters.AllowMaskedAndInvisible"/>.
/// </summary>
/// <remarks>The send queue calls <see cref="EvaluateFeedingAsync"/> to decide between Held and Ready without calling
/// the DMP. Thread-safe.</remarks>
public class DmpAccessPolicy
{
    private readonly IDmpConsentStore? _store;
    private readonly DmpAccessOptions _options = null!;

    /// <summary>For mocking.</summary>
    protected DmpAccessPolicy()
    {
    }

    /// <summary>Creates the policy.</summary>
    /// <param name="store">The local consent records; <see langword="null"/> refuses feeding and consultation with
    /// <c>SGR-4412</c>.</param>
    /// <param name="options">The rules; <see langword="null"/> for the Ségur defaults.</param>
    public DmpAccessPolicy(IDmpConsentStore? store, DmpAccessOptions? options = null)
    {
        _store = store;
        _options = options ?? new DmpAccessOptions();
    }

    /// <summary>The rules applied.</summary>
    public virtual DmpAccessOptions Options => _options;

    /// <summary>Whether the user may feed the patient's DMP now (no DMP call).</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="user">Who feeds.</param>
    /// <param name="cancellationToken">Cancels reading the consent store.</param>
    /// <returns>Allowed, or refused with <c>SGR-4404</c> (not informed), <c>SGR-4405</c> (opposed) or <c>SGR-4412</c>.</returns>
    public virtual async Task<DmpAccessDecision> EvaluateFeedingAsync(DmpPatient patient, DmpUserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(user);
        if (_store is null)
        {
            return StoreMissing();
        }

        var consent = await _store.GetAsync(patient.Ins, cancellationToken).ConfigureAwait(false);
        if (consent?.FeedingOpposed == true)
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessFeedingOpposed,
                "The patient opposed sending their documents to their DMP: the document is kept locally.");
        }

        if (_options.RequirePatientInformed && consent?.PatientInformed != true)
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessPatientNotInformed,
                "The patient has not been informed that their documents are sent to their DMP: inform them and record it, then send.");
        }

        return DmpAccessDecision.Allowed;
    }

    /// <summary>Whether the user may consult the patient's DMP.</summary>
    /// <param name="patient">The patient.</param>
    /// <param name="user">Who consults, with the access mode and reason.</param>
    /// <param name="status">The last TD0.2 answer when known (authorisation, oppositions), else <see langword="null"/>:
    /// the DMP then checks the authorisation itself.</param>
    /// <param name="cancellationToken">Cancels reading the consent store.</param>
    /// <returns>Allowed, or refused with a <c>SGR-44xx</c> code.</returns>
    public virtual async Task<DmpAccessDecision> EvaluateConsultationAsync(DmpPatient patient, DmpUserContext user, DmpPatientStatus? status = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(user);
        if (status is not null && status.State != DmpState.Active)
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessDmpNotActive, status.State == DmpState.Closed
                ? "The patient's DMP is closed."
                : "The patient has no DMP.");
        }

        if (user.AccessMode != DmpAccessMode.Normal)
        {
            return EvaluateEmergency(user, status);
        }

        if (status?.Authorization == DmpAuthorization.Forbidden)
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessForbiddenByPatient, "The patient has blocked your access to their DMP.");
        }

        if (_store is null)
        {
            return StoreMissing();
        }

        var consent = await _store.GetAsync(patient.Ins, cancellationToken).ConfigureAwait(false);
        if (consent is not { ConsultationConsent: true } and not { CareTeam: true })
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessConsentMissing,
                "The patient has not consented to this consultation and you are not in their care team: ask for and record their consent.");
        }

        if (status is not null && status.Authorization != DmpAuthorization.Valid)
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessNotAuthorized, status.Authorization == DmpAuthorization.Expired
                ? "Your authorisation on this DMP has expired: renew it (with the patient's consent) before consulting."
                : "You are not authorised on this DMP: add the authorisation (with the patient's consent) before consulting.");
        }

        return DmpAccessDecision.Allowed;
    }

    /// <summary>Whether the user may apply a TD3.3 change to an entry: deleting needs the user to be the author (when
    /// the entry names its author; otherwise the DMP checks), visibility changes follow <see cref="EvaluateVisibility"/>.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="update">The change.</param>
    /// <param name="user">Who acts.</param>
    /// <returns>Allowed, or refused with <c>SGR-4406</c>, <c>SGR-4407</c> or <c>SGR-4408</c>.</returns>
    public virtual DmpAccessDecision EvaluateUpdate(DmpDocumentEntry entry, DmpDocumentUpdate update, DmpUserContext user)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(user);
        if (update.Kind == DmpDocumentUpdateKind.Delete && entry.AuthorId is { } author
            && !string.Equals(author.Trim(), user.User.Value, StringComparison.Ordinal))
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessNotAuthor, "Only the document's author can delete it from the DMP.");
        }

        return update.Kind == DmpDocumentUpdateKind.SetVisibility ? EvaluateVisibility(update.Visibility, user) : DmpAccessDecision.Allowed;
    }

    /// <summary>Whether a document may be fed (or set) with these visibility flags.</summary>
    /// <param name="visibility">The flags.</param>
    /// <param name="user">Who acts (secret connection).</param>
    /// <returns>Allowed, or refused with <c>SGR-4407</c> or <c>SGR-4408</c>.</returns>
    public virtual DmpAccessDecision EvaluateVisibility(DmpVisibility visibility, DmpUserContext user)
    {
        ArgumentNullException.ThrowIfNull(user);
        const DmpVisibility both = DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient;
        if ((visibility & both) == both && !_options.Parameters.AllowMaskedAndInvisible)
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessVisibilityConflict,
                "A document cannot be both hidden from professionals and invisible to the patient on this DMP.");
        }

        if (user.SecretConnection && !visibility.HasFlag(DmpVisibility.InvisibleToLegalRepresentatives))
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessSecretConnectionVisibility,
                "During a secret connection only documents invisible to the legal representatives may be sent.");
        }

        return DmpAccessDecision.Allowed;
    }

    /// <summary>The visibility to feed a document with: the requested flags, plus <c>INVISIBLE_REPRESENTANTS_LEGAUX</c>
    /// during a secret connection.</summary>
    /// <param name="requested">The flags the user chose.</param>
    /// <param name="user">Who feeds.</param>
    /// <returns>The flags to send.</returns>
    /// <exception cref="DmpAccessDeniedException">The flags conflict (<c>SGR-4407</c>).</exception>
    public virtual DmpVisibility ApplyVisibility(DmpVisibility requested, DmpUserContext user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var visibility = user.SecretConnection ? requested | DmpVisibility.InvisibleToLegalRepresentatives : requested;
        EvaluateVisibility(visibility, user).ThrowIfDenied();
        return visibility;
    }

    private static DmpAccessDecision EvaluateEmergency(DmpUserContext user, DmpPatientStatus? status)
    {
        if (string.IsNullOrWhiteSpace(user.AccessReason))
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessReasonMissing, user.AccessMode == DmpAccessMode.BreakGlass
                ? "Break-glass access needs a reason: enter why this emergency access is needed."
                : "Centre 15 access needs a reason: enter the regulation context.");
        }

        var opposition = user.AccessMode == DmpAccessMode.BreakGlass ? "OPPOSITION_BRIS_DE_GLACE" : "OPPOSITION_ACCES_URGENCE";
        if (status is not null && status.Oppositions.Contains(opposition, StringComparer.OrdinalIgnoreCase))
        {
            return DmpAccessDecision.Denied(DmpErrorCodes.AccessEmergencyOpposed, "The patient opposed this emergency access to their DMP.");
        }

        return DmpAccessDecision.Allowed;
    }

    private static DmpAccessDecision StoreMissing() => DmpAccessDecision.Denied(DmpErrorCodes.AccessConsentStoreMissing,
        "No consent store is configured (DmpClientOptions.ConsentStore): the patient's information and consent cannot be checked.");
}
