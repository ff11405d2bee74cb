namespace Segur.Dmp.Xds;

/// <summary>ebXML RegRep 3.0 / IHE XDS.b names (IHE ITI TF-3 §4.2, §4.2.5 for the classification scheme UUIDs).</summary>
internal static class XdsNames
{
    public const string Rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
    public const string Rs = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
    public const string Lcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
    public const string Query = "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0";
    public const string Xdsb = "urn:ihe:iti:xds-b:2007";
    public const string Rmd = "urn:ihe:rad:xdsi-b:2009";

    // SOAP actions (dmp.md §2.2).
    public const string ProvideAndRegisterAction = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";
    public const string RegistryStoredQueryAction = "urn:ihe:iti:2007:RegistryStoredQuery";
    public const string RetrieveDocumentSetAction = "urn:ihe:iti:2007:RetrieveDocumentSet";
    public const string UpdateDocumentSetAction = "urn:ihe:iti:2010:UpdateDocumentSet";

    // Object types.
    public const string StableDocumentEntry = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
    public const string SubmissionSetNode = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
    public const string ClassificationObjectType = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification";
    public const string ExternalIdentifierObjectType = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier";
    public const string AssociationObjectType = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association";
    public const string RegistryPackageObjectType = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage";

    // DocumentEntry classification schemes and identification schemes.
    public const string EntryAuthor = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
    public const string EntryClassCode = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
    public const string EntryConfidentialityCode = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
    public const string EntryEventCode = "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4";
    public const string EntryFormatCode = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
    public const string EntryHealthcareFacilityTypeCode = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
    public const string EntryPracticeSettingCode = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
    public const string EntryTypeCode = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
    public const string EntryPatientId = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
    public const string EntryUniqueId = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";

    // SubmissionSet classification schemes and identification schemes.
    public const string SetAuthor = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
    public const string SetContentTypeCode = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
    public const string SetPatientId = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
    public const string SetSourceId = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
    public const string SetUniqueId = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";

    // Associations.
    public const string HasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
    public const string Replace = "urn:ihe:iti:2007:AssociationType:RPLC";
    public const string Signs = "urn:ihe:iti:2007:AssociationType:signs";
    public const string UpdateAvailabilityStatus = "urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus";

    // Statuses.
    public const string StatusPrefix = "urn:oasis:names:tc:ebxml-regrep:StatusType:";
    public const string Approved = StatusPrefix + "Approved";
    public const string Deprecated = StatusPrefix + "Deprecated";

    /// <summary>The DMP's own status values for archive and logical delete (dmp.md §2.2, §2.8).</summary>
    public const string DmpStatusPrefix = "urn:asip:ci-sis:2010:StatusType:";
    public const string Archived = DmpStatusPrefix + "Archived";
    public const string Deleted = DmpStatusPrefix + "Deleted";

    public const string ResponseSuccess = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
    public const string ResponseFailure = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure";
    public const string ResponsePartialSuccess = "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess";
    public const string SeverityError = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error";

    // Stored queries (IHE ITI TF-2a §3.18.4.1.2.3.7).
    public const string FindDocuments = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
    public const string FindSubmissionSets = "urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9";
    public const string GetDocuments = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";
    public const string GetSubmissionSetAndContents = "urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83";

    /// <summary>The visibility code system (TRE_A07).</summary>
    public const string VisibilitySystem = "1.2.250.1.213.1.1.4.13";

    /// <summary>The HL7 confidentiality code system.</summary>
    public const string ConfidentialitySystem = "2.16.840.1.113883.5.25";

    public static string StatusUrn(Client.DmpDocumentStatus status) => status switch
    {
        Client.DmpDocumentStatus.Approved => Approved,
        Client.DmpDocumentStatus.Deprecated => Deprecated,
        Client.DmpDocumentStatus.Archived => Archived,
        Client.DmpDocumentStatus.Deleted => Deleted,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static Client.DmpDocumentStatus? ParseStatus(string? urn) => urn switch
    {
        Approved => Client.DmpDocumentStatus.Approved,
        Deprecated => Client.DmpDocumentStatus.Deprecated,
        Archived or StatusPrefix + "Archived" => Client.DmpDocumentStatus.Archived,
        Deleted or StatusPrefix + "Deleted" => Client.DmpDocumentStatus.Deleted,
        _ => null,
    };
}
