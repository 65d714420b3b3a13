namespace Portal.Policy.Model;

public enum VoRole : byte
{
    Member,
    Admin,

    /// <summary>Reads the audit trail of the datasets shared into the VO, nothing else.</summary>
    Auditor,
}
