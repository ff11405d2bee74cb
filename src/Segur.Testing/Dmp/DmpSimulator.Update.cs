using System.Globalization;
using System.Xml;
using Segur.Dmp.Cda;

namespace Segur.Testing.Dmp;

public sealed partial class DmpSimulator
{
    /// <summary>TD3.3 / ITI-57: status changes with an <c>UpdateAvailabilityStatus</c> association (Approved ↔ Archived,
    /// Approved/Archived → Deleted by the author only) and metadata updates (the entry resubmitted with the same
    /// <c>lid</c>, a <c>HasMember</c> with <c>PreviousVersion</c>: new version, new entryUUID, the previous version
    /// becomes Deprecated). Applied atomically; any error refuses the whole request.</summary>
    private DmpAnswer HandleIti57(DmpExchange exchange)
    {
        var body = exchange.Body;
        var list = ChildElement(body, "RegistryObjectList");
        if (body is not { LocalName: "SubmitObjectsRequest", NamespaceURI: DmpNs.Lcm } || list is null)
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "SubmitObjectsRequest/RegistryObjectList attendu.");
        }

        var metadata = XdsMetadata.Read(list);
        lock (_state.Gate)
        {
            var errors = new List<RegistryError>();
            var access = CheckAccess(exchange, AccessKind.Manage);
            if (access is not null)
            {
                return RegistryFailure(exchange, [access]);
            }

            if (metadata.Set is null)
            {
                return RegistryFailure(exchange, [new RegistryError(MetadataError, "Le lot ne contient pas de RegistryPackage classé SubmissionSet.")]);
            }

            if (metadata.Set.PatientId != exchange.Vihf.ResourceId)
            {
                return RegistryFailure(exchange, [new RegistryError(Options.ErrorCodes.PatientMismatch, "Le patientId du lot n'est pas le resource-id du VIHF.")]);
            }

            var changes = new List<Action>();
            foreach (var association in metadata.Associations.Where(a => a.Type == XdsIds.UpdateAvailabilityStatus))
            {
                var error = PlanStatusChange(exchange, association.Target, association.Element, changes);
                if (error is not null)
                {
                    errors.Add(error);
                }
            }

            // A lot signature, when a client sends one with an update, is not a metadata change (the public ITI-57
            // templates carry none): it is accepted and not stored.
            foreach (var entry in metadata.Entries.Where(e => !e.IsSignature))
            {
                var error = PlanNewVersion(exchange, metadata, entry, changes);
                if (error is not null)
                {
                    errors.Add(error);
                }
            }

            if (errors.Count == 0 && changes.Count == 0)
            {
                errors.Add(new RegistryError("XDSMetadataUpdateError", "La requête ne contient aucune mise à jour."));
            }

            if (errors.Count > 0)
            {
                return RegistryFailure(exchange, errors);
            }

            foreach (var change in changes)
            {
                change();
            }
        }

        return RegistryOk(exchange);
    }

    private RegistryError? PlanStatusChange(DmpExchange exchange, string target, XmlElement association, List<Action> changes)
    {
        var entry = _state.ByEntryUuid(target);
        if (entry is null || entry.PatientId != exchange.Vihf.ResourceId || !IsVisible(entry, exchange.Vihf.SubjectId))
        {
            return new RegistryError("UnresolvedReferenceException", $"entryUUID inconnu : {target}.", Location: target);
        }

        var original = DmpCodes.ShortStatus(XdsEntry.SlotOf(association, "OriginalStatus") ?? string.Empty);
        var requested = DmpCodes.ShortStatus(XdsEntry.SlotOf(association, "NewStatus") ?? string.Empty);
        if (original != entry.Status)
        {
            return new RegistryError("XDSMetadataUpdateError", $"OriginalStatus {original ?? "?"} ne correspond pas au statut actuel {entry.Status}.", Location: target);
        }

        var allowed = (original, requested) is ("Approved", "Archived") or ("Archived", "Approved") or ("Approved", "Deleted") or ("Archived", "Deleted");
        if (!allowed)
        {
            return new RegistryError("XDSMetadataUpdateOperationError", $"Transition {original} → {requested ?? "?"} refusée.", Location: target);
        }

        if (requested == "Deleted" && entry.AuthorId != exchange.Vihf.SubjectId)
        {
            return new RegistryError(Options.ErrorCodes.NotAuthor, "Seul l'auteur du document peut le supprimer.", Location: target);
        }

        changes.Add(() => entry.Status = requested!);
        return null;
    }

    private RegistryError? PlanNewVersion(DmpExchange exchange, XdsMetadata metadata, XdsEntry entry, List<Action> changes)
    {
        var lid = entry.Element.GetAttribute("lid");
        var member = metadata.Associations.Find(a => a.Type == XdsIds.HasMember && a.Target == entry.Id);
        var previousText = member.Element is null ? null : XdsEntry.SlotOf(member.Element, "PreviousVersion");
        var versions = _state.Entries.Where(e => e.Lid == lid).ToList();
        if (versions.Count == 0)
        {
            return new RegistryError("UnresolvedReferenceException", $"lid inconnu : {lid}.", Location: entry.Id);
        }

        var current = versions.MaxBy(e => e.Version)!;
        if (current.PatientId != exchange.Vihf.ResourceId || !IsVisible(current, exchange.Vihf.SubjectId))
        {
            return new RegistryError("UnresolvedReferenceException", $"lid inconnu : {lid}.", Location: entry.Id);
        }

        if (!int.TryParse(previousText, NumberStyles.None, CultureInfo.InvariantCulture, out var previous) || previous != current.Version)
        {
            return new RegistryError("XDSMetadataVersionError", $"PreviousVersion {previousText ?? "absent"} ≠ version courante {current.Version}.", Location: entry.Id);
        }

        if (current.Status is not ("Approved" or "Archived"))
        {
            return new RegistryError("XDSMetadataUpdateError", $"Le document est {current.Status} : mise à jour impossible.", Location: entry.Id);
        }

        if (entry.UniqueId != current.UniqueId || entry.PatientId != current.PatientId)
        {
            return new RegistryError("XDSMetadataUpdateError", "Une mise à jour ne peut changer ni l'uniqueId ni le patientId.", Location: entry.Id);
        }

        var confidentiality = entry.Codes(XdsIds.ConfidentialityCode);
        if (confidentiality.Exists(c => c.Code == DmpCodes.MasquePs) && confidentiality.Exists(c => c.Code == DmpCodes.InvisiblePatient) && !Options.AllowMaskedAndInvisible)
        {
            return new RegistryError(Options.ErrorCodes.MaskedAndInvisible, "MASQUE_PS et INVISIBLE_PATIENT ne peuvent pas être cumulés sur ce DMP.", Location: entry.Id);
        }

        var invalid = confidentiality.Find(c => !CdaValueSets.Confidentiality.Contains(c.Code, c.Scheme) && !CdaValueSets.XdsConfidentiality.Contains(c.Code, c.Scheme));
        if (invalid.Code is not null)
        {
            return new RegistryError(MetadataError, $"confidentialityCode hors JDV : {invalid.Code}.", Location: entry.Id);
        }

        changes.Add(() =>
        {
            var uuid = NewUuid();
            var ids = new Dictionary<string, string>(StringComparer.Ordinal) { [entry.Id] = uuid };
            var element = Normalize(entry.Element, ids);
            element.SetAttribute("lid", lid);
            SetSlot(element, "hash", current.Hash);
            SetSlot(element, "size", current.Size.ToString(CultureInfo.InvariantCulture));
            SetSlot(element, "repositoryUniqueId", Options.RepositoryUniqueId);
            AddVersionInfo(element, current.Version + 1);
            _state.Entries.Add(new StoredEntry
            {
                EntryUuid = uuid, Lid = lid, Version = current.Version + 1, UniqueId = current.UniqueId, PatientId = current.PatientId, Status = current.Status,
                AuthorId = current.AuthorId, Confidentiality = [.. confidentiality.Select(c => c.Code)], MimeType = current.MimeType, Size = current.Size,
                Hash = current.Hash, SubmissionSetEntryUuid = current.SubmissionSetEntryUuid, SubmissionSetUniqueId = current.SubmissionSetUniqueId,
                CreationTime = current.CreationTime, ClassCodes = current.ClassCodes, TypeCodes = current.TypeCodes, FormatCodes = current.FormatCodes,
                ReferenceIds = current.ReferenceIds, Metadata = element,
            });
            current.Status = "Deprecated";
        });
        return null;
    }
}
