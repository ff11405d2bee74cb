using System.Collections.Concurrent;
using Segur.Ins;

namespace Segur.Dmp.Access;

/// <summary>What the software recorded locally about a patient and the DMP (the DMP does not hold these: the LPS
/// checks them, dmp.md §2.5).</summary>
public sealed record DmpPatientConsent
{
    /// <summary>The patient was informed that their documents are sent to their DMP (CSP L.1110-12).</summary>
    public bool PatientInformed { get; init; }

    /// <summary>The patient opposed feeding their DMP from this structure.</summary>
    public bool FeedingOpposed { get; init; }

    /// <summary>The patient consented to this structure's professionals consulting their DMP.</summary>
    public bool ConsultationConsent { get; init; }

    /// <summary>The user belongs to the patient's care team (consent to consultation is then presumed).</summary>
    public bool CareTeam { get; init; }

    /// <summary>When these choices were recorded, when known.</summary>
    public DateTimeOffset? RecordedAt { get; init; }
}

/// <summary>
/// Reads (and records) a patient's local DMP choices: information, opposition to feeding, consent to consultation,
/// care-team membership. Editors implement it over their own database; <see cref="InMemoryDmpConsentStore"/> is the
/// in-memory implementation for tests and small tools.
/// </summary>
public interface IDmpConsentStore
{
    /// <summary>Reads the patient's recorded choices.</summary>
    /// <param name="ins">The patient's INS.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The choices, or <see langword="null"/> when nothing was recorded (treated as "not informed, no consent").</returns>
    ValueTask<DmpPatientConsent?> GetAsync(InsIdentifier ins, CancellationToken cancellationToken = default);

    /// <summary>Records the patient's choices, replacing the previous ones.</summary>
    /// <param name="ins">The patient's INS.</param>
    /// <param name="consent">The choices.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the choices are stored.</returns>
    ValueTask SetAsync(InsIdentifier ins, DmpPatientConsent consent, CancellationToken cancellationToken = default);
}

/// <summary>An in-memory <see cref="IDmpConsentStore"/> (thread-safe; lost at exit).</summary>
public sealed class InMemoryDmpConsentStore : IDmpConsentStore
{
    private readonly ConcurrentDictionary<InsIdentifier, DmpPatientConsent> _records = new();

    /// <inheritdoc />
    public ValueTask<DmpPatientConsent?> GetAsync(InsIdentifier ins, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ins);
        return ValueTask.FromResult(_records.TryGetValue(ins, out var consent) ? consent : null);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(InsIdentifier ins, DmpPatientConsent consent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ins);
        ArgumentNullException.ThrowIfNull(consent);
        _records[ins] = consent;
        return ValueTask.CompletedTask;
    }
}
