using System.Xml;
using Segur.Soap;

namespace Segur.Dmp.Client;

/// <summary>The DMP web services a call goes to (<c>https://host/si-dmp-server/v2/services/&lt;svc&gt;</c>).</summary>
public enum DmpService
{
    /// <summary><c>registry</c>: ITI-18, ITI-57.</summary>
    Registry,

    /// <summary><c>repository</c>: ITI-41, ITI-43.</summary>
    Repository,

    /// <summary><c>patients</c>: TD0.2, TD0.4, TD0.5.</summary>
    Patients,

    /// <summary><c>habilitations</c>: TD0.3.</summary>
    Habilitations,
}

/// <summary>
/// The DMP client: implements <see cref="IDmpClient"/> over SOAP 1.2 with a fresh VIHF token per call, mutual TLS,
/// the Segur resilience pipeline and one audit record per action.
/// </summary>
/// <remarks>This file holds the shared plumbing; each group of transactions is in its own partial file
/// (<c>DmpClient.Td0.cs</c>, <c>DmpClient.Xds.cs</c>).</remarks>
public partial class DmpClient : IDmpClient
{
    /// <summary>Sends one DMP call: builds the VIHF for <see cref="DmpCall.User"/> and
    /// <see cref="DmpCall.Patient"/>, applies the access rules, sends through the resilience pipeline, maps SOAP
    /// faults, and writes the audit record. The caller disposes the response.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response (with MTOM attachments when the service sent any).</returns>
    internal virtual Task<SoapResponse> SendAsync(DmpCall call, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Plumbing owned by the TD0/VIHF work.");
}

/// <summary>One call to the DMP, as the transaction methods describe it to <see cref="DmpClient.SendAsync"/>.</summary>
/// <param name="Service">The service.</param>
/// <param name="Action">The SOAP action (WS-Addressing Action).</param>
/// <param name="WriteBody">Writes the SOAP body content.</param>
/// <param name="User">Who acts.</param>
/// <param name="Patient">The patient (VIHF resource-id), or null for TD0.4/TD0.5.</param>
/// <param name="AuditAction">The audit action name, e.g. <c>dmp.td21.submit</c>.</param>
/// <param name="Kind">Whether the call feeds, consults or manages (drives the access rules).</param>
internal sealed record DmpCall(DmpService Service, string Action, Action<XmlWriter> WriteBody, DmpUserContext User,
    DmpPatient? Patient, string AuditAction, DmpCallKind Kind)
{
    /// <summary>MTOM attachments (ITI-41 documents); empty for plain SOAP.</summary>
    public IReadOnlyList<MtomAttachment> Attachments { get; init; } = [];

    /// <summary>Audit target details (uniqueId…), no personal data.</summary>
    public string? AuditTarget { get; init; }
}

/// <summary>What a call does, for the access rules.</summary>
internal enum DmpCallKind
{
    /// <summary>TD0.x: existence, authorisation, lists.</summary>
    Administrative,

    /// <summary>TD2.1: feeding (no authorisation needed).</summary>
    Feed,

    /// <summary>TD3.1/TD3.2: consultation (authorisation or break-glass/centre 15).</summary>
    Consult,

    /// <summary>TD3.3: hide, visibility, archive, delete.</summary>
    Manage,
}
