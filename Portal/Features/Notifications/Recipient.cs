namespace Portal.Features.Notifications;

/// <summary>Whom a notification is for: a portal user (shown in the portal, mailed to their address) or just an address.</summary>
public sealed record Recipient
{
    private Recipient(Guid? userId, string? email)
    {
        UserId = userId;
        Email = email;
    }

    public Guid? UserId { get; }
    public string? Email { get; }

    public static Recipient User(Guid userId) => new(userId, null);

    /// <summary>Someone who may not have an account (yet): e-mail only, never listed in anyone's portal inbox.</summary>
    public static Recipient Address(string email) => new(null, email);
}
