using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.Registry;
using Segur.Security;

namespace Segur.Ins.Insi;

/// <summary>The INSi platform a client talks to.</summary>
public enum InsiEnvironment
{
    /// <summary>The qualification (test) platform, used with test certificates and test CPS cards.</summary>
    Qualification,

    /// <summary>The production platform.</summary>
    Production,
}

/// <summary>How the client authenticates to INSi.</summary>
public enum InsiAuthenticationMode
{
    /// <summary>Organisation software certificate (IGC-Santé ORG AUTH_CLI, CN <c>INSI-MANU</c> or <c>INSI-AUTO</c>) in
    /// mutual TLS; no <c>wsse:Security</c> header.</summary>
    OrganisationCertificate,

    /// <summary>CPx: a SAML "assertion PS" signed with the professional's card (or any <see cref="ICredentialSource"/>)
    /// in <c>wsse:Security</c>.</summary>
    Cpx,
}

/// <summary>Settings of <see cref="InsiClient"/>. Validated once, at construction (every problem reported together).</summary>
public sealed class InsiClientOptions : SegurClientOptions, IValidatableObject
{
    /// <summary>The default CPx endpoint of the qualification platform.</summary>
    public static readonly Uri QualificationCpxEndpoint = new("https://qualiflps.services-ps.ameli.fr:443/lps");

    /// <summary>The default mutual-TLS endpoint of the qualification platform (the WSDL's address).</summary>
    public static readonly Uri QualificationTlsEndpoint = new("https://qualiflps-services-ps-tlsm.ameli.fr:443/lps");

    /// <summary>The default CPx endpoint of production. Not published: an assumption, override it when the GIE
    /// documentation says otherwise.</summary>
    public static readonly Uri ProductionCpxEndpoint = new("https://services-ps.ameli.fr/lps");

    /// <summary>The default mutual-TLS endpoint of production.</summary>
    public static readonly Uri ProductionTlsEndpoint = new("https://services-ps-tlsm.ameli.fr/lps");

    /// <summary>The platform. <value>Default: <see cref="InsiEnvironment.Qualification"/>.</value></summary>
    public InsiEnvironment Environment { get; set; } = InsiEnvironment.Qualification;

    /// <summary>The authentication mode. <value>Default: <see cref="InsiAuthenticationMode.OrganisationCertificate"/>.</value></summary>
    public InsiAuthenticationMode AuthenticationMode { get; set; } = InsiAuthenticationMode.OrganisationCertificate;

    /// <summary>The service URL. <value>Default: <see langword="null"/>, meaning the preset of
    /// <see cref="Environment"/> and <see cref="AuthenticationMode"/> (see <see cref="ResolveEndpoint"/>).</value></summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The CNDA authorisation number of the software (IDAM, written with <c>R="4"</c>).</summary>
    /// <value>Default: empty (required).</value>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string Idam { get; set; } = string.Empty;

    /// <summary>The software name written in <c>LPS/Nom</c>. <value>Default: empty (required).</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(200)]
    public string LpsName { get; set; } = string.Empty;

    /// <summary>The software version written in <c>LPS/Version</c>. <value>Default: empty (required).</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string LpsVersion { get; set; } = string.Empty;

    /// <summary>The installation's UUID written in <c>LPS/Instance</c>: generate it once per installation and persist it.</summary>
    /// <value>Default: <see cref="Guid.Empty"/> (required).</value>
    public Guid InstanceId { get; set; }

    /// <summary>The sender written in both contexts' <c>Emetteur</c> (structure identifier, billing number…).</summary>
    /// <value>Default: <see langword="null"/>: in mutual TLS, the certificate's OU when available; otherwise none.</value>
    [StringLength(64)]
    public string? Emetteur { get; set; }

    /// <summary>The credential: the organisation certificate (mutual TLS) or the signer of the assertion PS (CPx, for
    /// example the CPS card). <value>Default: <see langword="null"/> (required by <see cref="InsiClient.CreateAsync"/>,
    /// and by the CPx mode).</value></summary>
    public ICredentialSource? Credential { get; set; }

    /// <summary>Builds the CPx assertion PS. <value>Default: <see langword="null"/>, meaning
    /// <see cref="AssertionPsBuilder"/> with <see cref="AssertionPs"/>.</value></summary>
    public IAssertionPsBuilder? AssertionBuilder { get; set; }

    /// <summary>The attributes of the default assertion PS (billing identifier, activity sector, AMO specialty).</summary>
    public AssertionPsOptions AssertionPs { get; set; } = new();

    /// <summary>The contract of the verification operation (WS_INS3), which is not public.</summary>
    public InsiOperationContract Verification { get; set; } = InsiOperationContract.DefaultVerification;

