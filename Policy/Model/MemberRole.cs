namespace Portal.Policy.Model;

public enum MemberRole : byte
{
    Member,
    Admin,

    /// <summary>Reads the audit trail of the datasets shared into the VO, nothing else.</summary>
    Auditor,
}
