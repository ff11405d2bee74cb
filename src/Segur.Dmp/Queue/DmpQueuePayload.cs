using System.Text.Json;
using System.Text.Json.Serialization;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Identifiers;
using Segur.Ins;

namespace Segur.Dmp.Queue;

/// <summary>
/// What the queue stores for one document (the outbox payload, encrypted at rest when the outbox has a key): the
/// patient, the exact CDA bytes, the DMP options and the user context. Not the VIHF nor the XAdES lot: those are built
/// at send time (fresh IssueInstant, SigningTime, submissionTime).
/// </summary>
internal sealed record DmpQueuePayload
{
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public int V { get; init; } = CurrentVersion;

    public required PatientData Patient { get; init; }

    public required UserData User { get; init; }

    public required CodeData ClassCode { get; init; }

    public CodeData? FormatCode { get; init; }

    public DmpVisibility Visibility { get; init; }

    public string? ReplacesEntryUuid { get; init; }

    public CodeData? ContentTypeCode { get; init; }

    public string? Title { get; init; }

    public required byte[] Cda { get; init; }

    public static DmpQueuePayload From(DmpSendRequest request) => new()
    {
        Patient = new PatientData
        {
            Matricule = request.Patient.Ins.Matricule.Value,
            Oid = request.Patient.Ins.Oid.Value,
            BirthName = request.Patient.Traits.BirthName,
            GivenNames = request.Patient.Traits.GivenNameList,
            FirstName = request.Patient.Traits.FirstName,
            Sex = request.Patient.Traits.Sex,
            BirthDate = request.Patient.Traits.BirthDate.ToIsoString(),
            BirthPlace = request.Patient.Traits.BirthPlace,
        },
        User = new UserData
        {
            Mode = request.User.Mode,
            User = request.User.User.Value,
            FamilyName = request.User.FamilyName,
            GivenName = request.User.GivenName,
            Structure = request.User.Structure.Value,
            Roles = [.. request.User.Roles.Select(r => new CodeData(r.Code, r.CodeSystem, r.DisplayName))],
            ActivitySector = CodeData.From(request.User.ActivitySector),
            AccessMode = request.User.AccessMode,
            AccessReason = request.User.AccessReason,
            SecretConnection = request.User.SecretConnection,
            AuthenticationInstant = request.User.AuthenticationInstant,
            AuthenticationContextDeclaration = request.User.AuthenticationContextDeclaration,
        },
        ClassCode = CodeData.From(request.Document.ClassCode),
        FormatCode = request.Document.FormatCode is { } format ? CodeData.From(format) : null,
        Visibility = request.Document.Visibility,
        ReplacesEntryUuid = request.Document.ReplacesEntryUuid,
        ContentTypeCode = request.ContentTypeCode is { } content ? CodeData.From(content) : null,
        Title = request.Title,
        Cda = request.Document.Cda.ToArray(),
    };

    public static DmpQueuePayload Read(ReadOnlySpan<byte> utf8)
    {
        DmpQueuePayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<DmpQueuePayload>(utf8, Json);
        }
        catch (JsonException ex)
        {
            throw new SegurException(DmpErrorCodes.QueuePayloadUnreadable, "The stored DMP queue item is damaged: it is not the JSON the queue writes.", innerException: ex);
        }

        if (payload is null || payload.V != CurrentVersion)
        {
            throw new SegurException(DmpErrorCodes.QueuePayloadUnreadable, $"The stored DMP queue item has format version {payload?.V}; this SDK reads version {CurrentVersion}.");
        }

        return payload;
    }

    public byte[] Write() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public DmpPatient ToPatient()
    {
        var birth = BirthDate.ParseIso(Patient.BirthDate);
        var traits = InsTraits.Create(Patient.BirthName, Patient.GivenNames, Patient.Sex, birth, Patient.BirthPlace, Patient.FirstName);
        return DmpPatient.Restore(new InsIdentifier(InsMatricule.Parse(Patient.Matricule), InsOid.Parse(Patient.Oid)), traits);
    }

    public DmpUserContext ToUser() => new()
    {
        Mode = User.Mode,
        User = ProfessionalIdentifier.Parse(User.User),
        FamilyName = User.FamilyName,
        GivenName = User.GivenName,
        Structure = OrganizationIdentifier.Parse(User.Structure),
        Roles = [.. User.Roles.Select(r => new DmpRole(r.Code, r.CodeSystem, r.DisplayName))],
        ActivitySector = User.ActivitySector.ToCode(),
        AccessMode = User.AccessMode,
        AccessReason = User.AccessReason,
        SecretConnection = User.SecretConnection,
        AuthenticationInstant = User.AuthenticationInstant,
        AuthenticationContextDeclaration = User.AuthenticationContextDeclaration,
    };

    public DmpDocument ToDocument(string? replacesEntryUuid) => new()
    {
        Cda = Cda,
        ClassCode = ClassCode.ToCode(),
        FormatCode = FormatCode?.ToCode(),
        Visibility = Visibility,
        ReplacesEntryUuid = replacesEntryUuid,
    };

    internal sealed record PatientData
    {
        public required string Matricule { get; init; }

        public required string Oid { get; init; }

        public required string BirthName { get; init; }

        public required string GivenNames { get; init; }

        public string? FirstName { get; init; }

        public InsSex Sex { get; init; }

        public required string BirthDate { get; init; }

        public string? BirthPlace { get; init; }
    }

    internal sealed record UserData
    {
        public DmpAuthenticationMode Mode { get; init; }

        public required string User { get; init; }

        public required string FamilyName { get; init; }

        public string? GivenName { get; init; }

        public required string Structure { get; init; }

        public required IReadOnlyList<CodeData> Roles { get; init; }

        public required CodeData ActivitySector { get; init; }

        public DmpAccessMode AccessMode { get; init; }

        public string? AccessReason { get; init; }

        public bool SecretConnection { get; init; }

        public DateTimeOffset? AuthenticationInstant { get; init; }

        public string? AuthenticationContextDeclaration { get; init; }
    }

    internal sealed record CodeData(string Code, string CodeSystem, string? DisplayName)
    {
        public static CodeData From(CdaCode code) => new(code.Code, code.CodeSystem, code.DisplayName);

        public CdaCode ToCode() => new(Code, CodeSystem, DisplayName);
    }
}
