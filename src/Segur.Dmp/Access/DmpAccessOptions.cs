namespace Segur.Dmp.Access;

/// <summary>DMP platform parameters that change what the SDK allows (the DMPi values are not public: set them from
/// the GIE SESAM-Vitale documentation).</summary>
public sealed class DmpParameters
{
    /// <summary>Whether a document may be both <c>MASQUE_PS</c> and <c>INVISIBLE_PATIENT</c> (DMP parameter
    /// <c>cumul-invisible_patient-masque_ps</c>). <value>Default: <see langword="false"/>.</value></summary>
    public bool AllowMaskedAndInvisible { get; set; }
}

/// <summary>The local access rules <see cref="DmpAccessPolicy"/> applies (Ségur defaults, dmp.md §2.5).</summary>
public sealed class DmpAccessOptions
{
    /// <summary>Whether the client checks the local rules before each call (consent store, reasons, author, visibility).
    /// Turn off only when the application applies them itself. <value>Default: <see langword="true"/>.</value></summary>
    public bool Enforce { get; set; } = true;

    /// <summary>Whether feeding needs the patient to have been informed (else the document is held).
    /// <value>Default: <see langword="true"/>.</value></summary>
    public bool RequirePatientInformed { get; set; } = true;

    /// <summary>The DMP platform parameters.</summary>
    public DmpParameters Parameters { get; set; } = new();
}
