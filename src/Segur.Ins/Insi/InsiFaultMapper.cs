using System.Xml;
using Segur.Soap;

namespace Segur.Ins.Insi;

/// <summary>
/// A SOAP fault INSi returned (HTTP 500, SIRAM shape): <c>Code</c> Sender/Receiver, <c>Subcode</c> <c>siram_xx</c>, and
/// the detail <c>siram:Erreur</c> with its <c>code</c> (<c>desir_550</c>, <c>desir_1020</c>, <c>insi_102</c>…) and
/// <c>severite</c>. <see cref="SegurServiceException.ServiceCode"/> is the detail code, else the subcode.
/// The message never holds the fault's text (it may echo patient data): read <see cref="SegurException.RawFault"/>.
/// </summary>
public sealed class InsiFaultException : SegurServiceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The SDK code (<c>SGR-252x</c>).</param>
    /// <param name="message">The message, without patient data.</param>
    /// <param name="isTransient">Whether retrying may succeed.</param>
    /// <param name="rawFault">The fault XML.</param>
    public InsiFaultException(string errorCode, string message, bool isTransient, string? rawFault)
        : base(errorCode, message, isTransient, rawFault)
    {
    }

    /// <summary>The fault code's local name: <c>Sender</c> or <c>Receiver</c>.</summary>
    public string FaultCode { get; init; } = string.Empty;

    /// <summary>The innermost subcode, for example <c>siram_40</c>, or <see langword="null"/>.</summary>
    public string? Subcode { get; init; }

    /// <summary>The detail code (<c>siram:Erreur/@code</c>), for example <c>desir_1020</c>, or <see langword="null"/>.</summary>
    public string? DetailCode { get; init; }

    /// <summary>The severity (<c>information</c>, <c>avertissement</c>, <c>erreur</c>, <c>fatale</c>), or <see langword="null"/>.</summary>
    public string? Severity { get; init; }

    /// <summary>Whether the fault means the installation is misconfigured (IDAM not authorised, wrong certificate):
    /// fix the settings; retrying never helps.</summary>
    public bool IsConfigurationError { get; init; }
}

/// <summary>
/// Maps INSi SOAP faults to <see cref="InsiFaultException"/>: <c>desir_550</c> → <see cref="InsErrorCodes.InsiSoftwareNotAuthorized"/>
/// and <c>desir_560</c> → <see cref="InsErrorCodes.InsiAccessDenied"/> (configuration, not transient); codes in the
/// transient list (default <c>desir_1020</c>, <c>siram_40</c>, <c>insi_102</c>) → <see cref="InsErrorCodes.InsiUnavailable"/>
/// or <see cref="InsErrorCodes.InsiTechnicalError"/> (transient); anything else → <see cref="InsErrorCodes.InsiFault"/>,
/// not transient. <see cref="InsiClient.CreateAsync"/> plugs it into its transport; plug it into yours through
/// <see cref="HttpSoapTransportOptions.FaultMapper"/>.
/// </summary>
public sealed class InsiFaultMapper : ISoapFaultMapper
{
    /// <summary>The SIRAM detail namespace.</summary>
    public const string SiramNamespace = "urn:siram";

    private readonly HashSet<string> _transient;

    /// <summary>Creates a mapper.</summary>
    /// <param name="transientCodes">Detail codes or subcodes treated as transient; <see langword="null"/> for
    /// <c>desir_1020</c>, <c>siram_40</c>, <c>insi_102</c>.</param>
    public InsiFaultMapper(IEnumerable<string>? transientCodes = null) =>
        _transient = new HashSet<string>(transientCodes ?? ["desir_1020", "siram_40", "insi_102"], StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public SegurException? Map(SoapFault fault, SoapRequest request) => Map(fault);

    /// <summary>Maps a fault.</summary>
    /// <param name="fault">The fault.</param>
    /// <returns>The exception to throw.</returns>
    public InsiFaultException Map(SoapFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var erreur = fault.FindDetailEntry("Erreur", SiramNamespace) ?? FirstDetailNamed(fault.Detail, "Erreur");
        var detailCode = erreur?.GetAttribute("code").Trim() is { Length: > 0 } c ? c : null;
        var severity = erreur?.GetAttribute("severite").Trim() is { Length: > 0 } s ? s : null;
        var subcode = fault.InnermostSubcode;
        var codes = $"{fault.Code.Name}{(subcode is null ? string.Empty : "/" + subcode)}{(detailCode is null ? string.Empty : ", " + detailCode)}";

        string errorCode;
        string message;
        bool transient;
        var configuration = false;
        if (Is(detailCode, "desir_550"))
        {
            (errorCode, transient, configuration) = (InsErrorCodes.InsiSoftwareNotAuthorized, false, true);
            message = $"INSi refused the software ({codes}): the IDAM is unknown or not authorised. Check InsiClientOptions.Idam and the CNDA authorisation.";
        }
        else if (Is(detailCode, "desir_560"))
        {
            (errorCode, transient, configuration) = (InsErrorCodes.InsiAccessDenied, false, true);
            message = $"INSi refused the credential's access level ({codes}): check the certificate (CN INSI-MANU or INSI-AUTO) or the card.";
        }
        else if (IsTransientCode(detailCode) || IsTransientCode(subcode))
        {
            transient = true;
            errorCode = Is(detailCode, "insi_102") ? InsErrorCodes.InsiTechnicalError : InsErrorCodes.InsiUnavailable;
            message = errorCode == InsErrorCodes.InsiTechnicalError
                ? $"INSi reported a technical error ({codes}); try again later."
                : $"INSi is temporarily unavailable ({codes}); try again later.";
        }
        else
        {
            (errorCode, transient) = (InsErrorCodes.InsiFault, false);
            message = $"INSi answered with a fault ({codes}).";
        }

        return new InsiFaultException(errorCode, message, transient, fault.RawXml)
        {
            ServiceCode = detailCode ?? subcode,
            FaultCode = fault.Code.Name,
            Subcode = subcode,
            DetailCode = detailCode,
            Severity = severity,
            IsConfigurationError = configuration,
        };
    }

    private bool IsTransientCode(string? code) => code is not null && _transient.Contains(code);

    private static bool Is(string? code, string expected) => string.Equals(code, expected, StringComparison.OrdinalIgnoreCase);

    private static XmlElement? FirstDetailNamed(XmlElement? detail, string localName)
    {
        if (detail is null)
        {
            return null;
        }

        for (var node = detail.FirstChild; node is not null; node = node.NextSibling)
        {
            if (node is XmlElement e && e.LocalName == localName)
            {
                return e;
            }
        }

        return null;
    }
}
