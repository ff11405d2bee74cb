using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Testing.Dmp;

public sealed partial class DmpSimulator
{
    /// <summary>Makes the next <paramref name="count"/> matching requests fail with <paramref name="fault"/>.</summary>
    /// <param name="fault">The failure.</param>
    /// <param name="target">An action URI (e.g. <c>urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b</c>), a service name
    /// (<c>registry</c>, <c>repository</c>, <c>patients</c>, <c>habilitations</c>), or <see langword="null"/> for every request.</param>
    /// <param name="count">How many requests fail.</param>
    public void InjectFault(DmpFault fault, string? target = null, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_faults)
        {
            _faults.Add(new FaultRule(fault, target, count, 1, null));
        }
    }

    /// <summary>Makes each matching request fail with <paramref name="fault"/> with a probability, drawn from a seeded
    /// generator so a run can be replayed, until <see cref="ClearFaults"/>.</summary>
    /// <param name="fault">The failure.</param>
    /// <param name="probability">Between 0 and 1.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="target">An action URI, a service name, or <see langword="null"/> for every request.</param>
    public void InjectRandomFault(DmpFault fault, double probability, int seed, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegative(probability);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
#pragma warning disable CA5394 // Test fault injection, not security.
        lock (_faults)
        {
            _faults.Add(new FaultRule(fault, target, int.MaxValue, probability, new Random(seed)));
        }
#pragma warning restore CA5394
    }

    /// <summary>Removes every injected failure.</summary>
    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>Adds or replaces a patient.</summary>
    /// <param name="patient">The patient.</param>
    public void AddPatient(DmpSimulatorPatient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        lock (_state.Gate)
        {
            _state.Patients[patient.Ins] = patient;
        }
    }

    /// <summary>Changes a patient under the simulator's lock (safe while requests are being served).</summary>
    /// <param name="ins">The INS matricule.</param>
    /// <param name="change">The change, e.g. <c>p =&gt; p.State = DmpState.Closed</c>.</param>
    /// <exception cref="ArgumentException">The patient is unknown.</exception>
    public void UpdatePatient(string ins, Action<DmpSimulatorPatient> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_state.Gate)
        {
            change(_state.Patients.GetValueOrDefault(ins) ?? throw new ArgumentException($"Unknown patient {ins}.", nameof(ins)));
        }
    }

    /// <summary>Finds a patient. This is the live object: change it with <see cref="UpdatePatient"/> while requests
    /// may be in flight.</summary>
    /// <param name="ins">The INS matricule.</param>
    /// <returns>The patient, or <see langword="null"/>.</returns>
    public DmpSimulatorPatient? GetPatient(string ins)
    {
        lock (_state.Gate)
        {
            return _state.Patients.GetValueOrDefault(ins);
        }
    }

    /// <summary>Sets the authorisation of a professional on a patient's DMP (<see cref="DmpAuthorization.Forbidden"/> blocks them).</summary>
    /// <param name="ins">The INS matricule.</param>
    /// <param name="professionalId">The PS_IdNat (VIHF <c>NameID</c>).</param>
    /// <param name="authorization">The status.</param>
    public void SetAuthorization(string ins, string professionalId, DmpAuthorization authorization)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ins);
        ArgumentException.ThrowIfNullOrWhiteSpace(professionalId);
        lock (_state.Gate)
        {
            _state.Authorizations[(ins, professionalId)] = (authorization, Options.TimeProvider.GetUtcNow());
        }
    }

    /// <summary>Reads the authorisation of a professional on a patient's DMP.</summary>
    /// <param name="ins">The INS matricule.</param>
    /// <param name="professionalId">The PS_IdNat.</param>
    /// <returns>The status (<see cref="DmpAuthorization.None"/> when never set).</returns>
    public DmpAuthorization GetAuthorization(string ins, string professionalId)
    {
        lock (_state.Gate)
        {
            return _state.AuthorizationOf(ins, professionalId);
        }
    }

    /// <summary>Stores a document as if it had been fed (no lot, no checks).</summary>
    /// <param name="ins">The patient's INS matricule (the patient must exist).</param>
    /// <param name="seed">The document.</param>
    /// <returns>The stored entry.</returns>
    /// <exception cref="ArgumentException">The patient is unknown.</exception>
    public DmpSimulatorEntry AddDocument(string ins, DmpSimulatorDocumentSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        lock (_state.Gate)
        {
            var patient = _state.Patients.GetValueOrDefault(ins) ?? throw new ArgumentException($"Unknown patient {ins}.", nameof(ins));
            var uniqueId = seed.UniqueId ?? NewOid();
            var content = seed.Content.ToArray();
            var setUuid = NewUuid();
            var setUniqueId = NewOid();
            var created = (seed.CreationTime ?? Options.TimeProvider.GetUtcNow()).ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            var confidentiality = new List<string> { "N" };
            confidentiality.AddRange(DmpCodes.VisibilityCodes(seed.Visibility));
            var document = _state.Store;
            var entryUuid = NewUuid();
            var eo = document.CreateElement("rim", "ExtrinsicObject", DmpNs.Rim);
            eo.SetAttribute("id", entryUuid);
            eo.SetAttribute("lid", entryUuid);
            eo.SetAttribute("mimeType", seed.MimeType);
            eo.SetAttribute("objectType", XdsIds.DocumentEntryType);
            AddSlot(eo, "creationTime", created);
            AddSlot(eo, "languageCode", "fr-FR");
            AddSlot(eo, "sourcePatientId", patient.PatientId);
            AddSlot(eo, "hash", Sha1Hex(content));
            AddSlot(eo, "size", content.Length.ToString(CultureInfo.InvariantCulture));
            AddSlot(eo, "repositoryUniqueId", Options.RepositoryUniqueId);
            if (seed.ReferenceIds.Count > 0)
            {
                AddSlot(eo, "urn:ihe:iti:xds:2013:referenceIdList", [.. seed.ReferenceIds]);
            }

            var name = document.CreateElement("rim", "Name", DmpNs.Rim);
            var localized = document.CreateElement("rim", "LocalizedString", DmpNs.Rim);
            localized.SetAttribute("value", seed.Title);
            name.AppendChild(localized);
            eo.AppendChild(name);
            var author = AddClassification(eo, XdsIds.Author, entryUuid, string.Empty, null);
            AddSlot(author, "authorPerson", $"{seed.AuthorId}^^^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS");
            AddClassification(eo, XdsIds.ClassCode, entryUuid, seed.ClassCode, "1.2.250.1.213.1.1.4.1");
            foreach (var code in confidentiality)
            {
                AddClassification(eo, XdsIds.ConfidentialityCode, entryUuid, code, code.Length == 1 ? "2.16.840.1.113883.5.25" : DmpCodes.VisibilityScheme);
            }

            AddClassification(eo, XdsIds.FormatCode, entryUuid, "urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3");
            AddClassification(eo, XdsIds.TypeCode, entryUuid, seed.TypeCode, "2.16.840.1.113883.6.1");
            AddExternalIdentifier(eo, XdsIds.DocumentPatientId, entryUuid, patient.PatientId, "XDSDocumentEntry.patientId");
            AddExternalIdentifier(eo, XdsIds.DocumentUniqueId, entryUuid, uniqueId, "XDSDocumentEntry.uniqueId");
            AddVersionInfo(eo, 1);
            var entry = new StoredEntry
            {
                EntryUuid = entryUuid, Lid = entryUuid, Version = 1, UniqueId = uniqueId, PatientId = patient.PatientId, Status = "Approved",
                AuthorId = seed.AuthorId, Confidentiality = confidentiality, MimeType = seed.MimeType, Size = content.Length,
                Hash = Sha1Hex(content), SubmissionSetEntryUuid = setUuid, SubmissionSetUniqueId = setUniqueId, CreationTime = created,
                ClassCodes = [(seed.ClassCode, "1.2.250.1.213.1.1.4.1")], TypeCodes = [(seed.TypeCode, "2.16.840.1.113883.6.1")],
                FormatCodes = [("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3")], ReferenceIds = [.. seed.ReferenceIds], Metadata = eo,
            };
            var set = document.CreateElement("rim", "RegistryPackage", DmpNs.Rim);
            set.SetAttribute("id", setUuid);
            AddSlot(set, "submissionTime", Options.TimeProvider.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
            AddExternalIdentifier(set, XdsIds.SetUniqueId, setUuid, setUniqueId, "XDSSubmissionSet.uniqueId");
            AddExternalIdentifier(set, XdsIds.SetPatientId, setUuid, patient.PatientId, "XDSSubmissionSet.patientId");
            var stored = new StoredSubmissionSet
            {
                EntryUuid = setUuid, UniqueId = setUniqueId, PatientId = patient.PatientId,
                SubmissionTime = Options.TimeProvider.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
                SourceId = "1.2.250.1.999", ContentTypeCodes = [], Metadata = set,
            };
            stored.Members.Add(entryUuid);
            _state.Entries.Add(entry);
            _state.SubmissionSets.Add(stored);
            _state.Repository[uniqueId] = content;
            _state.StoredCounts[uniqueId] = _state.StoredCounts.GetValueOrDefault(uniqueId) + 1;
            return entry.ToPublic();
        }
    }

    /// <summary>Every DocumentEntry version stored for a patient, in storage order (deprecated and deleted included).</summary>
    /// <param name="ins">The INS matricule.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<DmpSimulatorEntry> GetDocuments(string ins)
    {
        lock (_state.Gate)
        {
            return [.. _state.Entries.Where(e => InsOf(e.PatientId) == ins).Select(e => e.ToPublic())];
        }
    }

    /// <summary>How many committed submissions stored a document with this uniqueId (more than 1 would be a duplicate;
    /// the simulator refuses duplicates, so 0 or 1 unless seeded twice).</summary>
    /// <param name="uniqueId">The document uniqueId.</param>
    /// <returns>The count.</returns>
    public int CountStoredSubmissions(string uniqueId)
    {
        lock (_state.Gate)
        {
            return _state.StoredCounts.GetValueOrDefault(uniqueId);
        }
    }

    /// <summary>How many ITI-41 requests named this document uniqueId (accepted, refused or held).</summary>
    /// <param name="uniqueId">The document uniqueId.</param>
    /// <returns>The count.</returns>
    public int CountReceivedSubmissions(string uniqueId)
    {
        lock (_state.Gate)
        {
            return _state.ReceivedCounts.GetValueOrDefault(uniqueId);
        }
    }

    /// <summary>The stored bytes of a document.</summary>
    /// <param name="uniqueId">The uniqueId.</param>
    /// <returns>The bytes, or <see langword="null"/>.</returns>
    public byte[]? GetDocumentContent(string uniqueId)
    {
        lock (_state.Gate)
        {
            return _state.Repository.TryGetValue(uniqueId, out var bytes) ? [.. bytes] : null;
        }
    }

    internal static string NewUuid() => "urn:uuid:" + Guid.NewGuid().ToString("D");

    internal static string NewOid() => "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(bigEndian: true), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);

    internal static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>The XDS <c>hash</c> slot: SHA-1 by the IHE specification (an integrity check, not a security function).</summary>
#pragma warning disable CA5350
    internal static string Sha1Hex(byte[] bytes) => Hex(SHA1.HashData(bytes));
#pragma warning restore CA5350

    internal static string InsOf(string cx)
    {
        var hat = cx.IndexOf('^', StringComparison.Ordinal);
        return hat < 0 ? cx : cx[..hat];
    }

    internal static XmlElement AddSlot(XmlElement parent, string name, params string[] values)
    {
        var document = parent.OwnerDocument;
        var slot = document.CreateElement("rim", "Slot", DmpNs.Rim);
        slot.SetAttribute("name", name);
        var list = document.CreateElement("rim", "ValueList", DmpNs.Rim);
        foreach (var value in values)
        {
            var element = document.CreateElement("rim", "Value", DmpNs.Rim);
            element.InnerText = value;
            list.AppendChild(element);
        }

        slot.AppendChild(list);
        var firstNonSlot = parent.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName != "Slot");
        parent.InsertBefore(slot, firstNonSlot);
        return slot;
    }

    private static XmlElement AddClassification(XmlElement parent, string scheme, string classified, string code, string? codingScheme)
    {
        var document = parent.OwnerDocument;
        var classification = document.CreateElement("rim", "Classification", DmpNs.Rim);
        classification.SetAttribute("id", NewUuid());
        classification.SetAttribute("classificationScheme", scheme);
        classification.SetAttribute("classifiedObject", classified);
        classification.SetAttribute("nodeRepresentation", code);
        if (codingScheme is not null)
        {
            AddSlot(classification, "codingScheme", codingScheme);
        }

        parent.AppendChild(classification);
        return classification;
    }

    private static void AddExternalIdentifier(XmlElement parent, string scheme, string registryObject, string value, string label)
    {
        var document = parent.OwnerDocument;
        var identifier = document.CreateElement("rim", "ExternalIdentifier", DmpNs.Rim);
        identifier.SetAttribute("id", NewUuid());
        identifier.SetAttribute("identificationScheme", scheme);
        identifier.SetAttribute("registryObject", registryObject);
        identifier.SetAttribute("value", value);
        var name = document.CreateElement("rim", "Name", DmpNs.Rim);
        var localized = document.CreateElement("rim", "LocalizedString", DmpNs.Rim);
        localized.SetAttribute("value", label);
        name.AppendChild(localized);
        identifier.AppendChild(name);
        parent.AppendChild(identifier);
    }

    internal static void AddVersionInfo(XmlElement eo, int version)
    {
        foreach (var old in eo.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "VersionInfo").ToList())
        {
            eo.RemoveChild(old);
        }

        var info = eo.OwnerDocument.CreateElement("rim", "VersionInfo", DmpNs.Rim);
        info.SetAttribute("versionName", version.ToString(CultureInfo.InvariantCulture));
        var before = eo.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName is "ContentVersionInfo");
        eo.InsertBefore(info, before);
    }

    private DmpFault? TakeFault(string service, string action)
    {
        lock (_faults)
        {
            foreach (var rule in _faults)
            {
                if (rule.Target is not null && rule.Target != action && rule.Target != service)
                {
                    continue;
                }

#pragma warning disable CA5394 // Test fault injection, not security.
                if (rule.Random is not null && rule.Random.NextDouble() >= rule.Probability)
                {
                    continue;
                }
#pragma warning restore CA5394

                rule.Remaining--;
                if (rule.Remaining <= 0)
                {
                    _faults.Remove(rule);
                }

                return rule.Fault;
            }
        }

        return null;
    }

    private sealed class FaultRule(DmpFault fault, string? target, int remaining, double probability, Random? random)
    {
        public DmpFault Fault { get; } = fault;
        public string? Target { get; } = target;
        public int Remaining { get; set; } = remaining;
        public double Probability { get; } = probability;
        public Random? Random { get; } = random;
    }
}

