namespace Portal.Kernel;

/// <summary>Who did it, as the audit trail records it.</summary>
public sealed record AuditActor(Guid? UserId, string? Name, string? Ip, Guid? ApiTokenId = null)
{
    public static readonly AuditActor System = new(null, "system", null);
}