    /// <summary>The fault codes (detail code or subcode) treated as transient and retried.
    /// <value>Default: <c>desir_1020</c>, <c>siram_40</c>, <c>insi_102</c>.</value></summary>
    public ISet<string> TransientFaultCodes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "desir_1020", "siram_40", "insi_102" };

    /// <summary>The server trust used by <see cref="InsiClient.CreateAsync"/>. <value>Default: <see langword="null"/>,
    /// meaning <see cref="IgcSanteTrust.Production"/> in production and <see cref="IgcSanteTrust.Test"/> in qualification.</value></summary>
    public IgcSanteTrust? ServerTrust { get; set; }

    /// <summary>Server certificate validation settings for <see cref="InsiClient.CreateAsync"/>. <value>Default: online
    /// revocation, system clock.</value></summary>
    public CertificateValidationOptions ServerCertificateValidation { get; set; } = new();

    /// <summary>The HTTP timeout of <see cref="InsiClient.CreateAsync"/>'s <see cref="HttpClient"/> (the pipeline's
    /// attempt timeout usually fires first). <value>Default: 60 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The resilience pipeline. <value>Default: <see langword="null"/>: the <c>Segur.Ins</c> pipeline of
    /// <see cref="PipelineProvider"/>, else the SDK defaults (retry on transient faults, circuit breaker, 30 s attempt
    /// timeout) on <see cref="SegurClientOptions.TimeProvider"/>. Pass <see cref="ResiliencePipeline.Empty"/> in unit tests.</value></summary>
    public ResiliencePipeline? Pipeline { get; set; }

    /// <summary>The pipeline provider (usually the application's <c>ResiliencePipelineRegistry&lt;string&gt;</c>) asked
    /// for <c>Segur.Ins</c>. <value>Default: <see langword="null"/>.</value></summary>
    public ResiliencePipelineProvider<string>? PipelineProvider { get; set; }

    /// <summary>The endpoint used: <see cref="Endpoint"/>, or the preset for the environment and mode.</summary>
    /// <returns>The URL.</returns>
    public Uri ResolveEndpoint() => Endpoint ?? (Environment, AuthenticationMode) switch
    {
        (InsiEnvironment.Production, InsiAuthenticationMode.Cpx) => ProductionCpxEndpoint,
        (InsiEnvironment.Production, _) => ProductionTlsEndpoint,
        (_, InsiAuthenticationMode.Cpx) => QualificationCpxEndpoint,
        _ => QualificationTlsEndpoint,
    };

    /// <summary>Validates the options, reporting attribute and cross-property problems together.</summary>
    /// <exception cref="SegurValidationException"><c>SGR-1601</c> listing every problem.</exception>
    internal void ThrowIfInvalid() => OptionsFailures.ThrowIfAny(nameof(InsiClientOptions), CollectFailures());

    /// <summary>Every problem of these options, attributes and cross-property rules.</summary>
    internal List<string> CollectFailures() => OptionsFailures.Collect(this);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (InstanceId == Guid.Empty)
        {
            yield return new ValidationResult("InstanceId must be set: generate a UUID once per installation and persist it.", [nameof(InstanceId)]);
        }

        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("https" or "http")))
        {
            yield return new ValidationResult("Endpoint must be an absolute http(s) URL.", [nameof(Endpoint)]);
        }

        if (!Enum.IsDefined(Environment))
        {
            yield return new ValidationResult("Environment is not a defined value.", [nameof(Environment)]);
        }

        if (!Enum.IsDefined(AuthenticationMode))
        {
            yield return new ValidationResult("AuthenticationMode is not a defined value.", [nameof(AuthenticationMode)]);
        }

        if (AuthenticationMode == InsiAuthenticationMode.Cpx && Credential is null && AssertionBuilder is null)
        {
            yield return new ValidationResult("The CPx mode needs a Credential (the CPS card) or an AssertionBuilder.", [nameof(Credential)]);
        }

        if (Verification is null)
        {
            yield return new ValidationResult("Verification is required.", [nameof(Verification)]);
        }

        if (AssertionPs is null)
        {
            yield return new ValidationResult("AssertionPs is required.", [nameof(AssertionPs)]);
        }

        if (LoggerFactory is null || TimeProvider is null)
        {
            yield return new ValidationResult("LoggerFactory and TimeProvider are required.", [nameof(LoggerFactory)]);
        }
    }
}

/// <summary>
/// The wire contract of an INSi operation that is not in the public WSDL (WS_INS3 verification): its operation name,
/// <c>wsa:Action</c> and body element. The defaults follow public hints and are assumptions: fill them from the GIE
/// SESAM-Vitale package (SEL-MP-043) before calling the real service.
/// </summary>
public sealed class InsiOperationContract
{
    /// <summary>The verification contract the SDK assumes: operation <c>verifierInsAvecTraitsIdentite</c>, action
    /// <c>urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite</c>, body <c>IndividuVerifie</c> in
    /// <c>http://www.cnamts.fr/INSiVerif</c>.</summary>
    public static InsiOperationContract DefaultVerification => new()
    {
        OperationName = "verifierInsAvecTraitsIdentite",
        Action = "urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite",
        BodyElementName = "IndividuVerifie",
        BodyNamespace = "http://www.cnamts.fr/INSiVerif",
    };

    /// <summary>The operation name (for logs and traces). <value>Default: empty.</value></summary>
    [Required(AllowEmptyStrings = false)]
    public string OperationName { get; set; } = string.Empty;

    /// <summary>The <c>wsa:Action</c>. <value>Default: empty.</value></summary>
    [Required(AllowEmptyStrings = false)]
    public string Action { get; set; } = string.Empty;

    /// <summary>The body's root element name. <value>Default: empty.</value></summary>
    [Required(AllowEmptyStrings = false)]
    public string BodyElementName { get; set; } = string.Empty;

    /// <summary>The body's namespace. <value>Default: empty.</value></summary>
    [Required(AllowEmptyStrings = false)]
    public string BodyNamespace { get; set; } = string.Empty;
}