/// <summary>The XDS.b classification and identification scheme UUIDs (IHE ITI TF-3 §4.2.5).</summary>
internal static class XdsIds
{
    public const string DocumentEntryType = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
    public const string SubmissionSetNode = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
    public const string Author = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
    public const string ClassCode = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
    public const string ConfidentialityCode = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
    public const string EventCode = "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4";
    public const string FormatCode = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
    public const string FacilityTypeCode = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
    public const string PracticeSettingCode = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
    public const string TypeCode = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
    public const string DocumentPatientId = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
    public const string DocumentUniqueId = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
    public const string SetAuthor = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
    public const string SetContentTypeCode = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
    public const string SetPatientId = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
    public const string SetSourceId = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
    public const string SetUniqueId = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
    public const string HasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
    public const string Replace = "urn:ihe:iti:2007:AssociationType:RPLC";
    public const string Signs = "urn:ihe:iti:2007:AssociationType:signs";
    public const string UpdateAvailabilityStatus = "urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus";
    public const string FindDocuments = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
    public const string FindSubmissionSets = "urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9";
    public const string GetDocuments = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";
    public const string GetSubmissionSetAndContents = "urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83";
    public const string FindDocumentsByReferenceId = "urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492";
    public const string Success = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
    public const string Failure = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure";
    public const string PartialSuccess = "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess";
    public const string SignatureFormat = "http://www.w3.org/2000/09/xmldsig#";
}
