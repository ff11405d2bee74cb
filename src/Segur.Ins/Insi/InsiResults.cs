namespace Segur.Ins.Insi;

/// <summary>What an INSi search found (<c>CodeCR</c>).</summary>
public enum InsiSearchOutcome
{
    /// <summary><c>00</c>: exactly one identity; <see cref="InsiSearchResult.Identity"/> is set.</summary>
    Found,

    /// <summary><c>01</c>: no identity. May be a false negative: try other first names.</summary>
    NotFound,

    /// <summary><c>02</c>: several identities match. Add first names, then the birth place.</summary>
    Several,
}

/// <summary>What to try next after a search that did not find exactly one identity.</summary>
public enum InsiNextStep
{
    /// <summary>Nothing: the identity was found, or every refinement was tried.</summary>
    None,

    /// <summary>Send the whole first-name list (several identities matched one first name).</summary>
    AddFirstNames,

    /// <summary>Add the birth place (COG) to the query.</summary>
    AddBirthPlace,

    /// <summary>Try each first name alone, then the whole list: INSi may miss an identity on one spelling.</summary>
    TryOtherFirstNames,

    /// <summary>Check the traits against an identity document: INSi found nobody with every first-name variant.</summary>
    CheckTraits,
}

/// <summary>The outcome of an INSi search.</summary>
public sealed class InsiSearchResult
{
    internal InsiSearchResult(InsiSearchOutcome outcome, string returnCode, string returnLabel, InsIdentity? identity, InsiNextStep nextStep,
        IReadOnlyList<string> warnings, string messageId, string rawResult)
    {
        Outcome = outcome;
        ReturnCode = returnCode;
        ReturnLabel = returnLabel;
        Identity = identity;
        NextStep = nextStep;
        Warnings = warnings;
        MessageId = messageId;
        RawResult = rawResult;
    }

    /// <summary>The outcome.</summary>
    public InsiSearchOutcome Outcome { get; }

    /// <summary>Whether exactly one identity was found.</summary>
    public bool IsFound => Outcome == InsiSearchOutcome.Found;

    /// <summary>The INSi return code (<c>CodeCR</c>): <c>00</c>, <c>01</c> or <c>02</c>.</summary>
    public string ReturnCode { get; }

    /// <summary>The INSi label (<c>LibelleCR</c>), for example <c>Aucune identite trouvee</c>.</summary>
    public string ReturnLabel { get; }

    /// <summary>The identity found (INSACTIF, INSHISTO and the TIQ traits), or <see langword="null"/>. Data, not a
    /// decision: apply it to an <see cref="IdentityRecord"/>.</summary>
    public InsIdentity? Identity { get; }

    /// <summary>The suggested next step when the identity was not found.</summary>
    public InsiNextStep NextStep { get; }

    /// <summary>Anomalies in the received data that were reported, not rejected (for example a matricule whose key
    /// does not match its number). Show them or write them to the audit trail.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The request's <c>wsa:MessageID</c> (<c>uuid:…</c>), for traces and CNDA evidence.</summary>
    public string MessageId { get; }

    /// <summary>The <c>RESULTAT</c> element as received (CNDA evidence). Personal data: keep it out of logs.</summary>
    public string RawResult { get; }
}

/// <summary>The outcome of an INSi verification (WS_INS3).</summary>
public sealed class InsiVerificationResult
{
    internal InsiVerificationResult(string returnCode, string returnLabel, string messageId, string rawResult)
    {
        ReturnCode = returnCode;
        ReturnLabel = returnLabel;
        MessageId = messageId;
        RawResult = rawResult;
    }

    /// <summary>Whether INSi confirmed the INS and traits (<c>CodeCR</c> <c>00</c>).</summary>
    public bool IsConfirmed => ReturnCode == "00";

    /// <summary>The INSi return code.</summary>
    public string ReturnCode { get; }

    /// <summary>The INSi label.</summary>
    public string ReturnLabel { get; }

    /// <summary>The request's <c>wsa:MessageID</c>.</summary>
    public string MessageId { get; }

    /// <summary>The response body as received. Personal data: keep it out of logs.</summary>
    public string RawResult { get; }
}
