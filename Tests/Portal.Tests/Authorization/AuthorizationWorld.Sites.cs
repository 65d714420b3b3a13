using Portal.Connectors.Sites;

namespace Portal.Tests.Authorization;

/// <summary>Fresh site agents for the matrix: one per case, owned by the owner persona.</summary>
public partial class AuthorizationWorld
{
    public async Task<Guid> FreshAgentOfOwnerAsync(bool disabled)
    {
        var now = Clock.GetUtcNow();
        using var key = SiteKeys.Create();
        var publicKey = key.ExportSubjectPublicKeyInfo();
        var agent = new SiteAgent
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = UserId(Persona.Owner),
            Name = $"agent {Interlocked.Increment(ref _made)}",
            PublicKey = publicKey,
            Fingerprint = SiteKeys.Fingerprint(publicKey),
            EnrolledAt = now,
            DisabledAt = disabled ? now : null,
        };
        await using var db = CreateDb();
        db.SiteAgents.Add(agent);
        await db.SaveChangesAsync();
        return agent.Id;
    }
}
