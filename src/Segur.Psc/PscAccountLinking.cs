namespace Segur.Psc;

/// <summary>The editor's user directory, as seen by <see cref="PscAccountLinker"/>.</summary>
public interface IPscAccountDirectory
{
    /// <summary>Finds the local account already linked to a national identifier.</summary>
    /// <param name="nationalId">The <c>SubjectNameID</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The local account ID, or <see langword="null"/>.</returns>
    ValueTask<string?> FindByNationalIdAsync(string nationalId, CancellationToken cancellationToken = default);

    /// <summary>Returns the national identifier a local account is linked to, if any.</summary>
    /// <param name="localAccountId">The local account.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The national identifier, or <see langword="null"/>.</returns>
    ValueTask<string?> GetLinkedNationalIdAsync(string localAccountId, CancellationToken cancellationToken = default);

    /// <summary>Records the link between a local account and a national identifier.</summary>
    /// <param name="localAccountId">The local account.</param>
    /// <param name="nationalId">The national identifier.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when saved.</returns>
    ValueTask LinkAsync(string localAccountId, string nationalId, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="PscAccountLinker.ResolveAsync"/>.</summary>
/// <param name="LocalAccountId">The local account, or <see langword="null"/> when none is linked and no candidate was given.</param>
/// <param name="NewlyLinked">Whether the link was created by this call (first PSC login of this account).</param>
public sealed record PscAccountLink(string? LocalAccountId, bool NewlyLinked);

/// <summary>Links a Pro Santé Connect identity to a local account by national identifier (<c>SubjectNameID</c>) on the
/// first login, then finds it on the next ones.</summary>
public sealed class PscAccountLinker
{
    private readonly IPscAccountDirectory _directory;

    /// <summary>Creates a linker over the editor's directory.</summary>
    /// <param name="directory">The directory.</param>
    public PscAccountLinker(IPscAccountDirectory directory) => _directory = directory ?? throw new ArgumentNullException(nameof(directory));

    /// <summary>Finds the local account of <paramref name="user"/>; when none is linked and the application authenticated
    /// <paramref name="candidateLocalAccountId"/> locally (first PSC login), links it.</summary>
    /// <param name="user">The PSC user.</param>
    /// <param name="candidateLocalAccountId">The account the user proved locally (password) on this first login, if any.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The link.</returns>
    /// <exception cref="SegurAuthenticationException">The user has no national identifier (<see cref="PscErrorCodes.NationalIdMissing"/>),
    /// or is linked to another account, or the candidate is linked to another identity (<see cref="PscErrorCodes.AccountLinkConflict"/>).</exception>
    public async Task<PscAccountLink> ResolveAsync(PscUser user, string? candidateLocalAccountId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var nationalId = user.NationalId;
        if (string.IsNullOrWhiteSpace(nationalId))
        {
            throw new SegurAuthenticationException(PscErrorCodes.NationalIdMissing, "The PSC identity has no national identifier (SubjectNameID) to link with.");
        }

        var existing = await _directory.FindByNationalIdAsync(nationalId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (candidateLocalAccountId is not null && !string.Equals(existing, candidateLocalAccountId, StringComparison.Ordinal))
            {
                throw new SegurAuthenticationException(PscErrorCodes.AccountLinkConflict, "This PSC identity is already linked to another local account.");
            }

            return new PscAccountLink(existing, false);
        }

        if (candidateLocalAccountId is null)
        {
            return new PscAccountLink(null, false);
        }

        var linked = await _directory.GetLinkedNationalIdAsync(candidateLocalAccountId, cancellationToken).ConfigureAwait(false);
        if (linked is not null && !string.Equals(linked, nationalId, StringComparison.Ordinal))
        {
            throw new SegurAuthenticationException(PscErrorCodes.AccountLinkConflict, "The local account is already linked to another PSC identity.");
        }

        await _directory.LinkAsync(candidateLocalAccountId, nationalId, cancellationToken).ConfigureAwait(false);
        return new PscAccountLink(candidateLocalAccountId, true);
    }
}
