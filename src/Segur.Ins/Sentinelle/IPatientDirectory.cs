namespace Segur.Ins.Sentinelle;

/// <summary>
/// The editor's patient store, as the Sentinelle workflows need it: read a record, find records by INS or by traits,
/// and save a record with optimistic concurrency. The SDK never keeps patients itself: implement this over your own
/// database (<c>Segur.Testing.Insi.InMemoryPatientDirectory</c> is the reference implementation for tests).
/// </summary>
/// <remarks>Implementations must be thread-safe: the Sentinelle service calls them from background workers.</remarks>
public interface IPatientDirectory
{
    /// <summary>Reads one record.</summary>
    /// <param name="recordId">The record's id in your store.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none with this id.</returns>
    ValueTask<PatientRecord?> GetAsync(string recordId, CancellationToken cancellationToken = default);

    /// <summary>Finds the records whose INS (active, or in the history) has this matricule, whatever the OID.</summary>
    /// <param name="matricule">The matricule INS.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The matching records (usually zero or one).</returns>
    ValueTask<IReadOnlyList<PatientRecord>> FindByInsAsync(InsMatricule matricule, CancellationToken cancellationToken = default);

    /// <summary>Finds candidate records by traits (see <see cref="PatientSearch.Matches"/> for the rule the SDK expects;
    /// a store may be broader, the SDK compares the candidates' traits itself).</summary>
    /// <param name="search">The traits to look for.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The candidates.</returns>
    ValueTask<IReadOnlyList<PatientRecord>> FindByTraitsAsync(PatientSearch search, CancellationToken cancellationToken = default);

    /// <summary>Saves a record. A new record has a <see langword="null"/> <see cref="PatientRecord.ConcurrencyToken"/>;
    /// an existing one must carry the token it was read with.</summary>
    /// <param name="record">The record to store.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>The stored record with its new concurrency token.</returns>
    /// <exception cref="SegurServiceException">The record changed since it was read, or a new record's id exists
    /// (<see cref="InsErrorCodes.PatientRecordConflict"/>).</exception>
    ValueTask<PatientRecord> SaveAsync(PatientRecord record, CancellationToken cancellationToken = default);
}

/// <summary>A patient record of the editor's store: its id, its identity (with the RNIV state) and the optimistic
/// concurrency token the store gave it.</summary>
public sealed class PatientRecord
{
    /// <summary>Creates a record.</summary>
    /// <param name="id">The record id in the store.</param>
    /// <param name="identity">The identity state (<see cref="IdentityRecord.ToState"/>).</param>
    /// <param name="concurrencyToken">The store's version token; <see langword="null"/> for a record not yet saved.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is null.</exception>
    public PatientRecord(string id, IdentityRecordState identity, string? concurrencyToken = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(identity);
        Id = id;
        Identity = identity;
        ConcurrencyToken = concurrencyToken;
    }

    /// <summary>The record id.</summary>
    public string Id { get; }

    /// <summary>The identity with its RNIV state. Restore it with <see cref="IdentityRecord.FromState"/>.</summary>
    public IdentityRecordState Identity { get; }

    /// <summary>The store's version token, or <see langword="null"/> for a new record.</summary>
    public string? ConcurrencyToken { get; }

    /// <summary>The same record (same id and token) with another identity state, ready to save.</summary>
    /// <param name="identity">The new identity state.</param>
    /// <returns>A new instance.</returns>
    public PatientRecord WithIdentity(IdentityRecordState identity) => new(Id, identity, ConcurrencyToken);

    /// <summary>The same record with a new token (for stores).</summary>
    /// <param name="concurrencyToken">The new token.</param>
    /// <returns>A new instance.</returns>
    public PatientRecord WithConcurrencyToken(string? concurrencyToken) => new(Id, Identity, concurrencyToken);

    /// <summary>A description without personal data.</summary>
    /// <returns>The id and status.</returns>
    public override string ToString() => $"{Id} {Identity.Status.ToCode()}";
}

/// <summary>A search by traits in the patient directory, from a scanned INS Datamatrix, a Vitale card or typed data.
/// Values are in RNIV form (upper case, no diacritics).</summary>
public sealed class PatientSearch
{
    /// <summary>Creates a search.</summary>
    /// <param name="birthName">The birth name.</param>
    /// <param name="firstName">One first name (it may be any of the record's birth first names).</param>
    /// <param name="birthDate">The birth date.</param>
    /// <param name="sex">The sex, or <see langword="null"/> when unknown (a Vitale card does not give it).</param>
    /// <exception cref="ArgumentException">A name is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="birthDate"/> is null.</exception>
    public PatientSearch(string birthName, string firstName, BirthDate birthDate, InsSex? sex = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(birthName);
        ArgumentException.ThrowIfNullOrWhiteSpace(firstName);
        ArgumentNullException.ThrowIfNull(birthDate);
        BirthName = birthName;
        FirstName = firstName;
        BirthDate = birthDate;
        Sex = sex;
    }

    /// <summary>The birth name.</summary>
    public string BirthName { get; }

    /// <summary>A first name.</summary>
    public string FirstName { get; }

    /// <summary>The birth date.</summary>
    public BirthDate BirthDate { get; }

    /// <summary>The sex, or <see langword="null"/>.</summary>
    public InsSex? Sex { get; }

    /// <summary>A search from strict traits (birth name, first first name, birth date, sex).</summary>
    /// <param name="traits">The traits.</param>
    /// <returns>The search.</returns>
    public static PatientSearch FromTraits(InsTraits traits)
    {
        ArgumentNullException.ThrowIfNull(traits);
        return new PatientSearch(traits.BirthName, traits.FirstName, traits.BirthDate, traits.Sex);
    }

    /// <summary>The rule the SDK expects from a store: same birth name and birth date, same sex when given, and the
    /// first name is one of the birth first names — names compared with hyphen and apostrophe as space.</summary>
    /// <param name="traits">A record's traits.</param>
    /// <returns>Whether the record is a candidate.</returns>
    public bool Matches(InsTraits traits)
    {
        ArgumentNullException.ThrowIfNull(traits);
        if (Comparable(traits.BirthName) != Comparable(BirthName) || !traits.BirthDate.Equals(BirthDate) || (Sex is { } sex && sex != traits.Sex))
        {
            return false;
        }

        var first = Comparable(FirstName);
        var list = Comparable(traits.GivenNameList);
        return $" {list} ".Contains($" {first} ", StringComparison.Ordinal);
    }

    private static string Comparable(string value) =>
        string.Join(' ', value.ToUpperInvariant().Replace('-', ' ').Replace('\'', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
