using Segur.Soap;

namespace Segur.Dmp.Client;

/// <summary>
/// Maps DMP SOAP faults. The DMP fault catalogue is not public: the raw fault is kept in
/// <see cref="SegurException.RawFault"/> and the innermost subcode in <see cref="SegurServiceException.ServiceCode"/>;
/// the mapping uses only the SOAP code, WS-Security subcodes and the configured transient subcodes.
/// </summary>
internal sealed class DmpFaultMapper : ISoapFaultMapper
{
    internal const string WsseNamespace = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

    private static readonly HashSet<string> SecurityCodes = new(StringComparer.Ordinal)
    {
        "InvalidSecurityToken", "FailedAuthentication", "InvalidSecurity", "SecurityTokenUnavailable", "FailedCheck", "MessageExpired",
    };

    private readonly ISet<string> _transient;

    public DmpFaultMapper(ISet<string> transient) => _transient = transient;

    public SegurException? Map(SoapFault fault, SoapRequest request) => Map(fault);

    public SegurException Map(SoapFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var innermost = fault.InnermostSubcode;
        var suffix = innermost is null ? string.Empty : $" (subcode {innermost})";
        if (fault.Subcodes.Any(s => s.Namespace == WsseNamespace || SecurityCodes.Contains(s.Name)))
        {
            return new SegurAuthenticationException(DmpErrorCodes.DmpSecurityRefused,
                $"The DMP refused the VIHF token or the security header{suffix}: check the signer certificate, the clock and the VIHF attributes.",
                rawFault: fault.RawXml);
        }

        var listed = fault.Subcodes.Any(s => _transient.Contains(s.Name));
        if (fault.IsSenderFault)
        {
            return new SegurServiceException(DmpErrorCodes.DmpRequestRefused, $"The DMP refused the request{suffix}.", listed, fault.RawXml)
            {
                ServiceCode = innermost,
            };
        }

        if (fault.IsReceiverFault)
        {
            return new SegurServiceException(DmpErrorCodes.DmpServiceFailed, $"The DMP failed to process the request{suffix}.", innermost is null || listed, fault.RawXml)
            {
                ServiceCode = innermost,
            };
        }

        return new SegurProtocolException(DmpErrorCodes.DmpProtocolFault, $"The DMP answered with a SOAP {fault.Code.Name} fault{suffix}.", rawFault: fault.RawXml);
    }
}
