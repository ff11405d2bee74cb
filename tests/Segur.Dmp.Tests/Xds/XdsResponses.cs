namespace Segur.Dmp.Tests.Xds;

/// <summary>Hand-written DMP responses (synthetic data, written from IHE ITI TF-2a/2b and ebRS 3.0).</summary>
internal static class XdsResponses
{
    public const string EntryUuid = "urn:uuid:4f196ae8-5549-11e9-9478-0050569e422e";
    public const string LogicalId = "urn:uuid:11111111-5549-11e9-9478-0050569e422e";
    public const string UniqueId = "2.25.123456789";
    public const string Repository = "1.2.250.1.213.4.1.1.1.2";

    public const string Success = """
        <rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"/>
        """;

    public static string Failure(string code = "XDSRegistryMetadataError", string severity = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error",
        string status = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure") => $"""
        <rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="{status}">
          <rs:RegistryErrorList highestSeverity="{severity}">
            <rs:RegistryError errorCode="{code}" codeContext="Patient 279035121518989 inconnu" location="registry" severity="{severity}"/>
            <rs:RegistryError errorCode="DMP_W1" codeContext="Avertissement" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning"/>
          </rs:RegistryErrorList>
        </rs:RegistryResponse>
        """;

    public static string Entry(string id = EntryUuid, string status = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved",
        string format = "urn:ihe:iti:xds-sd:pdf:2008", string extraConfidentiality = "MASQUE_PS", string uniqueId = UniqueId) => $"""
        <rim:ExtrinsicObject xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" id="{id}" lid="{LogicalId}" mimeType="text/xml" status="{status}" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">
          <rim:Slot name="creationTime"><rim:ValueList><rim:Value>20260105083000</rim:Value></rim:ValueList></rim:Slot>
          <rim:Slot name="hash"><rim:ValueList><rim:Value>2c0b4b3964c9056675d427b4204f40ca4132a9c1</rim:Value></rim:ValueList></rim:Slot>
          <rim:Slot name="languageCode"><rim:ValueList><rim:Value>fr-FR</rim:Value></rim:ValueList></rim:Slot>
          <rim:Slot name="repositoryUniqueId"><rim:ValueList><rim:Value>{Repository}</rim:Value></rim:ValueList></rim:Slot>
          <rim:Slot name="size"><rim:ValueList><rim:Value>4267</rim:Value></rim:ValueList></rim:Slot>
          <rim:Slot name="sourcePatientId"><rim:ValueList><rim:Value>IPP-42^^^&amp;1.2.3.4&amp;ISO^PI</rim:Value></rim:ValueList></rim:Slot>
          <rim:Name><rim:LocalizedString value="Compte rendu d'entretien"/></rim:Name>
          <rim:VersionInfo versionName="3"/>
          <rim:Classification id="urn:uuid:c6994492-bab9-4683-a2ef-bcd8e6399801" classificationScheme="urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d" classifiedObject="{id}" nodeRepresentation="">
            <rim:Slot name="authorPerson"><rim:ValueList><rim:Value>899900063480^OFFICINE^Paul^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS</rim:Value></rim:ValueList></rim:Slot>
          </rim:Classification>
          <rim:Classification id="urn:uuid:70147131-00c7-4292-8635-24cecd547036" classificationScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a" classifiedObject="{id}" nodeRepresentation="10">
            <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>1.2.250.1.213.1.1.4.1</rim:Value></rim:ValueList></rim:Slot>
            <rim:Name><rim:LocalizedString value="Compte rendu"/></rim:Name>
          </rim:Classification>
          <rim:Classification id="urn:uuid:ac6ce528-4eac-48a5-8ff0-f14df9177c3e" classificationScheme="urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f" classifiedObject="{id}" nodeRepresentation="N">
            <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>2.16.840.1.113883.5.25</rim:Value></rim:ValueList></rim:Slot>
            <rim:Name><rim:LocalizedString value="Normal"/></rim:Name>
          </rim:Classification>
          <rim:Classification id="urn:uuid:ac6ce528-4eac-48a5-8ff0-f14df9177c3f" classificationScheme="urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f" classifiedObject="{id}" nodeRepresentation="{extraConfidentiality}">
            <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>1.2.250.1.213.1.1.4.13</rim:Value></rim:ValueList></rim:Slot>
            <rim:Name><rim:LocalizedString value="Visibilité"/></rim:Name>
          </rim:Classification>
          <rim:Classification id="urn:uuid:061c556f-583c-4359-930d-bb6a704a5415" classificationScheme="urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d" classifiedObject="{id}" nodeRepresentation="{format}">
            <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>1.3.6.1.4.1.19376.1.2.3</rim:Value></rim:ValueList></rim:Slot>
            <rim:Name><rim:LocalizedString value="PDF"/></rim:Name>
          </rim:Classification>
          <rim:Classification id="urn:uuid:f67ccb90-2e11-4857-bbf6-9db0c0a97572" classificationScheme="urn:uuid:f0306f51-975f-434e-a61c-c59651d33983" classifiedObject="{id}" nodeRepresentation="11488-4">
            <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>2.16.840.1.113883.6.1</rim:Value></rim:ValueList></rim:Slot>
            <rim:Name><rim:LocalizedString value="Note de consultation"/></rim:Name>
          </rim:Classification>
          <rim:ExternalIdentifier id="urn:uuid:a7dba492-0d12-45ed-a9aa-6d95fa8ca42e" identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" registryObject="{id}" value="279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH">
            <rim:Name><rim:LocalizedString value="XDSDocumentEntry.patientId"/></rim:Name>
          </rim:ExternalIdentifier>
          <rim:ExternalIdentifier id="urn:uuid:12c95b1b-8263-46da-931a-caf3b5f1923c" identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" registryObject="{id}" value="{uniqueId}">
            <rim:Name><rim:LocalizedString value="XDSDocumentEntry.uniqueId"/></rim:Name>
          </rim:ExternalIdentifier>
        </rim:ExtrinsicObject>
        """;

    public static string Query(string status = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success", params string[] objects) => $"""
        <query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" status="{status}">
          <rim:RegistryObjectList>{string.Concat(objects)}</rim:RegistryObjectList>
        </query:AdhocQueryResponse>
        """;

    public static string Retrieve(string documentContent, string uniqueId = UniqueId, string status = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success") => $"""
        <xdsb:RetrieveDocumentSetResponse xmlns:xdsb="urn:ihe:iti:xds-b:2007" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0">
          <rs:RegistryResponse status="{status}"/>
          <xdsb:DocumentResponse>
            <xdsb:RepositoryUniqueId>{Repository}</xdsb:RepositoryUniqueId>
            <xdsb:DocumentUniqueId>{uniqueId}</xdsb:DocumentUniqueId>
            <xdsb:mimeType>text/xml</xdsb:mimeType>
            <xdsb:Document>{documentContent}</xdsb:Document>
          </xdsb:DocumentResponse>
        </xdsb:RetrieveDocumentSetResponse>
        """;
}
