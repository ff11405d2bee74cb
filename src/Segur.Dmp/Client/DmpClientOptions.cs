using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.Registry;
using Segur.Audit;
using Segur.Dmp.Access;
using Segur.Dmp.Vihf;
using Segur.Security;

namespace Segur.Dmp.Client;

/// <summary>Settings of <see cref="DmpClient"/>. Validated once, at construction (every problem reported together).</summary>
/// <remarks>Credentials: in DIRECTE mode both <see cref="TlsCredential"/> and <see cref="VihfSigner"/> are the
/// professional's CPS card; in the indirect modes the structure's IGC-Santé ORG AUTH_CLI (TLS) and ORG SIGN (VIHF and lot
/// signature) certificates, whose subject <c>OU</c> is the structure identifier.</remarks>
public sealed class DmpClientOptions : SegurClientOptions, IValidatableObject
{
    /// <summary>The DMP web services base address, ending with <c>/si-dmp-server/v2/services/</c> (hosts are given by
    /// GIE SESAM-Vitale; none is built in). <value>Default: <see langword="null"/> (required).</value></summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The path of each service under <see cref="BaseAddress"/>.
    /// <value>Default: <c>registry</c>, <c>repository</c>, <c>patients</c>, <c>habilitations</c>.</value></summary>
    public IDictionary<DmpService, string> ServicePaths { get; } = new Dictionary<DmpService, string>
    {
        [DmpService.Registry] = "registry",
        [DmpService.Repository] = "repository",
        [DmpService.Patients] = "patients",
        [DmpService.Habilitations] = "habilitations",
    };

    /// <summary>The installation identifier written in <c>LPS_ID</c> (optional in the VIHF).
    /// <value>Default: <see langword="null"/>, not written.</value></summary>
    [StringLength(128)]
    public string? LpsId { get; set; }

    /// <summary>The software name (<c>LPS_Nom</c>). <value>Default: empty (required).</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(128)]
    public string LpsName { get; set; } = string.Empty;

    /// <summary>The software version (<c>LPS_Version</c>). <value>Default: empty (required).</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string LpsVersion { get; set; } = string.Empty;

    /// <summary>The CNDA "DMP-compatibilité" homologation number (<c>LPS_ID_HOMOLOGATION_DMP</c>).
    /// <value>Default: empty (required).</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string HomologationNumber { get; set; } = string.Empty;

    /// <summary>The VIHF spellings and choices where public sources conflict.</summary>
    public VihfOptions Vihf { get; set; } = new();

    /// <summary>The hash of the VIHF signature, and of the XAdES lot signature built for TD2.1/TD3.3.
    /// <value>Default: <see cref="DmpSignatureHash.Sha1"/> (the only one seen in CNAM examples).</value></summary>
    public DmpSignatureHash SignatureHash { get; set; } = DmpSignatureHash.Sha1;

    /// <summary>The TLS client credential used by <see cref="DmpClient.CreateAsync"/>: the CPS card (DIRECTE) or the
    /// ORG AUTH_CLI certificate. <value>Default: <see langword="null"/>.</value></summary>
    public ICredentialSource? TlsCredential { get; set; }

    /// <summary>The VIHF (and lot) signer: the CPS card (DIRECTE) or the ORG SIGN certificate.
    /// <value>Default: <see langword="null"/> (required to call the DMP: <c>SGR-4204</c>).</value></summary>
    public ICredentialSource? VihfSigner { get; set; }

    /// <summary>The trust the DMP server certificate must chain to. <value>Default: <see langword="null"/>, meaning
    /// <see cref="IgcSanteTrust.Production"/>; use <see cref="IgcSanteTrust.Test"/> for GIE SESAM-Vitale test platforms,
    /// or a custom trust for the simulator.</value></summary>
    public IgcSanteTrust? ServerTrust { get; set; }

    /// <summary>Server certificate validation settings for <see cref="DmpClient.CreateAsync"/>.
    /// <value>Default: online revocation, system clock.</value></summary>
    public CertificateValidationOptions ServerCertificateValidation { get; set; } = new();

    /// <summary>Whether <see cref="DmpClient.CreateAsync"/> checks the server host name. Leave it on.
    /// <value>Default: <see langword="true"/>.</value></summary>
    public bool CheckServerHostName { get; set; } = true;

    /// <summary>Where one record per DMP action is written (required by Ségur: set it in production).
    /// <value>Default: <see langword="null"/>, nothing written (<c>AddSegurDmp</c> uses the registered <see cref="IAuditTrail"/>).</value></summary>
    public IAuditTrail? AuditTrail { get; set; }

    /// <summary>The key of the HMAC-SHA256 that turns the INS into the audit target (<c>patient:&lt;hash&gt;</c>), so that
    /// records of one patient can be linked without the INS in clear. <value>Default: <see langword="null"/>: no patient
    /// reference in audit records.</value></summary>
    public byte[]? AuditPatientKey { get; set; }

    /// <summary>The local consent records the access rules read. <value>Default: <see langword="null"/>: feeding and
    /// consultation are refused with <c>SGR-4412</c> while <see cref="DmpAccessOptions.Enforce"/> is on.</value></summary>
    public IDmpConsentStore? ConsentStore { get; set; }

