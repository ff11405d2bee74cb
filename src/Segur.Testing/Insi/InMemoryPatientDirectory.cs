using System.Globalization;
using Segur.Ins;
using Segur.Ins.Sentinelle;

namespace Segur.Testing.Insi;

/// <summary>
/// An in-memory <see cref="IPatientDirectory"/> with the contract's semantics: optimistic concurrency (the token is a
/// version number; a stale or duplicate save gets <see cref="InsErrorCodes.PatientRecordConflict"/>), lookup by the active
/// or historical matricule, and by traits with <see cref="PatientSearch.Matches"/>. Thread-safe. Counts calls for tests.
/// </summary>
public sealed class InMemoryPatientDirectory : IPatientDirectory
{
    private readonly object _gate = new();
    private readonly Dictionary<string, PatientRecord> _records = new(StringComparer.Ordinal);
    private long _version;
    private int _saves;

    /// <summary>The records stored, in id order.</summary>
    public IReadOnlyList<PatientRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return _records.Values.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>How many saves succeeded.</summary>
    public int SaveCount => Volatile.Read(ref _saves);

    /// <summary>Adds (or replaces) a record without concurrency check, for test set-up.</summary>
    /// <param name="id">The id.</param>
    /// <param name="identity">The identity.</param>
    /// <returns>The stored record with its token.</returns>
    public PatientRecord Seed(string id, IdentityRecord identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        lock (_gate)
        {
            var stored = new PatientRecord(id, identity.ToState(), NextToken());
            _records[id] = stored;
            return stored;
        }
    }

    /// <inheritdoc/>
    public ValueTask<PatientRecord?> GetAsync(string recordId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_records.GetValueOrDefault(recordId));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<PatientRecord>> FindByInsAsync(InsMatricule matricule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matricule);
        cancellationToken.ThrowIfCancellationRequested();
        return Query(r => (r.Identity.Ins is { } ins && ins.Matricule.Equals(matricule)) || r.Identity.InsHistory.Any(h => h.Matricule.Equals(matricule)));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<PatientRecord>> FindByTraitsAsync(PatientSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        cancellationToken.ThrowIfCancellationRequested();
        return Query(r => search.Matches(r.Identity.Traits));
    }

    /// <inheritdoc/>
    public ValueTask<PatientRecord> SaveAsync(PatientRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var exists = _records.TryGetValue(record.Id, out var current);
            if ((exists && current!.ConcurrencyToken != record.ConcurrencyToken) || (!exists && record.ConcurrencyToken is not null))
            {
                throw new SegurServiceException(InsErrorCodes.PatientRecordConflict, exists
                    ? "The patient record changed since it was read; reload it."
                    : "The patient record no longer exists or was never saved.");
            }

            var stored = record.WithConcurrencyToken(NextToken());
            _records[record.Id] = stored;
            _saves++;
            return ValueTask.FromResult(stored);
        }
    }

    private ValueTask<IReadOnlyList<PatientRecord>> Query(Func<PatientRecord, bool> predicate)
    {
        lock (_gate)
        {
            IReadOnlyList<PatientRecord> found = _records.Values.Where(predicate).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            return ValueTask.FromResult(found);
        }
    }

    private string NextToken() => (++_version).ToString(CultureInfo.InvariantCulture);
}