    /// <summary>The local access rules. <value>Default: Ségur defaults, enforced.</value></summary>
    public DmpAccessOptions Access { get; set; } = new();

    /// <summary>The TD0.3 <c>action</c> value that removes an authorisation (not public). <value>Default:
    /// <c>SUPPRESSION</c> [assumption]; <c>AJOUT</c> adds.</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(32)]
    public string AuthorizationRemovalAction { get; set; } = "SUPPRESSION";

    /// <summary>SOAP fault subcodes (local names) the client treats as transient and retries on idempotent calls (the DMP
    /// catalogue is not public). <value>Default: empty; a Receiver fault without a subcode is transient anyway.</value></summary>
    public ISet<string> TransientFaultCodes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The HTTP timeout of <see cref="DmpClient.CreateAsync"/>'s <see cref="HttpClient"/>.
    /// <value>Default: 120 seconds (TD2.1 uploads documents).</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The attempt timeout of non-idempotent calls (TD2.1, TD3.3), sent once.
    /// <value>Default: 120 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan NonIdempotentTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The resilience pipeline of idempotent calls. <value>Default: <see langword="null"/>: the <c>Segur.Dmp</c>
    /// pipeline of <see cref="PipelineProvider"/>, else the SDK defaults. Pass <see cref="ResiliencePipeline.Empty"/> in
    /// unit tests.</value></summary>
    public ResiliencePipeline? Pipeline { get; set; }

    /// <summary>The pipeline provider asked for <c>Segur.Dmp</c>. <value>Default: <see langword="null"/>.</value></summary>
    public ResiliencePipelineProvider<string>? PipelineProvider { get; set; }

    /// <summary>The URL of a service.</summary>
    /// <param name="service">The service.</param>
    /// <returns>The absolute URL.</returns>
    /// <exception cref="InvalidOperationException"><see cref="BaseAddress"/> is not set.</exception>
    public Uri ResolveEndpoint(DmpService service)
    {
        var baseAddress = BaseAddress ?? throw new InvalidOperationException("DmpClientOptions.BaseAddress is not set.");
        var text = baseAddress.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), ServicePaths.TryGetValue(service, out var path) ? path : service.ToString().ToLowerInvariant());
    }

    /// <summary>Every problem of these options: attributes, nested options and cross-property rules.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var failures = SegurOptions.Collect(this).ToList();
        foreach (var result in Validate(new ValidationContext(this)))
        {
            var text = $"{string.Join(", ", result.MemberNames)}: {result.ErrorMessage}";
            if (!failures.Contains(text))
            {
                failures.Add(text);
            }
        }

        return failures;
    }

    /// <summary>Throws <c>SGR-1601</c> listing every problem, with <paramref name="additional"/> ones (rules of the
    /// caller, such as the DI registration's required credentials).</summary>
    internal void ThrowIfInvalid(IEnumerable<string>? additional = null)
    {
        var failures = Problems().Concat(additional ?? []).ToList();
        if (failures.Count > 0)
        {
            throw new SegurValidationException(CoreErrorCodes.OptionsInvalid, $"{nameof(DmpClientOptions)} is invalid: {string.Join("; ", failures)}")
            {
                Field = nameof(DmpClientOptions),
            };
        }
    }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseAddress is null)
        {
            yield return new ValidationResult("BaseAddress is required (https://<host>/si-dmp-server/v2/services/).", [nameof(BaseAddress)]);
        }
        else if (!BaseAddress.IsAbsoluteUri || !(BaseAddress.Scheme == Uri.UriSchemeHttps || (BaseAddress.Scheme == Uri.UriSchemeHttp && BaseAddress.IsLoopback)))
        {
            yield return new ValidationResult("BaseAddress must be an absolute https URL (http only on the loopback, for tests).", [nameof(BaseAddress)]);
        }

        foreach (var service in Enum.GetValues<DmpService>())
        {
            if (!ServicePaths.TryGetValue(service, out var path) || string.IsNullOrWhiteSpace(path) || path.Contains("://", StringComparison.Ordinal))
            {
                yield return new ValidationResult($"ServicePaths[{service}] must be a relative path.", [nameof(ServicePaths)]);
            }
        }

        if (!Enum.IsDefined(SignatureHash))
        {
            yield return new ValidationResult("SignatureHash is not a defined value.", [nameof(SignatureHash)]);
        }

        if (Vihf is null)
        {
            yield return new ValidationResult("Vihf is required.", [nameof(Vihf)]);
        }

        if (Access is null || Access.Parameters is null)
        {
            yield return new ValidationResult("Access and Access.Parameters are required.", [nameof(Access)]);
        }

        if (AuditPatientKey is { Length: < 16 })
        {
            yield return new ValidationResult("AuditPatientKey must be at least 16 bytes (random, kept secret).", [nameof(AuditPatientKey)]);
        }

        if (LoggerFactory is null || TimeProvider is null)
        {
            yield return new ValidationResult("LoggerFactory and TimeProvider are required.", [nameof(LoggerFactory), nameof(TimeProvider)]);
        }
    }
}
